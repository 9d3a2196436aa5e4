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
  /** Key from which each Telegram channel's webhook secret is derived (see `telegramWebhookSecret`). */
  telegramWebhookKey: Buffer;
  /** HMAC key of the expiring links that let a widget visitor open a conversation's files (see `signWidgetFileToken`). */
  widgetFileKey: Buffer;
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
    telegramWebhookKey: derive(secretKey, 'telegram-webhook-secret'),
    widgetFileKey: derive(secretKey, 'widget-file-url-hmac'),
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

/**
 * The `secret_token` a Telegram channel's webhook is registered with; Telegram sends it back in
 * `X-Telegram-Bot-Api-Secret-Token` on every call. Derived from the channel id, so the hub can
 * check a call before it reads the body or the database, and nothing needs storing. 64 hex
 * characters fit Telegram's rule (1-256 of `A-Za-z0-9_-`).
 */
export function telegramWebhookSecret(keys: Pick<DerivedKeys, 'telegramWebhookKey'>, channelId: string): string {
  return createHmac('sha256', keys.telegramWebhookKey).update(channelId).digest('hex');
}

/** True when `given` is the channel's webhook secret; compared in constant time. */
export function verifyTelegramWebhookSecret(keys: Pick<DerivedKeys, 'telegramWebhookKey'>, channelId: string, given: string | undefined): boolean {
  const expected = Buffer.from(telegramWebhookSecret(keys, channelId));
  const actual = Buffer.from(given ?? '');
  // Compare equal lengths only (timingSafeEqual throws otherwise); the length is no secret.
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
