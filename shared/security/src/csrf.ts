import { newOpaqueToken, safeEqual } from './opaque-token.ts';

/** A new CSRF token, set as a readable cookie and echoed by the console in a header. */
export function newCsrfToken(): string {
  return newOpaqueToken(32);
}

/**
 * The double-submit check: the header a script on our origin copied from the cookie must
 * equal the cookie. False when either is missing or empty; compared in constant time.
 */
export function csrfMatches(cookieValue: string | undefined, headerValue: string | undefined): boolean {
  if (cookieValue === undefined || headerValue === undefined || cookieValue === '' || headerValue === '') return false;
  return safeEqual(cookieValue, headerValue);
}
