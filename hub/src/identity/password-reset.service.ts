import type { Logger } from 'pino';
import { findSignInUser, User, UserToken, withUser, type Orm } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import { hashPassword, hashToken, newOpaqueToken } from '@switchboard/security';
import { recordAudit, type AuditActor } from '../audit/audit-writer.ts';
import { linkLifetimeHours, type IdentityMail } from './identity-mail.ts';
import type { SessionService } from './session.service.ts';
import { assertPasswordAcceptable } from './signup.service.ts';
import { redeemableUserToken } from './user-link-token.ts';

const HOUR_MS = 60 * 60 * 1000;

/**
 * Forgotten passwords. Asking for a reset answers the same whether or not the address has an
 * account, and does the work after answering, so neither the answer nor its timing tells. A
 * reset signs the person out everywhere.
 */
export class PasswordResetService {
  constructor(
    private readonly orm: Orm,
    private readonly sessions: SessionService,
    private readonly mail: IdentityMail,
    private readonly logger: Logger,
  ) {}

  /** Starts the reset in the background; the returned promise is for tests and shutdown. */
  request(email: string, actor: AuditActor): Promise<void> {
    return this.sendLink(email.trim().toLowerCase(), actor).catch((error: unknown) => {
      this.logger.error({ err: error }, 'could not start a password reset');
    });
  }

  async reset(token: string, password: string, actor: AuditActor): Promise<void> {
    const link = await redeemableUserToken(this.orm, token, 'reset_password');
    const user = await withUser(this.orm.em, link.userId, (em) => em.findOneOrFail(User, { id: link.userId }));
    assertPasswordAcceptable(password, { email: user.email, name: user.name });
    const passwordHash = await hashPassword(password);
    await withUser(this.orm.em, link.userId, async (em) => {
      const used = await em.nativeUpdate(UserToken, { id: link.id, usedAt: null }, { usedAt: new Date() });
      if (used === 0) throw new AppError('SB_ERR_LINK_EXPIRED');
      // The link proved the address is theirs.
      await em.nativeUpdate(User, { id: link.userId }, { passwordHash, emailVerifiedAt: user.emailVerifiedAt ?? new Date() });
      await this.sessions.revokeUserSessionsIn(em, link.userId, 'password_reset');
      recordAudit(em, { ...actor, actorUserId: link.userId }, { action: 'user.password_reset', targetType: 'user', targetId: link.userId });
    });
  }

  private async sendLink(email: string, actor: AuditActor): Promise<void> {
    const row = await findSignInUser(this.orm.em.fork(), email);
    if (row === undefined) return;
    const token = newOpaqueToken();
    await withUser(this.orm.em, row.id, async (em) => {
      // Only the newest link works.
      await em.nativeUpdate(UserToken, { user: row.id, purpose: 'reset_password', usedAt: null }, { usedAt: new Date() });
      em.create(UserToken, { user: row.id, purpose: 'reset_password', tokenHash: hashToken(token), expiresAt: new Date(Date.now() + linkLifetimeHours.resetPassword * HOUR_MS) });
      recordAudit(em, { ...actor, actorUserId: row.id }, { action: 'user.password_reset_requested', targetType: 'user', targetId: row.id });
    });
    await this.mail.passwordReset(email, token);
  }
}
