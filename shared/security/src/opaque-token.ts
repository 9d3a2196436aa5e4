import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Marks a string as a Switchboard API key, so secret scanners and people recognise it. */
export const API_KEY_PREFIX = 'sbk_';

/**
 * A random, unguessable token in base64url (43 characters for the default 32 bytes): refresh
 * tokens, email and invitation links, login challenges. Store only `hashToken(token)`.
 */
export function newOpaqueToken(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 16) throw new RangeError('an opaque token needs at least 16 random bytes');
  return randomBytes(bytes).toString('base64url');
}

/** A new API key: `sbk_` followed by an opaque token. Store only `hashToken(key)`. */
export function newApiKey(): string {
  return `${API_KEY_PREFIX}${newOpaqueToken()}`;
}

/**
 * SHA-256 of a token, in hex: what the database stores and looks tokens up by. A fast hash
 * is enough because the tokens carry 256 random bits; a leaked table reveals no usable token.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Compares two secrets in constant time. Both sides are hashed first so that neither their
 * contents nor their lengths show in the timing.
 */
export function safeEqual(a: string, b: string): boolean {
  const digestA = createHash('sha256').update(a, 'utf8').digest();
  const digestB = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(digestA, digestB);
}
