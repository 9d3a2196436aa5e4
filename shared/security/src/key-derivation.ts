import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** Independent keys derived from the one `SECRET_KEY`, so no key serves two purposes. */
export interface DerivedKeys {
  /** HMAC key for access tokens (HS256). */
  tokenSigningKey: Uint8Array;
  /** AES-256-GCM key for secrets at rest. */
  encryptionKey: Buffer;
  /** Password of the `switchboard_app` database role when `DATABASE_APP_URL` is not given. */
  databaseAppPassword: string;
  /** Key from which each webchat channel's identity secret is derived (see `webchatIdentitySecret`). */
  webchatIdentityKey: Buffer;
}

function derive(secretKey: string, purpose: string, length = 32): Buffer {
  return Buffer.from(hkdfSync('sha256', secretKey, 'switchboard', purpose, length));
}

/** Derives every purpose-specific key from `SECRET_KEY` with HKDF-SHA256. */
export function deriveKeys(secretKey: string): DerivedKeys {
  if (secretKey.length < 32) throw new RangeError('SECRET_KEY must be at least 32 characters');
  return {
    tokenSigningKey: new Uint8Array(derive(secretKey, 'access-token-hs256')),
    encryptionKey: derive(secretKey, 'secret-box-aes-256-gcm'),
    databaseAppPassword: derive(secretKey, 'database-app-role').toString('base64url'),
    webchatIdentityKey: derive(secretKey, 'webchat-identity-hmac'),
  };
}

/**
 * The secret a storefront signs its signed-in customers' ids with, for one webchat channel:
 * `identityHash = HMAC-SHA256(secret, identifier)` in hex. Derived, so nothing is stored, and
 * different for every channel.
 */
export function webchatIdentitySecret(keys: Pick<DerivedKeys, 'webchatIdentityKey'>, channelId: string): string {
  return createHmac('sha256', keys.webchatIdentityKey).update(channelId).digest('hex');
}

/** True when `identityHash` is the HMAC of `identifier` with the channel's identity secret. */
export function verifyWebchatIdentity(keys: Pick<DerivedKeys, 'webchatIdentityKey'>, channelId: string, identifier: string, identityHash: string): boolean {
  const expected = createHmac('sha256', webchatIdentitySecret(keys, channelId)).update(identifier).digest();
  const given = Buffer.from(identityHash, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
