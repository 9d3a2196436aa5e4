import { User, UserToken, withUser, type Orm } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import { hashToken, newOpaqueToken } from '@switchboard/security';
import { recordAudit, type AuditActor } from '../audit/audit-writer.ts';
import { linkLifetimeHours, type IdentityMail } from './identity-mail.ts';
import { redeemableUserToken } from './user-link-token.ts';

const HOUR_MS = 60 * 60 * 1000;

/** Confirms that a person owns their email address, through a single-use mailed link. */
export class EmailVerificationService {
  constructor(private readonly orm: Orm, private readonly mail: IdentityMail) {}

  async verify(token: string, actor: AuditActor): Promise<void> {
    const link = await redeemableUserToken(this.orm, token, 'verify_email');
    await withUser(this.orm.em, link.userId, async (em) => {
      const used = await em.nativeUpdate(UserToken, { id: link.id, usedAt: null }, { usedAt: new Date() });
      if (used === 0) throw new AppError('SB_ERR_LINK_EXPIRED');
      const user = await em.findOneOrFail(User, { id: link.userId });
      user.emailVerifiedAt ??= new Date();
      recordAudit(em, { ...actor, actorUserId: link.userId }, { action: 'user.email_verified', targetType: 'user', targetId: link.userId });
    });
  }

  /** Sends a fresh link to a signed-in user whose address is not verified yet (older links stop working). */
  async resend(userId: string, actor: AuditActor): Promise<void> {
    const token = newOpaqueToken();
    const user = await withUser(this.orm.em, userId, async (em) => {
      const found = await em.findOneOrFail(User, { id: userId });
      if (found.emailVerifiedAt !== null && found.emailVerifiedAt !== undefined) {
        throw new AppError('SB_ERR_CONFLICT', { message: 'Your email address is already verified.' });
      }
      await em.nativeUpdate(UserToken, { user: userId, purpose: 'verify_email', usedAt: null }, { usedAt: new Date() });
      em.create(UserToken, { user: userId, purpose: 'verify_email', tokenHash: hashToken(token), expiresAt: new Date(Date.now() + linkLifetimeHours.verifyEmail * HOUR_MS) });
      recordAudit(em, actor, { action: 'user.verification_mail_resent', targetType: 'user', targetId: userId });
      return found;
    });
    await this.mail.verification(user.email, user.name, token);
  }
}
