import type { MeView, TenantSummary, TenantView } from '@switchboard/contracts';
import { Tenant, withPlatform, withTenant, type Orm } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import { recordAudit, type AuditActor } from '../audit/audit-writer.ts';
import { tenantView } from './identity.views.ts';
import { sqlDate } from './sql-date.ts';
import type { ClientInfo } from './login.service.ts';
import type { MeService } from './me.service.ts';
import type { Principal } from './principal.ts';
import type { IssuedSession, SessionService } from './session.service.ts';

/** The longest an impersonation may last, and how long it lasts when no duration is asked for. */
export const IMPERSONATION_MAX_MINUTES = 60;
const IMPERSONATION_DEFAULT_MINUTES = 30;

interface SummaryRow {
  id: string;
  memberCount: number;
  lastActivityAt: Date | string | null;
}

const tenantNotFound = () => new AppError('SB_ERR_NOT_FOUND', { message: 'No tenant with this id.' });

/**
 * The super admin's platform: every tenant with its counts, suspension and reactivation, and
 * time-limited impersonation of a tenant's member, each recorded in the audit log (in the
 * tenant's own log too, so its owners see what the platform did).
 */
export class PlatformService {
  constructor(private readonly orm: Orm, private readonly sessions: SessionService, private readonly meService: MeService) {}

  async tenants(): Promise<TenantSummary[]> {
    return withPlatform(this.orm.em, async (em) => {
      const tenants = await em.find(Tenant, {}, { orderBy: { createdAt: 'desc', id: 'desc' } });
      const rows = await em.execute<SummaryRow[]>(`
        select m.tenant_id as id, count(*)::int as "memberCount", max(m.last_seen_at) as "lastActivityAt"
        from memberships m group by m.tenant_id`);
      const byId = new Map(rows.map((row) => [row.id, row]));
      const conversations = await em.execute<Array<{ id: string; n: number }>>(
        'select tenant_id as id, count(*)::int as n from conversations group by tenant_id',
      );
      const conversationsById = new Map(conversations.map((row) => [row.id, row.n]));
      return tenants.map((tenant) => {
        const row = byId.get(tenant.id);
        const summary: TenantSummary = { tenant: tenantView(tenant), memberCount: row?.memberCount ?? 0, conversationCount: conversationsById.get(tenant.id) ?? 0 };
        if (row?.lastActivityAt) summary.lastActivityAt = sqlDate(row.lastActivityAt).toISOString();
        return summary;
      });
    });
  }

  /** Suspends or reactivates a tenant; asking for the state it is already in changes nothing. */
  async setStatus(tenantId: string, status: 'active' | 'suspended', actor: AuditActor): Promise<TenantView> {
    return withPlatform(this.orm.em, async (em) => {
      const tenant = await em.findOne(Tenant, { id: tenantId });
      if (tenant === null) throw tenantNotFound();
      if (tenant.status !== status) {
        tenant.status = status;
        tenant.suspendedAt = status === 'suspended' ? new Date() : null;
        recordAudit(em, actor, { action: status === 'suspended' ? 'tenant.suspended' : 'tenant.reactivated', tenantId, targetType: 'tenant', targetId: tenantId });
        await em.flush();
      }
      return tenantView(tenant);
    });
  }

  /**
   * Starts a session as `userId` in `tenantId` for at most an hour, with the super admin's id in
   * its access tokens. The admin's own session gets a fresh refresh token to return to.
   */
  async impersonate(
    admin: Principal,
    tenantId: string,
    input: { userId: string; minutes?: number | undefined },
    actor: AuditActor,
    client: ClientInfo,
  ): Promise<{ session: IssuedSession; me: MeView; returnToken?: { token: string; expiresAt: Date } | undefined }> {
    const minutes = Math.min(input.minutes ?? IMPERSONATION_DEFAULT_MINUTES, IMPERSONATION_MAX_MINUTES);
    const expiresAt = new Date(Date.now() + minutes * 60_000);
    const target = await withPlatform(this.orm.em, async (em) => {
      const [row] = await em.execute<Array<{ role: 'owner' | 'admin' | 'agent'; is_super_admin: boolean }>>(
        `select m.role, u.is_super_admin from memberships m join users u on u.id = m.user_id
         join tenants t on t.id = m.tenant_id where m.tenant_id = ? and m.user_id = ?`, [tenantId, input.userId]);
      return row;
    });
    if (target === undefined) throw new AppError('SB_ERR_NOT_FOUND', { message: 'This user is not a member of this tenant.' });
    if (target.is_super_admin) throw new AppError('SB_ERR_FORBIDDEN', { message: 'A platform administrator cannot be impersonated.' });

    const session = await withTenant(this.orm.em, tenantId, async (em) => {
      const started = await this.sessions.start(em, {
        userId: input.userId,
        tenantId,
        role: target.role,
        impersonatorUserId: admin.userId,
        expiresAt,
        ip: client.ip,
        userAgent: client.userAgent,
      });
      // Recorded as the admin's own act, in the tenant's log.
      recordAudit(em, { ...actor, actorUserId: admin.userId, impersonatorUserId: undefined }, {
        action: 'platform.impersonation_started',
        tenantId,
        targetType: 'user',
        targetId: input.userId,
        metadata: { minutes, expiresAt: expiresAt.toISOString(), sessionId: started.familyId },
      });
      return started;
    }, { userId: input.userId });
    // Only a browser needs a way back (its cookies are about to hold the impersonation); an API
    // client keeps its own tokens, whose family must not be rotated behind its back.
    const returnToken = admin.credential !== 'cookie' || admin.sessionId === undefined ? undefined : await this.sessions.reissue(admin.userId, admin.sessionId);
    const me = await this.meService.me({ userId: input.userId, tenantId, role: target.role, sessionId: session.familyId, impersonatorUserId: admin.userId });
    return { session, me, returnToken };
  }

  /** Ends the impersonation session the principal is in; recorded with both identities. */
  async stopImpersonation(principal: Principal, actor: AuditActor): Promise<void> {
    const { impersonatorUserId, sessionId, tenantId } = principal;
    if (impersonatorUserId === undefined || sessionId === undefined || tenantId === undefined) {
      throw new AppError('SB_ERR_CONFLICT', { message: 'You are not impersonating anyone.' });
    }
    await withTenant(this.orm.em, tenantId, async (em) => {
      await this.sessions.revokeFamilyIn(em, sessionId, 'impersonation_stopped');
      recordAudit(em, actor, { action: 'platform.impersonation_stopped', tenantId, targetType: 'user', targetId: principal.userId, metadata: { sessionId } });
    }, { userId: principal.userId });
  }
}
