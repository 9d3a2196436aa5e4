import type { EntityManager } from '@mikro-orm/postgresql';
import { assignableRoles, type MemberView, type TenantRole } from '@switchboard/contracts';
import { Membership, RefreshSession, withTenant, type Orm } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import { recordAudit, type AuditActor } from '../audit/audit-writer.ts';
import { memberView, type MemberRow } from './identity.views.ts';
import type { Principal } from './principal.ts';

const memberColumns = `m.user_id as "userId", u.email, u.name, m.role, u.mfa_enabled as "mfaEnabled",
  m.last_seen_at as "lastSeenAt", m.created_at as "joinedAt"`;

const memberNotFound = () => new AppError('SB_ERR_NOT_FOUND', { message: 'No member with this id in your workspace.' });

/** The principal's tenant, which every team route needs (API keys and members have one). */
export function tenantOf(principal: Principal): string {
  if (principal.tenantId === undefined) throw new AppError('SB_ERR_FORBIDDEN', { message: 'This action needs a workspace; sign in to one.' });
  return principal.tenantId;
}

/**
 * The members of the principal's tenant: list them, change a role, remove one. What a role may
 * hand out is `assignableRoles` (an admin cannot touch an owner), and a change that would leave
 * the tenant without an owner is refused with SB_ERR_LAST_OWNER. Memberships are locked while
 * checking, so two owners demoting each other at once cannot both succeed.
 */
export class TeamService {
  constructor(private readonly orm: Orm) {}

  async members(principal: Principal): Promise<MemberView[]> {
    const tenantId = tenantOf(principal);
    const rows = await withTenant(this.orm.em, tenantId, (em) => em.execute<MemberRow[]>(
      `select ${memberColumns} from memberships m join users u on u.id = m.user_id where m.tenant_id = ? order by m.created_at, u.name`,
      [tenantId],
    ));
    return rows.map(memberView);
  }

  async changeRole(principal: Principal, userId: string, role: TenantRole, actor: AuditActor): Promise<MemberView> {
    const tenantId = tenantOf(principal);
    return withTenant(this.orm.em, tenantId, async (em) => {
      const memberships = await lockedMemberships(em, tenantId);
      const target = memberships.find((membership) => membership.user_id === userId);
      if (target === undefined) throw memberNotFound();
      const assignable = assignableRoles(principal.role);
      if (!assignable.includes(target.role) || !assignable.includes(role)) {
        throw new AppError('SB_ERR_FORBIDDEN', { message: `Your role can give only the roles ${assignable.join(', ') || '(none)'}, and change only members who hold one of them.` });
      }
      if (target.role !== role) {
        if (target.role === 'owner' && ownerCount(memberships) === 1) throw new AppError('SB_ERR_LAST_OWNER');
        await em.nativeUpdate(Membership, { tenant: tenantId, user: userId }, { role });
        recordAudit(em, actor, { action: 'team.role_changed', tenantId, targetType: 'user', targetId: userId, metadata: { from: target.role, to: role } });
      }
      const [row] = await em.execute<MemberRow[]>(
        `select ${memberColumns} from memberships m join users u on u.id = m.user_id where m.tenant_id = ? and m.user_id = ?`,
        [tenantId, userId],
      );
      if (row === undefined) throw memberNotFound();
      return memberView(row);
    }, { userId: principal.userId });
  }

  async remove(principal: Principal, userId: string, actor: AuditActor): Promise<void> {
    const tenantId = tenantOf(principal);
    await withTenant(this.orm.em, tenantId, async (em) => {
      const memberships = await lockedMemberships(em, tenantId);
      const target = memberships.find((membership) => membership.user_id === userId);
      if (target === undefined) throw memberNotFound();
      if (!assignableRoles(principal.role).includes(target.role)) {
        throw new AppError('SB_ERR_FORBIDDEN', { message: `Your role cannot remove ${target.role === 'owner' ? 'an owner' : 'this member'}.` });
      }
      if (target.role === 'owner' && ownerCount(memberships) === 1) throw new AppError('SB_ERR_LAST_OWNER');
      await em.nativeDelete(Membership, { tenant: tenantId, user: userId });
      // Their sessions in this tenant end now, not when the access token expires.
      await em.nativeUpdate(RefreshSession, { tenant: tenantId, user: userId, revokedAt: null }, { revokedAt: new Date(), revokedReason: 'member_removed' });
      recordAudit(em, actor, { action: 'team.member_removed', tenantId, targetType: 'user', targetId: userId, metadata: { role: target.role } });
    }, { userId: principal.userId });
  }
}

interface LockedMembership {
  user_id: string;
  role: TenantRole;
}

async function lockedMemberships(em: EntityManager, tenantId: string): Promise<LockedMembership[]> {
  return em.execute<LockedMembership[]>('select user_id, role from memberships where tenant_id = ? for update', [tenantId]);
}

function ownerCount(memberships: LockedMembership[]): number {
  return memberships.filter((membership) => membership.role === 'owner').length;
}
