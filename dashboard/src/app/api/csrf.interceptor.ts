import type { HttpInterceptorFn } from '@angular/common/http';

export const csrfCookieName = 'sb_csrf';
export const csrfHeaderName = 'x-csrf-token';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Reads one cookie's value; `sb_csrf` is the only one the session leaves readable to scripts. */
export function readCookie(name: string): string | undefined {
  for (const pair of document.cookie.split('; ')) {
    const separator = pair.indexOf('=');
    if (pair.slice(0, separator) === name) return decodeURIComponent(pair.slice(separator + 1));
  }
  return undefined;
}

/**
 * Double-submit CSRF: every state-changing call to our own API repeats the `sb_csrf` cookie in
 * `x-csrf-token`. The cookie is read per request, never cached, because a session refresh
 * rotates it and the retried request must carry the new value. Angular's built-in XSRF
 * interceptor is switched off in favour of this one: it runs before the refresh-and-retry step,
 * so the retry would repeat the stale token.
 */
export const csrfInterceptor: HttpInterceptorFn = (request, next) => {
  if (safeMethods.has(request.method) || !request.url.startsWith('/api/')) return next(request);
  const token = readCookie(csrfCookieName);
  return next(token === undefined ? request : request.clone({ setHeaders: { [csrfHeaderName]: token } }));
};
