import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Role, TenantRole } from '@switchboard/contracts';
import { findRefreshSession, RefreshSession, withTenant, withUser, type Orm, type RefreshSessionLookup } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import { hashToken, newCsrfToken, newOpaqueToken, type AccessTokens } from '@switchboard/security';
import { recordAudit, type AuditActor } from '../audit/audit-writer.ts';
import type { BrowserSession } from './session-cookies.ts';

/** How long a sign-in lasts without use; every refresh extends it by this much. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export interface SessionStart {
  userId: string;
  /** Absent for a super admin's platform session. */
  tenantId?: string | undefined;
  role: Role;
  impersonatorUserId?: string | undefined;
  /** Fixed end of the session (impersonation); otherwise it slides with each refresh. */
  expiresAt?: Date;
  ip?: string | undefined;
  userAgent?: string | undefined;
}

/** Names one session family and whose it is. */
export interface SessionRef {
  familyId: string;
  userId: string;
  tenantId?: string | undefined;
}

/** A session as handed to its holder: tokens, their expiries and the family they belong to. */
export interface IssuedSession extends BrowserSession {
  familyId: string;
  userId: string;
  tenantId?: string | undefined;
  impersonatorUserId?: string | undefined;
}

/** Runs `work` in the scope a session of `userId` (in `tenantId`, if any) is written in. */
export function inSessionScope<T>(orm: Orm, userId: string, tenantId: string | null | undefined, work: (em: EntityManager) => Promise<T>): Promise<T> {
  return tenantId ? withTenant(orm.em, tenantId, work, { userId }) : withUser(orm.em, userId, work);
}

const sessionEnded = (message = 'This session has ended; sign in again.') => new AppError('SB_ERR_UNAUTHENTICATED', { message });

/**
 * Sign-in sessions: a family of refresh tokens, each used once. A refresh marks the presented
 * token rotated and issues the next; presenting a rotated token again means it was copied, so
 * the whole family is revoked. Access tokens name their family, and die with it.
 */
export class SessionService {
  constructor(private readonly orm: Orm, private readonly accessTokens: AccessTokens) {}

  /** Starts a new family inside the caller's transaction (whose scope must allow the insert). */
  async start(em: EntityManager, start: SessionStart): Promise<IssuedSession> {
    return this.insert(em, randomUUID(), start, start.expiresAt ?? new Date(Date.now() + SESSION_TTL_MS));
  }

  /**
   * Exchanges a refresh token for the next one. Unknown, revoked or expired tokens are 401;
   * a rotated one revokes its family (recorded in the audit log) and is 401 too.
   */
  async refresh(refreshToken: string, actor: AuditActor, client: { ip?: string; userAgent?: string }, csrfToken?: string): Promise<IssuedSession> {
    const row = await this.lookup(refreshToken);
    if (row === undefined) throw sessionEnded('The refresh token is not valid; sign in again.');
    if (row.revokedAt !== null) throw sessionEnded();
    if (row.rotatedAt !== null) return this.reused(row, actor);
    if (row.expiresAt.getTime() <= Date.now()) throw sessionEnded('This session has expired; sign in again.');

    const outcome = await inSessionScope(this.orm, row.userId, row.tenantId, async (em) => {
      // Only one of two concurrent refreshes with the same token can win this update.
      const rotated = await em.nativeUpdate(RefreshSession, { id: row.id, rotatedAt: null, revokedAt: null }, { rotatedAt: new Date() });
      if (rotated === 0) return 'reused' as const;
      const role = await this.currentRole(em, row);
      if (role === undefined) {
        await this.revokeFamilyIn(em, row.familyId, 'membership_ended');
        return 'ended' as const;
      }
      const expiresAt = row.impersonatorUserId === null ? new Date(Date.now() + SESSION_TTL_MS) : row.expiresAt;
      return this.insert(em, row.familyId, {
        userId: row.userId,
        tenantId: row.tenantId ?? undefined,
        role,
        impersonatorUserId: row.impersonatorUserId ?? undefined,
        ip: client.ip,
        userAgent: client.userAgent,
      }, expiresAt, csrfToken);
    });
    if (outcome === 'reused') return this.reused(row, actor);
    if (outcome === 'ended') throw sessionEnded('You are no longer a member of this workspace; sign in again.');
    return outcome;
  }

  /**
   * Logout: ends the family of the presented refresh token, or else of the principal's access
   * token, and records it. Nothing to end (an unknown token, no session) is not an error.
   */
  async logout(input: { refreshToken?: string | undefined; session?: SessionRef | undefined }, actor: AuditActor): Promise<void> {
    const row = input.refreshToken === undefined ? undefined : await this.lookup(input.refreshToken);
    const target: SessionRef | undefined = row === undefined ? input.session : { familyId: row.familyId, userId: row.userId, tenantId: row.tenantId ?? undefined };
    if (target === undefined) return;
    await this.end(target, 'logout', { actor: { ...actor, actorUserId: target.userId }, action: 'auth.logged_out' });
  }

  /** Ends one session family, optionally recording `action` in the audit log in the same transaction. */
  async end(target: SessionRef, reason: string, audit?: { actor: AuditActor; action: string }): Promise<void> {
    await inSessionScope(this.orm, target.userId, target.tenantId, async (em) => {
      await this.revokeFamilyIn(em, target.familyId, reason);
      if (audit !== undefined) {
        recordAudit(em, audit.actor, { action: audit.action, tenantId: target.tenantId, targetType: 'session', targetId: target.familyId });
      }
    });
  }

  /** Revokes every live token of a family, in the caller's transaction. */
  async revokeFamilyIn(em: EntityManager, familyId: string, reason: string): Promise<void> {
    await em.nativeUpdate(RefreshSession, { familyId, revokedAt: null }, { revokedAt: new Date(), revokedReason: reason });
  }

  /** Revokes all of a user's sessions that `em`'s scope can see (all of them, in the user's scope). */
  async revokeUserSessionsIn(em: EntityManager, userId: string, reason: string): Promise<void> {
    await em.nativeUpdate(RefreshSession, { user: userId, revokedAt: null }, { revokedAt: new Date(), revokedReason: reason });
  }

  /** The session row of a family that is current now, for its expiry (impersonation banner). */
  async currentExpiry(em: EntityManager, familyId: string): Promise<Date | undefined> {
    const current = await em.findOne(RefreshSession, { familyId, rotatedAt: null, revokedAt: null });
    return current?.expiresAt;
  }

  private async lookup(refreshToken: string): Promise<RefreshSessionLookup | undefined> {
    return findRefreshSession(this.orm.em.fork(), hashToken(refreshToken));
  }

  private async reused(row: RefreshSessionLookup, actor: AuditActor): Promise<never> {
    await inSessionScope(this.orm, row.userId, row.tenantId, async (em) => {
      await this.revokeFamilyIn(em, row.familyId, 'refresh_token_reused');
      recordAudit(em, { ...actor, actorUserId: row.userId, impersonatorUserId: row.impersonatorUserId ?? undefined }, {
        action: 'auth.refresh_token_reused',
        tenantId: row.tenantId ?? undefined,
        targetType: 'session',
        targetId: row.familyId,
      });
    });
    throw sessionEnded('This refresh token was already used, so the session was ended for safety; sign in again.');
  }

  private async currentRole(em: EntityManager, row: RefreshSessionLookup): Promise<Role | undefined> {
    if (row.tenantId === null) {
      const [user] = await em.execute<Array<{ is_super_admin: boolean }>>('select is_super_admin from users where id = ?', [row.userId]);
      return user?.is_super_admin === true ? 'super_admin' : undefined;
    }
    const [member] = await em.execute<Array<{ role: TenantRole }>>('select role from memberships where tenant_id = ? and user_id = ?', [row.tenantId, row.userId]);
    return member?.role;
  }

  /**
   * A new refresh token for the current row of a platform session family, rotating the row it
   * replaces. A super admin who starts impersonating keeps it aside to return to their session.
   */
  async reissue(userId: string, familyId: string): Promise<{ token: string; expiresAt: Date } | undefined> {
    return withUser(this.orm.em, userId, async (em) => {
      const current = await em.findOne(RefreshSession, { familyId, user: userId, tenant: null, rotatedAt: null, revokedAt: null });
      if (current === null) return undefined;
      current.rotatedAt = new Date();
      const token = this.insertRow(em, familyId, { userId, tenantId: undefined, ip: current.ip ?? undefined, userAgent: current.userAgent ?? undefined }, current.expiresAt);
      await em.flush();
      return { token, expiresAt: current.expiresAt };
    });
  }

  private async insert(em: EntityManager, familyId: string, start: SessionStart, expiresAt: Date, csrfToken?: string): Promise<IssuedSession> {
    const refreshToken = this.insertRow(em, familyId, start, expiresAt);
    await em.flush();
    const access = await this.accessTokens.issue({
      sub: start.userId,
      role: start.role,
      sid: familyId,
      ...(start.tenantId === undefined ? {} : { tid: start.tenantId }),
      ...(start.impersonatorUserId === undefined ? {} : { imp: start.impersonatorUserId }),
    });
    return {
      familyId,
      userId: start.userId,
      tenantId: start.tenantId,
      impersonatorUserId: start.impersonatorUserId,
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken,
      refreshTokenExpiresAt: expiresAt,
      csrfToken: csrfToken ?? newCsrfToken(),
    };
  }

  private insertRow(em: EntityManager, familyId: string, start: Omit<SessionStart, 'role'>, expiresAt: Date): string {
    const refreshToken = newOpaqueToken();
    em.create(RefreshSession, {
      familyId,
      user: start.userId,
      tenant: start.tenantId ?? null,
      tokenHash: hashToken(refreshToken),
      impersonator: start.impersonatorUserId ?? null,
      expiresAt,
      ip: start.ip ?? null,
      userAgent: start.userAgent?.slice(0, 512) ?? null,
    });
    return refreshToken;
  }
}
