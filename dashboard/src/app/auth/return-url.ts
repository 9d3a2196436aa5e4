/**
 * The in-console address to go back to after signing in, from `?returnUrl=`. Only paths on this
 * origin are accepted (`/team`, not `//evil.example` or `https://…`), so a crafted login link
 * cannot send someone elsewhere after they sign in.
 */
export function safeReturnUrl(value: string | null | undefined): string | null {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return null;
  if (value.startsWith('/login')) return null;
  return value;
}
