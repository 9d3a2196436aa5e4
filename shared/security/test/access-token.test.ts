import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AppError } from '@switchboard/errors';
import { createAccessTokens, type AccessClaims } from '../src/index.ts';

const signingKey = new Uint8Array(randomBytes(32));
const options = { signingKey, issuer: 'https://hub.test', audience: 'switchboard-api' };
const tokens = createAccessTokens(options);
const claims: AccessClaims = { sub: 'user-1', tid: 'tenant-1', role: 'admin', sid: 'session-1' };

async function rejection(token: string): Promise<AppError> {
  const error = await tokens.verify(token).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  const appError = error as AppError;
  expect(appError.code).toBe('SB_ERR_UNAUTHENTICATED');
  expect(appError.status).toBe(401);
  return appError;
}

function forged(payload: Record<string, unknown>): SignJWT {
  return new SignJWT(payload).setSubject('user-1').setIssuer(options.issuer).setAudience(options.audience).setIssuedAt();
}

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('access tokens', () => {
  it('verifies the claims it issued, with an expiry 15 minutes ahead by default', async () => {
    const before = Date.now();
    const { token, expiresAt } = await tokens.issue(claims);
    expect(await tokens.verify(token)).toEqual(claims);
    expect(expiresAt.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 900_000);
    expect(expiresAt.getTime()).toBeLessThanOrEqual(before + 900_000 + 1000);
  });

  it('carries the impersonator and omits an absent tenant', async () => {
    const superAdmin: AccessClaims = { sub: 'user-2', role: 'agent', sid: 'session-2', tid: 'tenant-9', imp: 'admin-7' };
    expect(await tokens.verify((await tokens.issue(superAdmin)).token)).toEqual(superAdmin);
    const platform = await tokens.verify((await tokens.issue({ sub: 'root', role: 'super_admin', sid: 's' })).token);
    expect(platform).toEqual({ sub: 'root', role: 'super_admin', sid: 's' });
    expect('tid' in platform).toBe(false);
  });

  it('refuses an expired token', async () => {
    const token = await forged({ role: 'admin', sid: 's' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(signingKey);
    expect((await rejection(token)).message).toMatch(/has expired/);
  });

  it('refuses an unsigned alg:none token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = { sub: 'user-1', role: 'owner', sid: 's', iss: options.issuer, aud: options.audience, iat: now, exp: now + 600 };
    const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.`;
    expect((await rejection(token)).message).toMatch(/algorithm that is not accepted/);
  });

  it('refuses a token signed with another key', async () => {
    const token = await createAccessTokens({ ...options, signingKey: new Uint8Array(randomBytes(32)) }).issue(claims);
    expect((await rejection(token.token)).message).toMatch(/signature is not valid/);
  });

  it('refuses a token signed with HS512, even with the right key', async () => {
    const token = await forged({ role: 'admin', sid: 's' }).setProtectedHeader({ alg: 'HS512' }).setExpirationTime('10m').sign(signingKey);
    expect((await rejection(token)).message).toMatch(/algorithm that is not accepted/);
  });

  it('refuses a token for another audience or from another issuer', async () => {
    const otherAudience = await createAccessTokens({ ...options, audience: 'another-api' }).issue(claims);
    expect((await rejection(otherAudience.token)).message).toMatch(/another audience/);
    const otherIssuer = await createAccessTokens({ ...options, issuer: 'https://evil.test' }).issue(claims);
    expect((await rejection(otherIssuer.token)).message).toMatch(/issued by someone else/);
  });

  it('refuses a token without an expiry', async () => {
    const token = await forged({ role: 'admin', sid: 's' }).setProtectedHeader({ alg: 'HS256' }).sign(signingKey);
    expect((await rejection(token)).message).toMatch(/"exp" claim/);
  });

  it('refuses a well-signed token whose claims are missing or invalid', async () => {
    const noSession = await forged({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('10m').sign(signingKey);
    expect((await rejection(noSession)).message).toMatch(/"sid" claim/);
    const unknownRole = await forged({ role: 'god', sid: 's' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('10m').sign(signingKey);
    expect((await rejection(unknownRole)).message).toMatch(/"role" claim/);
  });

  it('refuses malformed and tampered tokens', async () => {
    expect((await rejection('not.a.jwt')).message).toMatch(/malformed/);
    expect((await rejection('')).message).toMatch(/malformed/);
    const { token } = await tokens.issue(claims);
    const [header, , signature] = token.split('.');
    const promoted = `${header}.${base64url({ ...claims, role: 'owner', iss: options.issuer, aud: options.audience, exp: 9_999_999_999 })}.${signature}`;
    expect((await rejection(promoted)).message).toMatch(/signature is not valid/);
  });

  it('refuses to start with a short signing key', () => {
    expect(() => createAccessTokens({ ...options, signingKey: new Uint8Array(16) })).toThrow(RangeError);
  });
});
