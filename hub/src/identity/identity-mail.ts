import type { TenantRole } from '@switchboard/contracts';
import { invitationMail, passwordResetMail, verificationMail, type Mailer, type MailMessage } from '@switchboard/mail';
import type { Logger } from 'pino';

/** Lifetimes of the mailed links, in hours (also stated in the mails). */
export const linkLifetimeHours = { verifyEmail: 48, resetPassword: 1, invitation: 7 * 24 } as const;

/**
 * The identity mails, with links into the console (`/verify-email/<token>`,
 * `/reset-password/<token>`, `/invite/<token>`, which the console routes). A mail that cannot
 * be sent is logged, never turned into a failed request: the change it announces is already
 * stored, and the person can ask for the mail again.
 */
export class IdentityMail {
  constructor(private readonly mailer: Mailer, private readonly publicUrl: string, private readonly logger: Logger) {}

  verification(to: string, name: string, token: string): Promise<void> {
    return this.deliver(verificationMail({ to, name, link: this.link('verify-email', token), expiresInHours: linkLifetimeHours.verifyEmail }));
  }

  passwordReset(to: string, token: string): Promise<void> {
    return this.deliver(passwordResetMail({ to, link: this.link('reset-password', token), expiresInHours: linkLifetimeHours.resetPassword }));
  }

  invitation(input: { to: string; tenantName: string; inviterName: string; role: TenantRole; token: string }): Promise<void> {
    return this.deliver(invitationMail({
      to: input.to,
      tenantName: input.tenantName,
      inviterName: input.inviterName,
      role: input.role,
      link: this.link('invite', input.token),
      expiresInHours: linkLifetimeHours.invitation,
    }));
  }

  private link(page: string, token: string): string {
    return `${this.publicUrl}/${page}/${encodeURIComponent(token)}`;
  }

  private async deliver(message: MailMessage): Promise<void> {
    try {
      await this.mailer.send(message);
    } catch (error) {
      this.logger.error({ err: error, to: message.to, subject: message.subject }, 'could not send a mail');
    }
  }
}
