import { HttpBackend, HttpClient, HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { Router } from '@angular/router';
import { catchError, firstValueFrom, from, switchMap, throwError } from 'rxjs';
import { ON_SESSION_LOST } from '../api/api-context';
import { errorCodeOf } from '../api/api-error';
import { csrfCookieName, csrfHeaderName, readCookie } from '../api/csrf.interceptor';
import { SessionService } from './session.service';

// Their 401 means wrong credentials or no session to refresh, never an expired access token.
const withoutRefresh = ['/api/v1/auth/login', '/api/v1/auth/signup', '/api/v1/auth/refresh', '/api/v1/auth/logout'];

/**
 * Rotates the refresh cookie for a new access cookie. One refresh serves every request that
 * failed meanwhile: concurrent 401s share the same attempt, because a second use of the old
 * refresh token would look like token theft and revoke the whole session family.
 */
@Injectable({ providedIn: 'root' })
export class SessionRefresher {
  // Straight to the backend: the refresh call must not pass through the interceptor that calls it.
  private readonly http = new HttpClient(inject(HttpBackend));
  private pending: Promise<boolean> | null = null;

  refresh(): Promise<boolean> {
    this.pending ??= this.rotate().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async rotate(): Promise<boolean> {
    const token = readCookie(csrfCookieName);
    // The CSRF cookie lives as long as the refresh token and the hub checks the two together:
    // without it there is no session to refresh, and asking would only add a failed request.
    if (token === undefined) return false;
    try {
      await firstValueFrom(this.http.post('/api/v1/auth/refresh', {}, { headers: { [csrfHeaderName]: token } }));
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * A 401 that means "no valid session": `SB_ERR_UNAUTHENTICATED`, or a bare 401 without our error
 * body. Other 401s answer the request itself (a wrong two-factor code, `SB_ERR_MFA_INVALID`) and
 * must reach the page, not end the session.
 */
function isUnauthenticated(error: unknown): error is HttpErrorResponse {
  if (!(error instanceof HttpErrorResponse) || error.status !== 401) return false;
  const code = errorCodeOf(error);
  return code === undefined || code === 'SB_ERR_UNAUTHENTICATED';
}

/**
 * On a 401 from the API, refreshes the session once and retries the request; when that fails
 * too, the session is over: forget it and, unless the request was only probing, go to the login
 * page with the current address to come back to.
 */
export const sessionRefreshInterceptor: HttpInterceptorFn = (request, next) => {
  if (!request.url.startsWith('/api/') || withoutRefresh.some((path) => request.url.startsWith(path))) return next(request);
  const refresher = inject(SessionRefresher);
  const session = inject(SessionService);
  const router = inject(Router);

  const sessionLost = (error: unknown) => {
    session.clear();
    if (request.context.get(ON_SESSION_LOST) === 'sign-in' && !router.url.startsWith('/login')) {
      void router.navigate(['/login'], { queryParams: { returnUrl: router.url } });
    }
    return throwError(() => error);
  };


  return next(request).pipe(
    catchError((error: unknown) => {
      if (!isUnauthenticated(error)) return throwError(() => error);
      return from(refresher.refresh()).pipe(
        switchMap((refreshed) => {
          if (!refreshed) return sessionLost(error);
          // Retried once only: a second 401 right after a successful refresh ends the session.
          return next(request).pipe(catchError((retryError: unknown) => (isUnauthenticated(retryError) ? sessionLost(retryError) : throwError(() => retryError))));
        }),
      );
    }),
  );
};
