import type { Logger } from 'pino';
import type { Mailer } from './mailer.ts';
import { createOutboxMailer } from './outbox-mailer.ts';
import { createSmtpMailer } from './smtp-mailer.ts';

export interface MailerOptions {
  /** `SMTP_URL`; when absent, mail goes to `outboxDir` and its links are logged. */
  smtpUrl?: string;
  /** `MAIL_FROM`, e.g. `Switchboard <no-reply@example.com>`. */
  from: string;
  /** Where mail is written without SMTP, e.g. `<DATA_DIR>/mail`; created when needed. */
  outboxDir: string;
  logger: Logger;
}

/** The mailer for the configuration: SMTP when `smtpUrl` is set, otherwise the local outbox. */
export function createMailer(options: MailerOptions): Mailer {
  const { smtpUrl, from, outboxDir, logger } = options;
  if (smtpUrl !== undefined && smtpUrl !== '') return createSmtpMailer({ smtpUrl, from, logger });
  logger.info({ outboxDir }, 'SMTP_URL is not set: mail is written to the outbox and its links are logged');
  return createOutboxMailer({ outboxDir, from, logger });
}
