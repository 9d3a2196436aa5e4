import { inject } from '@angular/core';
import type { CanActivateChildFn, CanActivateFn } from '@angular/router';
import { Router } from '@angular/router';
import type { Permission } from '@switchboard/contracts';
import { safeReturnUrl } from './return-url';
import { SessionService } from './session.service';

/** Console pages need a session; without one, sign in first and come back to the same address. */
export const requireSession: CanActivateFn = (_route, state) => {
  const session = inject(SessionService);
  if (session.isAuthenticated()) return true;
  return inject(Router).createUrlTree(['/login'], { queryParams: { returnUrl: state.url } });
};

/**
 * While the workspace requires two-factor sign-in that this person has not set up, every
 * console page but the profile (where it is set up) sends them there.
 */
export const requireMfaWhenEnforced: CanActivateChildFn = (_route, state) => {
  const session = inject(SessionService);
  if (!session.mfaSetupRequired() || state.url.startsWith('/profile')) return true;
  return inject(Router).createUrlTree(['/profile']);
};

/** A page for roles holding at least one of `permissions`; others land on their home page. */
export function requireAnyPermission(...permissions: Permission[]): CanActivateFn {
  return () => {
    const session = inject(SessionService);
    return session.canAny(permissions) || inject(Router).parseUrl(session.homePath());
  };
}

/** Sign-in and signup are for signed-out people; a signed-in one goes where they were heading. */
export const requireNoSession: CanActivateFn = (route) => {
  const session = inject(SessionService);
  if (!session.isAuthenticated()) return true;
  return inject(Router).parseUrl(safeReturnUrl(route.queryParamMap.get('returnUrl')) ?? session.homePath());
};
