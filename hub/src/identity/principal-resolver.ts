import { rolePermissions, type Permission, type TenantRole } from '@switchboard/contracts';
import { findApiKey, withTenant, withUser, type Orm } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import { hashToken, type AccessClaims, type AccessTokens } from '@switchboard/security';
import type { Credential, Principal } from './principal.ts';
import { mfaRequiredFor } from './mfa-policy.ts';
import { sqlDateOrNull } from './sql-date.ts';

interface MemberRow {
  role: TenantRole;
  memberLastSeenAt: Date | string | null;
  tenantStatus: 'active' | 'suspended';
  requireMfa: boolean;
  mfaEnabled: boolean;
  live: boolean;
}

interface PlatformRow {
  isSuperAdmin: boolean;
  live: boolean;
}

/** A signed-in person's last-seen time is written at most this often. */
const LAST_SEEN_EVERY_MS = 60_000;

// The family the token names must still have a live (current, unrevoked, unexpired) refresh
// session, so a logout, a reuse detection or a removal ends its access tokens at once.
const liveFamily = `exists (select 1 from refresh_sessions s
  where s.family_id = ? and s.user_id = ? and s.tenant_id is not distinct from ?::uuid
    and s.impersonator_user_id is not distinct from ?::uuid
    and s.revoked_at is null and s.rotated_at is null and s.expires_at > now())`;

const unauthenticated = (message: string) => new AppError('SB_ERR_UNAUTHENTICATED', { message });

/**
 * Turns a presented credential into a `Principal`, from the database's current state rather
 * than what the token claims: the role is the membership's role now, the session family must
 * still be live, and the tenant's status and MFA rule are read on every request.
 */
export class PrincipalResolver {
  constructor(private readonly orm: Orm, private readonly accessTokens: AccessTokens) {}

  async fromAccessToken(token: string, credential: Extract<Credential, 'bearer' | 'cookie'>): Promise<Principal> {
    const claims = await this.accessTokens.verify(token);
    return claims.tid === undefined ? this.platformPrincipal(claims, credential) : this.memberPrincipal(claims, claims.tid, credential);
  }

  async fromApiKey(key: string): Promise<Principal> {
    const row = await findApiKey(this.orm.em.fork(), hashToken(key));
    if (row === undefined) throw unauthenticated('The API key is not valid.');
    if (row.revokedAt !== null) throw unauthenticated('The API key has been revoked; create a new one.');
    const creator = row.createdBy;
    if (creator === null) throw unauthenticated('The member who created this API key no longer exists; create a new key.');
    const role = await withTenant(this.orm.em, row.tenantId, async (em) => {
      await em.execute(`update api_keys set last_used_at = now()
        where id = ? and (last_used_at is null or last_used_at < now() - interval '${LAST_SEEN_EVERY_MS / 1000} seconds')`, [row.id], 'run');
      const [member] = await em.execute<Array<{ role: TenantRole }>>('select role from memberships where tenant_id = ? and user_id = ?', [row.tenantId, creator]);
      return member?.role;
    }, { userId: creator });
    if (role === undefined) throw unauthenticated('The member who created this API key has left the workspace; create a new key.');
    // A key never does more than its creator's role allows today.
    const granted = rolePermissions[role];
    const permissions = row.scopes.filter((scope): scope is Permission => (granted as readonly string[]).includes(scope));
    return {
      userId: creator,
      tenantId: row.tenantId,
      role,
      permissions,
      apiKeyId: row.id,
      credential: 'api_key',
      tenantSuspended: row.tenantStatus === 'suspended',
      mfaSetupRequired: false,
    };
  }

  private async memberPrincipal(claims: AccessClaims, tenantId: string, credential: Credential): Promise<Principal> {
    const impersonator = claims.imp ?? null;
    const row = await withTenant(this.orm.em, tenantId, async (em) => {
      const [found] = await em.execute<MemberRow[]>(`
        select m.role, m.last_seen_at as "memberLastSeenAt", t.status as "tenantStatus", t.require_mfa as "requireMfa",
               u.mfa_enabled as "mfaEnabled", ${liveFamily} as live
        from memberships m join tenants t on t.id = m.tenant_id join users u on u.id = m.user_id
        where m.tenant_id = ? and m.user_id = ?`, [claims.sid, claims.sub, tenantId, impersonator, tenantId, claims.sub]);
      if (found?.live === true && impersonator === null && isStale(found.memberLastSeenAt)) {
        await em.execute('update memberships set last_seen_at = now() where tenant_id = ? and user_id = ?', [tenantId, claims.sub], 'run');
        await em.execute('update users set last_seen_at = now() where id = ?', [claims.sub], 'run');
      }
      return found;
    }, { userId: claims.sub });
    if (row === undefined) throw unauthenticated('You are no longer a member of this workspace; sign in again.');
    if (!row.live) throw unauthenticated('This session has ended; sign in again.');
    const principal: Principal = {
      userId: claims.sub,
      tenantId,
      role: row.role,
      permissions: rolePermissions[row.role],
      sessionId: claims.sid,
      credential,
      tenantSuspended: row.tenantStatus === 'suspended',
      mfaSetupRequired: mfaRequiredFor(row.role, row.requireMfa) && !row.mfaEnabled,
    };
    if (claims.imp !== undefined) principal.impersonatorUserId = claims.imp;
    return principal;
  }

  private async platformPrincipal(claims: AccessClaims, credential: Credential): Promise<Principal> {
    if (claims.role !== 'super_admin' || claims.imp !== undefined) throw unauthenticated('The access token names no workspace.');
    const row = await withUser(this.orm.em, claims.sub, async (em) => {
      const [found] = await em.execute<PlatformRow[]>(
        `select u.is_super_admin as "isSuperAdmin", ${liveFamily} as live from users u where u.id = ?`,
        [claims.sid, claims.sub, null, null, claims.sub],
      );
      return found;
    });
    if (row?.isSuperAdmin !== true) throw unauthenticated('This account is no longer a platform administrator.');
    if (!row.live) throw unauthenticated('This session has ended; sign in again.');
    return {
      userId: claims.sub,
      role: 'super_admin',
      permissions: rolePermissions.super_admin,
      sessionId: claims.sid,
      credential,
      tenantSuspended: false,
      mfaSetupRequired: false,
    };
  }
}

function isStale(lastSeenAt: Date | string | null): boolean {
  const seen = sqlDateOrNull(lastSeenAt);
  return seen === null || Date.now() - seen.getTime() > LAST_SEEN_EVERY_MS;
}
