import { rolePermissions, type MeView, type Role } from '@switchboard/contracts';
import { Tenant, User, withPlatform, type Orm } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import { tenantView, userView } from './identity.views.ts';
import { mfaRequiredFor } from './mfa-policy.ts';
import { inSessionScope, type SessionService } from './session.service.ts';

/** The subject of a `MeView`: a signed-in user in a tenant (or on the platform), in a session. */
export interface MeSubject {
  userId: string;
  tenantId?: string | undefined;
  role: Role;
  sessionId?: string | undefined;
  impersonatorUserId?: string | undefined;
}

/** Builds `GET /api/v1/me` and the `me` of every answer that signs someone in. */
export class MeService {
  constructor(private readonly orm: Orm, private readonly sessions: SessionService) {}

  async me(subject: MeSubject): Promise<MeView> {
    const found = await inSessionScope(this.orm, subject.userId, subject.tenantId, async (em) => ({
      user: await em.findOne(User, { id: subject.userId }),
      tenant: subject.tenantId === undefined ? null : await em.findOne(Tenant, { id: subject.tenantId }),
      sessionExpiresAt: subject.sessionId === undefined ? undefined : await this.sessions.currentExpiry(em, subject.sessionId),
    }));
    if (found.user === null) throw new AppError('SB_ERR_UNAUTHENTICATED');
    const me: MeView = {
      user: userView(found.user),
      role: subject.role,
      permissions: [...rolePermissions[subject.role]],
      mfaRequired: found.tenant !== null && mfaRequiredFor(subject.role, found.tenant.requireMfa),
    };
    if (found.tenant !== null) me.tenant = tenantView(found.tenant);
    if (subject.impersonatorUserId !== undefined) {
      me.impersonation = {
        byUserId: subject.impersonatorUserId,
        byEmail: await this.impersonatorEmail(subject.impersonatorUserId),
        expiresAt: (found.sessionExpiresAt ?? new Date()).toISOString(),
      };
    }
    return me;
  }

  /**
   * The super admin behind an impersonation is no member of the tenant, so the tenant's scope
   * cannot see them; the verified access token already proves who they are.
   */
  private async impersonatorEmail(userId: string): Promise<string> {
    const user = await withPlatform(this.orm.em, (em) => em.findOne(User, { id: userId }));
    return user?.email ?? 'unknown@switchboard.invalid';
  }
}
