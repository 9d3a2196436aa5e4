import { describe, expect, it } from 'vitest';
import { deriveKeys, telegramWebhookSecret, verifyTelegramWebhookSecret } from '../src/index.ts';

describe('key derivation', () => {
  it('derives the same keys from the same secret and different keys per purpose', () => {
    const secret = 'a-secret-key-of-at-least-32-characters!';
    const first = deriveKeys(secret);
    const second = deriveKeys(secret);
    expect(Buffer.from(first.tokenSigningKey)).toEqual(Buffer.from(second.tokenSigningKey));
    expect(first.encryptionKey).toEqual(second.encryptionKey);
    expect(first.tokenSigningKey).toHaveLength(32);
    expect(first.encryptionKey).toHaveLength(32);
    expect(Buffer.from(first.tokenSigningKey).equals(first.encryptionKey)).toBe(false);
    expect(deriveKeys(`${secret}x`).encryptionKey.equals(first.encryptionKey)).toBe(false);
  });

  it('refuses a secret shorter than 32 characters', () => {
    expect(() => deriveKeys('too short')).toThrow(RangeError);
  });

  it("accepts only a channel's own Telegram webhook secret, which fits Telegram's secret_token rule", () => {
    const keys = deriveKeys('a-secret-key-of-at-least-32-characters!');
    const secret = telegramWebhookSecret(keys, 'channel-a');
    expect(secret).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
    expect(verifyTelegramWebhookSecret(keys, 'channel-a', secret)).toBe(true);
    expect(verifyTelegramWebhookSecret(keys, 'channel-b', secret)).toBe(false);
    expect(verifyTelegramWebhookSecret(keys, 'channel-a', undefined)).toBe(false);
    const tampered = `${secret.slice(0, -1)}${secret.endsWith('0') ? '1' : '0'}`;
    expect(verifyTelegramWebhookSecret(keys, 'channel-a', tampered)).toBe(false);
    expect(verifyTelegramWebhookSecret(deriveKeys('another-secret-key-of-32-characters!!'), 'channel-a', secret)).toBe(false);
  });
});
