import { Secret, TOTP, URI } from 'otpauth';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { RecoveryCode } from '@switchboard/contracts';
import { hashRecoveryCode, newRecoveryCodes, newTotpSecret, totpQrDataUrl, totpUri, verifyTotp } from '../src/index.ts';

const STEP_MS = 30_000;
/** The middle of a 30-second step, so ±1 step stays well inside its neighbours. */
const now = Math.floor(Date.UTC(2030, 0, 1) / STEP_MS) * STEP_MS + STEP_MS / 2;

function codeAt(secret: string, timestamp: number): string {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp });
}

describe('TOTP', () => {
  it('makes a 20-byte base32 secret', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(Secret.fromBase32(secret).bytes).toHaveLength(20);
    expect(newTotpSecret()).not.toBe(secret);
  });

  it('builds an otpauth URI an authenticator app understands', () => {
    const secret = newTotpSecret();
    const uri = totpUri({ secret, accountName: 'amina@example.com', issuer: 'Switchboard' });
    expect(uri).toMatch(/^otpauth:\/\/totp\/Switchboard:amina%40example\.com\?/);
    const parsed = URI.parse(uri);
    expect(parsed).toBeInstanceOf(TOTP);
    expect(parsed.secret.base32).toBe(secret);
    expect(parsed.issuer).toBe('Switchboard');
  });

  it('accepts the current code and the ones a step either side, and says which step', () => {
    const secret = newTotpSecret();
    const step = Math.floor(now / STEP_MS);
    expect(verifyTotp(secret, codeAt(secret, now), undefined, now)).toEqual({ ok: true, step });
    expect(verifyTotp(secret, codeAt(secret, now - STEP_MS), undefined, now)).toEqual({ ok: true, step: step - 1 });
    expect(verifyTotp(secret, codeAt(secret, now + STEP_MS), undefined, now)).toEqual({ ok: true, step: step + 1 });
  });

  it('refuses a code two steps away, a wrong code and a malformed one', () => {
    const secret = newTotpSecret();
    const code = codeAt(secret, now);
    expect(verifyTotp(secret, codeAt(secret, now - 2 * STEP_MS), undefined, now)).toEqual({ ok: false });
    expect(verifyTotp(secret, codeAt(secret, now + 2 * STEP_MS), undefined, now)).toEqual({ ok: false });
    expect(verifyTotp(secret, code === '000000' ? '000001' : '000000', undefined, now)).toEqual({ ok: false });
    expect(verifyTotp(secret, 'abcdef', undefined, now)).toEqual({ ok: false });
    expect(verifyTotp(secret, '12345', undefined, now)).toEqual({ ok: false });
  });

  it('refuses a replayed code, and an older one, once a step was used', () => {
    const secret = newTotpSecret();
    const first = verifyTotp(secret, codeAt(secret, now), undefined, now);
    expect(first.ok).toBe(true);
    const used = first.ok ? first.step : Number.NaN;
    expect(verifyTotp(secret, codeAt(secret, now), used, now)).toEqual({ ok: false });
    expect(verifyTotp(secret, codeAt(secret, now - STEP_MS), used, now)).toEqual({ ok: false });
    expect(verifyTotp(secret, codeAt(secret, now + STEP_MS), used, now)).toEqual({ ok: true, step: used + 1 });
  });

  it('accepts a code typed with a space in the middle', () => {
    const secret = newTotpSecret();
    const code = codeAt(secret, now);
    expect(verifyTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, undefined, now).ok).toBe(true);
  });

  it('draws the URI as a PNG data URL', async () => {
    const dataUrl = await totpQrDataUrl(totpUri({ secret: newTotpSecret(), accountName: 'a@b.test', issuer: 'Switchboard' }));
    expect(dataUrl).toMatch(/^data:image\/png;base64,/);
    const png = Buffer.from(dataUrl.slice('data:image/png;base64,'.length), 'base64');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });
});

describe('recovery codes', () => {
  it('makes ten distinct codes matching the RecoveryCode schema', () => {
    const check = Compile(RecoveryCode);
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) {
      expect(code).toMatch(/^[a-z0-9]{5}-[a-z0-9]{5}$/);
      expect(check.Check(code)).toBe(true);
    }
    expect(newRecoveryCodes(3)).toHaveLength(3);
  });

  it('hashes a code the same whatever its case or surrounding spaces, and differently from others', () => {
    const [code, other] = newRecoveryCodes(2) as [string, string];
    expect(hashRecoveryCode(code)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRecoveryCode(` ${code.toUpperCase()} `)).toBe(hashRecoveryCode(code));
    expect(hashRecoveryCode(other)).not.toBe(hashRecoveryCode(code));
  });
});
