import { randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import { hashToken } from './opaque-token.ts';

/** RFC 6238 defaults, the only ones every authenticator app supports. */
const totpParameters = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
/** One step either side: a code typed just as it rolled over, or a phone clock a little off. */
const WINDOW = 1;
const RECOVERY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A new TOTP secret: 20 random bytes (160 bits, as RFC 4226 recommends) in base32. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://totp/...` URI an authenticator app scans to add the account. */
export function totpUri(options: { secret: string; accountName: string; issuer: string }): string {
  return totpFor(options.secret, options.accountName, options.issuer).toString();
}

export type TotpVerification = { ok: true; step: number } | { ok: false };

/**
 * Checks a six-digit code against `secret`, allowing one 30-second step either side. A code
 * whose step is not after `lastUsedStep` is refused, so an observed code cannot be replayed;
 * store the returned `step` as the new `lastUsedStep`. `timestamp` (ms) defaults to now.
 * Throws when `secret` is not base32, which means stored data is broken.
 */
export function verifyTotp(secret: string, code: string, lastUsedStep?: number, timestamp: number = Date.now()): TotpVerification {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return { ok: false };
  const totp = totpFor(secret);
  const delta = totp.validate({ token, timestamp, window: WINDOW });
  if (delta === null) return { ok: false };
  const step = totp.counter({ timestamp }) + delta;
  if (lastUsedStep !== undefined && step <= lastUsedStep) return { ok: false };
  return { ok: true, step };
}

/** The QR code of an `otpauth://` URI as a `data:image/png;base64,...` URL for an `<img>`. */
export async function totpQrDataUrl(uri: string): Promise<string> {
  return QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 240 });
}

/**
 * One-time recovery codes such as `k3v9q-0zr7m` (lowercase letters and digits, about 52 bits
 * each). Shown once; store only `hashRecoveryCode(code)`.
 */
export function newRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => `${randomChars(5)}-${randomChars(5)}`);
}

/** What the database stores for a recovery code; tolerant of case and surrounding spaces. */
export function hashRecoveryCode(code: string): string {
  return hashToken(code.trim().toLowerCase());
}

function totpFor(secret: string, label = 'Switchboard', issuer = 'Switchboard'): TOTP {
  return new TOTP({ ...totpParameters, issuer, label, secret: Secret.fromBase32(secret) });
}

function randomChars(length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
  return out;
}
