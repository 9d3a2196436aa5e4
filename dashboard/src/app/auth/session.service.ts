import { HttpClient } from '@angular/common/http';
import { computed, inject, Injectable, signal } from '@angular/core';
import { Router } from '@angular/router';
import type { MeView, Permission } from '@switchboard/contracts';
import { apiCall } from '../api/api-call';
import { sessionProbeContext } from '../api/api-context';
import { ApiError } from '../api/api-error';

/**
 * Who is signed in, in which workspace, and what their role allows: `GET /api/v1/me`, loaded
 * once at start-up and replaced whenever a sign-in, MFA change or workspace edit alters it.
 * Pages ask `can(permission)` to hide what the role lacks; the hub enforces it regardless.
 */
@Injectable({ providedIn: 'root' })
export class SessionService {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);

  private readonly current = signal<MeView | null>(null);

  readonly me = this.current.asReadonly();
  readonly isAuthenticated = computed(() => this.current() !== null);
  readonly permissions = computed<ReadonlySet<Permission>>(() => new Set(this.current()?.permissions ?? []));
  readonly tenant = computed(() => this.current()?.tenant ?? null);
  readonly impersonation = computed(() => this.current()?.impersonation ?? null);
  /** The workspace requires two-factor sign-in and this person has not set it up yet. */
  readonly mfaSetupRequired = computed(() => {
    const me = this.current();
    return me !== null && me.mfaRequired && !me.user.mfaEnabled;
  });

  /** True when the signed-in role grants `permission`. Reactive: read it in templates and computeds. */
  can(permission: Permission): boolean {
    return this.permissions().has(permission);
  }

  /** True when the role grants at least one of `permissions`. */
  canAny(permissions: readonly Permission[]): boolean {
    return permissions.some((permission) => this.can(permission));
  }

  /**
   * Where this person starts: the inbox for workspace members, the tenant list for the platform
   * team, the login page for someone signed out.
   */
  homePath(): string {
    if (!this.isAuthenticated()) return '/login';
    if (this.mfaSetupRequired()) return '/profile';
    if (this.can('conversation.read')) return '/inbox';
    if (this.can('platform.tenants.read')) return '/tenants';
    return '/profile';
  }

  /**
   * Asks the hub who is signed in. No session (401, even after a refresh) means signed out; so
   * does an unreachable hub, whose error the next request on the page will show.
   */
  async load(): Promise<MeView | null> {
    try {
      this.current.set(await apiCall(this.http.get<MeView>('/api/v1/me', { context: sessionProbeContext() })));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this.current.set(null);
    }
    return this.current();
  }

  /** Takes the `me` of a successful sign-in, signup or invitation answer. */
  signedIn(me: MeView): void {
    this.current.set(me);
  }

  /** Forgets the session locally; the interceptor calls this when a refresh is refused. */
  clear(): void {
    this.current.set(null);
  }

  /** Revokes the session on the hub, then shows the login page whatever the hub answered. */
  async signOut(): Promise<void> {
    try {
      await apiCall(this.http.post<unknown>('/api/v1/auth/logout', {}));
    } catch {
      // Signing out must always work for the person in front of the screen; an already dead
      // session or a lost connection leaves nothing to revoke from here.
    }
    this.clear();
    await this.router.navigateByUrl('/login');
  }
}
