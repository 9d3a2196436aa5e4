import { createHash } from 'node:crypto';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { OpaqueToken } from '@switchboard/contracts';
import { hashToken, newApiKey, newOpaqueToken, safeEqual } from '../src/index.ts';

describe('opaque tokens', () => {
  it('are 32 random bytes in base64url, unique, and valid as the OpaqueToken schema', () => {
    const check = Compile(OpaqueToken);
    const tokens = Array.from({ length: 100 }, () => newOpaqueToken());
    expect(new Set(tokens).size).toBe(100);
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
      expect(check.Check(token)).toBe(true);
    }
    expect(Buffer.from(newOpaqueToken(48), 'base64url')).toHaveLength(48);
    expect(() => newOpaqueToken(8)).toThrow(RangeError);
  });

  it('makes API keys that start with sbk_', () => {
    expect(newApiKey()).toMatch(/^sbk_[A-Za-z0-9_-]{43}$/);
  });

  it('hashes a token to its SHA-256 in hex', () => {
    const token = newOpaqueToken();
    expect(hashToken(token)).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toBe(hashToken(newOpaqueToken()));
  });

  it('compares equal strings as equal and anything else as different, whatever the lengths', () => {
    const token = newOpaqueToken();
    expect(safeEqual(token, `${token}`)).toBe(true);
    expect(safeEqual(token, token.slice(0, -1))).toBe(false);
    expect(safeEqual(token, `${token}x`)).toBe(false);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('', 'a')).toBe(false);
  });
});
