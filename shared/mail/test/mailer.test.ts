import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@switchboard/errors';
import { freePort } from '@switchboard/dev';
import { startSmtpCapture, testLogger, type SmtpCapture } from '@switchboard/testing';
import { createMailer, invitationMail, verificationMail, type Mailer } from '../src/index.ts';

const from = 'Switchboard <no-reply@switchboard.test>';
let capture: SmtpCapture;
let dataDir: string;
const mailers: Mailer[] = [];

beforeAll(async () => {
  capture = await startSmtpCapture();
  dataDir = await mkdtemp(join(tmpdir(), 'sb-mail-'));
});

afterEach(async () => {
  await Promise.all(mailers.splice(0).map((mailer) => mailer.close()));
});

afterAll(async () => {
  await capture?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

function mailer(options: { smtpUrl?: string; outboxDir?: string; logger?: pino.Logger } = {}): Mailer {
  const created = createMailer({ from, outboxDir: options.outboxDir ?? join(dataDir, 'unused'), logger: options.logger ?? testLogger(), smtpUrl: options.smtpUrl });
  mailers.push(created);
  return created;
}

/** A pino logger whose lines are kept as parsed objects. */
function recordingLogger(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

describe('mail over SMTP', () => {
  it('delivers a verification mail to a real SMTP server, link on its own line', async () => {
    const link = `https://chat.example.com/verify-email?token=${'a'.repeat(120)}`;
    await mailer({ smtpUrl: capture.url }).send(verificationMail({ to: 'amina@example.com', name: 'Amina', link }));

    const mail = await capture.waitForMail((received) => received.to.includes('amina@example.com'));
    expect(mail.subject).toBe('Confirm your email address for Switchboard');
    expect(mail.from).toBe('no-reply@switchboard.test');
    expect(mail.headers['from']).toContain('no-reply@switchboard.test');
    // The long link crosses quoted-printable's 76-column limit; the text must come back whole.
    expect(mail.raw).toMatch(/Content-Transfer-Encoding: quoted-printable\r\n\r\n[^]*=\r\n/i);
    expect(mail.text.split('\n')).toContain(link);
    expect(mail.text).toMatch(/^Hello Amina,/);
    expect(mail.html).toContain(`href="${link}"`);
  });

  it('keeps names with accents and other scripts intact in subject and body', async () => {
    await mailer({ smtpUrl: capture.url }).send(
      invitationMail({ to: 'youssef@example.com', tenantName: 'Café Zoé — متجر', inviterName: 'Zoé', role: 'agent', link: 'https://chat.example.com/invite?t=xyz' }),
    );
    const mail = await capture.waitForMail((received) => received.to.includes('youssef@example.com'));
    expect(mail.subject).toBe('Zoé invited you to Café Zoé — متجر on Switchboard');
    expect(mail.text).toContain('Zoé invited you to join Café Zoé — متجر on Switchboard as an agent.');
    expect(mail.text.split('\n')).toContain('https://chat.example.com/invite?t=xyz');
  });

  it('decodes a base64 body, which a mostly non-Latin text is sent as', async () => {
    const text = 'مرحبا بك في سويتشبورد. هذا نص عربي طويل بما يكفي لكي يختار المرسل ترميز base64.';
    await mailer({ smtpUrl: capture.url }).send({ to: 'arabic@example.com', subject: 'مرحبا', text });
    const mail = await capture.waitForMail((received) => received.to.includes('arabic@example.com'));
    expect(mail.raw).toMatch(/Content-Transfer-Encoding: base64/i);
    expect(mail.text.trim()).toBe(text);
    expect(mail.subject).toBe('مرحبا');
  });

  it('fails a send with SB_ERR_DEPENDENCY_DOWN when the SMTP server cannot be reached', async () => {
    const nobody = `smtp://127.0.0.1:${await freePort()}`;
    const error = await mailer({ smtpUrl: nobody })
      .send({ to: 'x@example.com', subject: 'lost', text: 'lost' })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('SB_ERR_DEPENDENCY_DOWN');
  });
});

describe('mail without SMTP', () => {
  it('writes each mail as .eml and .txt in the outbox and logs its links', async () => {
    const outboxDir = join(dataDir, 'outbox', 'mail');
    const { logger, lines } = recordingLogger();
    const link = 'https://chat.example.com/accept-invitation?token=abc123';
    const outbox = mailer({ outboxDir, logger });
    await outbox.send(invitationMail({ to: 'omar@example.com', tenantName: 'Acme', inviterName: 'Amina', role: 'admin', link }));

    const files = (await readdir(outboxDir)).sort();
    expect(files).toHaveLength(2);
    const eml = files.find((file) => file.endsWith('.eml'));
    const txt = files.find((file) => file.endsWith('.txt'));
    expect(eml?.replace(/\.eml$/, '')).toBe(txt?.replace(/\.txt$/, ''));
    const message = await readFile(join(outboxDir, eml ?? ''), 'utf8');
    expect(message).toMatch(/^To: omar@example\.com$/m);
    expect(message).toMatch(/^Subject: Amina invited you to Acme on Switchboard$/m);
    expect(message).toMatch(/^From: Switchboard <no-reply@switchboard\.test>$/m);
    expect(message).toContain('multipart/alternative');
    const text = await readFile(join(outboxDir, txt ?? ''), 'utf8');
    expect(text.split('\n')).toContain(link);

    const logged = lines.find((line) => line['msg'] === 'mail written to the outbox (SMTP_URL is not set)');
    expect(logged).toMatchObject({ level: 30, to: 'omar@example.com', subject: 'Amina invited you to Acme on Switchboard', links: [link] });
  });

  it('does not touch the network when no SMTP URL is given', async () => {
    const before = capture.messages.length;
    const outboxDir = join(dataDir, 'second-outbox');
    await mailer({ outboxDir }).send({ to: 'a@example.com', subject: 'Hi', text: 'See https://example.com/a, then https://example.com/b.' });
    expect(await readdir(outboxDir)).toHaveLength(2);
    expect(capture.messages).toHaveLength(before);
  });
});
