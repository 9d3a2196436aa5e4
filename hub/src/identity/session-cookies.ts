import type { FastifyReply, FastifyRequest } from 'fastify';

export const cookieNames = {
  /** The access token for the console; httpOnly, sent with every same-site request. */
  access: 'sb_access',
  /** The refresh token; httpOnly, SameSite=Strict, only ever sent to the auth routes. */
  refresh: 'sb_refresh',
  /** The double-submit CSRF token the console copies into `x-csrf-token`; readable by scripts. */
  csrf: 'sb_csrf',
  /** A super admin's own refresh token, kept aside while they impersonate someone. */
  impersonatorRefresh: 'sb_imp_return',
} as const;

export const refreshCookiePath = '/api/v1/auth';
export const impersonatorCookiePath = '/api/v1/admin/impersonation';

/** What a browser needs to hold a session. */
export interface BrowserSession {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  csrfToken: string;
}

/** Sets the three session cookies: access (Lax), refresh (Strict, auth routes only), CSRF (readable). */
export function setSessionCookies(reply: FastifyReply, session: BrowserSession, secure: boolean): void {
  void reply
    .setCookie(cookieNames.access, session.accessToken, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: session.accessTokenExpiresAt })
    .setCookie(cookieNames.refresh, session.refreshToken, { httpOnly: true, sameSite: 'strict', secure, path: refreshCookiePath, expires: session.refreshTokenExpiresAt })
    .setCookie(cookieNames.csrf, session.csrfToken, { httpOnly: false, sameSite: 'strict', secure, path: '/', expires: session.refreshTokenExpiresAt });
}

/** Removes every session cookie (each with the path it was set on, or the browser keeps it). */
export function clearSessionCookies(reply: FastifyReply, secure: boolean): void {
  void reply
    .clearCookie(cookieNames.access, { httpOnly: true, sameSite: 'lax', secure, path: '/' })
    .clearCookie(cookieNames.refresh, { httpOnly: true, sameSite: 'strict', secure, path: refreshCookiePath })
    .clearCookie(cookieNames.csrf, { httpOnly: false, sameSite: 'strict', secure, path: '/' });
}

/** Keeps a super admin's own refresh token while they impersonate, for `impersonation/stop`. */
export function setImpersonatorCookie(reply: FastifyReply, refreshToken: string, expires: Date, secure: boolean): void {
  void reply.setCookie(cookieNames.impersonatorRefresh, refreshToken, { httpOnly: true, sameSite: 'strict', secure, path: impersonatorCookiePath, expires });
}

export function clearImpersonatorCookie(reply: FastifyReply, secure: boolean): void {
  void reply.clearCookie(cookieNames.impersonatorRefresh, { httpOnly: true, sameSite: 'strict', secure, path: impersonatorCookiePath });
}

/** A cookie's value, or undefined when absent or empty. */
export function cookieOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.cookies[name];
  return value === undefined || value === '' ? undefined : value;
}
