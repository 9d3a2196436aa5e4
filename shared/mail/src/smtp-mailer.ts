import { createTransport } from 'nodemailer';
import type { Logger } from 'pino';
import { AppError } from '@switchboard/errors';
import type { Mailer } from './mailer.ts';

export interface SmtpMailerOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465`. */
  smtpUrl: string;
  from: string;
  logger: Logger;
}

/**
 * A mailer that delivers through an SMTP server over a small pool of reused connections, with
 * timeouts so that a mail server that stops answering fails a send instead of hanging it.
 */
export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  const { smtpUrl, from, logger } = options;
  const transport = createTransport(
    {
      url: smtpUrl,
      pool: true,
      maxConnections: 3,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    },
    { from },
  );

  return {
    async send(message) {
      try {
        const info = await transport.sendMail({ to: message.to, subject: message.subject, text: message.text, html: message.html });
        // Never log the body: it holds sign-in and reset links.
        logger.info({ to: message.to, subject: message.subject, messageId: info.messageId }, 'mail sent');
      } catch (error) {
        throw new AppError('SB_ERR_DEPENDENCY_DOWN', { message: `The mail server did not accept the mail to ${message.to}.`, cause: error });
      }
    },
    async close() {
      transport.close();
    },
  };
}
