import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import type { Logger } from 'pino';
import type { Mailer } from './mailer.ts';

export interface OutboxMailerOptions {
  outboxDir: string;
  from: string;
  logger: Logger;
}

const linkPattern = /https?:\/\/[^\s<>"'`]+/g;
/** Sentence punctuation that ends a sentence after a link rather than belonging to it. */
const trailingPunctuation = /[.,;:!?)\]]+$/;

/**
 * The mailer used when no SMTP server is configured: each mail becomes `<name>.eml` (the full
 * MIME message, openable in any mail client) and `<name>.txt` (its text body) in `outboxDir`,
 * and its links are logged, so that verification and invitation links work on a fresh machine.
 */
export function createOutboxMailer(options: OutboxMailerOptions): Mailer {
  const { outboxDir, from, logger } = options;
  // nodemailer's stream transport builds the same MIME message SMTP would carry, without sending it.
  const composer = createTransport({ streamTransport: true, buffer: true, newline: 'unix' }, { from });
  let ready: Promise<unknown> | undefined;

  return {
    async send(message) {
      ready ??= mkdir(outboxDir, { recursive: true });
      await ready;
      const info = await composer.sendMail({ to: message.to, subject: message.subject, text: message.text, html: message.html });
      const name = `${new Date().toISOString().replaceAll(':', '-')}-${randomBytes(3).toString('hex')}`;
      const eml = join(outboxDir, `${name}.eml`);
      // With `buffer: true` the stream transport hands back a Buffer, never a stream.
      if (!Buffer.isBuffer(info.message)) throw new Error('nodemailer returned a stream where a buffer was asked for');
      await writeFile(eml, info.message);
      await writeFile(join(outboxDir, `${name}.txt`), message.text, 'utf8');
      logger.info({ to: message.to, subject: message.subject, links: linksIn(message.text), file: eml }, 'mail written to the outbox (SMTP_URL is not set)');
    },
    async close() {
      composer.close();
    },
  };
}

/** The http(s) URLs in a text, without the punctuation that closes a sentence after them. */
export function linksIn(text: string): string[] {
  return [...text.matchAll(linkPattern)].map(([link]) => link.replace(trailingPunctuation, ''));
}
