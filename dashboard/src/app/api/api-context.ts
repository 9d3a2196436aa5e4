import { HttpContext, HttpContextToken } from '@angular/common/http';

/**
 * What a request wants when the session is gone for good (its 401 survived a refresh):
 * `sign-in` sends the person to the login page and back afterwards; `stay` just reports the
 * failure, for the start-up probe of `GET /api/v1/me` on public pages.
 */
export const ON_SESSION_LOST = new HttpContextToken<'sign-in' | 'stay'>(() => 'sign-in');

/** The context of a request that may find no session without sending anyone to the login page. */
export function sessionProbeContext(): HttpContext {
  return new HttpContext().set(ON_SESSION_LOST, 'stay');
}
