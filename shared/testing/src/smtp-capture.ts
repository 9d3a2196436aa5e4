import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A mail the capture server received, with the parts a test asserts on already decoded. */
export interface CapturedMail {
  /** Envelope recipients (RCPT TO). */
  to: string[];
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** The Subject header, RFC 2047 encoded words decoded. */
  subject: string;
  /** The decoded text/plain part (the whole body of a single-part text mail), LF line ends. */
  text: string;
  /** The decoded text/html part, when there is one. */
  html?: string;
  /** Top-level headers, lower-case names, folded lines joined. */
  headers: Record<string, string>;
  /** The message as received, CRLF line ends. */
  raw: string;
}

export interface SmtpCapture {
  /** `smtp://127.0.0.1:<port>`, for `SMTP_URL` or `createMailer({ smtpUrl })`. */
  url: string;
  /** Every mail received so far, in order. */
  messages: CapturedMail[];
  /** The first mail (already received or still to come) that matches; rejects after `timeoutMs` (default 10 s). */
  waitForMail(predicate: (mail: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>;
  stop(): Promise<void>;
}

interface Waiter {
  predicate: (mail: CapturedMail) => boolean;
  resolve: (mail: CapturedMail) => void;
}

/**
 * A real SMTP server (the `smtp-server` package) on a free loopback port that accepts every
 * mail without authentication or TLS and keeps it, so tests can read what the code under test
 * sent through a real SMTP exchange.
 */
export async function startSmtpCapture(): Promise<SmtpCapture> {
  const messages: CapturedMail[] = [];
  const waiters = new Set<Waiter>();

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // A client's pooled connection must not hold stop() for the default 30 seconds.
    closeTimeout: 500,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.once('error', callback);
      stream.once('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail = parseMail(raw, {
          to: session.envelope.rcptTo.map((address) => address.address),
          from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
        });
        messages.push(mail);
        for (const waiter of waiters) {
          if (waiter.predicate(mail)) {
            waiters.delete(waiter);
            waiter.resolve(mail);
          }
        }
        callback();
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitForMail(predicate, timeoutMs = 10_000) {
      const received = messages.find(predicate);
      if (received) return Promise.resolve(received);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const subjects = messages.map((mail) => `"${mail.subject}" to ${mail.to.join(', ')}`);
          reject(new Error(`no matching mail within ${timeoutMs} ms; received: ${subjects.join('; ') || 'nothing'}`));
        }, timeoutMs);
        const waiter: Waiter = {
          predicate,
          resolve: (mail) => {
            clearTimeout(timer);
            resolve(mail);
          },
        };
        waiters.add(waiter);
      });
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ── a small MIME reader: enough for what nodemailer and other clients send ─────────────────

interface Entity {
  headers: Record<string, string>;
  body: string;
}

function parseMail(raw: string, envelope: { to: string[]; from: string }): CapturedMail {
  const entity = parseEntity(raw);
  const mail: CapturedMail = {
    ...envelope,
    subject: decodeEncodedWords(entity.headers['subject'] ?? ''),
    text: findPart(entity, 'text/plain') ?? '',
    headers: entity.headers,
    raw,
  };
  const html = findPart(entity, 'text/html');
  if (html !== undefined) mail.html = html;
  return mail;
}

function parseEntity(raw: string): Entity {
  const separator = /\r?\n\r?\n/.exec(raw);
  const head = separator ? raw.slice(0, separator.index) : raw;
  const body = separator ? raw.slice(separator.index + separator[0].length) : '';
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers[name] ??= line.slice(colon + 1).trim();
  }
  return { headers, body };
}

/** The decoded body of the first part of `mimeType`, looking inside multiparts. */
function findPart(entity: Entity, mimeType: string): string | undefined {
  const contentType = entity.headers['content-type'] ?? 'text/plain; charset=us-ascii';
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type.startsWith('multipart/')) {
    const boundary = parameter(contentType, 'boundary');
    if (boundary === undefined) return undefined;
    for (const part of multipartParts(entity.body, boundary)) {
      const found = findPart(parseEntity(part), mimeType);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (type !== mimeType) return undefined;
  const encoding = (entity.headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const charset = parameter(contentType, 'charset') ?? 'utf-8';
  return decodeBody(entity.body, encoding, charset).replace(/\r\n/g, '\n');
}

function multipartParts(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const parts: string[] = [];
  // Each delimiter starts a line; the line break before it belongs to the delimiter.
  const lines = `\r\n${body}`.split(new RegExp(`\\r?\\n${escapeRegExp(delimiter)}`));
  for (const chunk of lines.slice(1)) {
    if (chunk.startsWith('--')) break;
    parts.push(chunk.replace(/^[ \t]*\r?\n/, ''));
  }
  return parts;
}

function decodeBody(body: string, encoding: string, charset: string): string {
  if (encoding === 'base64') return textOf(Buffer.from(body.replace(/\s+/g, ''), 'base64'), charset);
  if (encoding === 'quoted-printable') return textOf(quotedPrintableBytes(body.replace(/=\r?\n/g, '')), charset);
  return body;
}

function quotedPrintableBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

function textOf(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

/** Decodes RFC 2047 words such as `=?UTF-8?Q?Caf=C3=A9?=` in a header value. */
function decodeEncodedWords(value: string): string {
  const word = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g;
  // Whitespace between two adjacent encoded words is not part of the text.
  return value.replace(/(\?=)\s+(=\?)/g, '$1$2').replace(word, (_match, charset: string, kind: string, data: string) => {
    const bytes = kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : quotedPrintableBytes(data.replaceAll('_', ' '));
    return textOf(bytes, charset);
  });
}

function parameter(headerValue: string, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(headerValue);
  return match ? (match[1] ?? match[2]) : undefined;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
