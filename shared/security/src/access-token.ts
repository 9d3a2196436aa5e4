import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { roles, type Role } from '@switchboard/contracts';
import { AppError } from '@switchboard/errors';

/** What an access token asserts about its bearer. */
export interface AccessClaims {
  /** User id. */
  sub: string;
  /** Tenant id; absent for a super admin acting on the platform. */
  tid?: string;
  role: Role;
  /** The refresh-session family this token was issued from, so revoking a session can be checked. */
  sid: string;
  /** The super admin's user id while they impersonate `sub`. */
  imp?: string;
}

export interface AccessTokenOptions {
  /** At least 32 bytes; `deriveKeys(secretKey).tokenSigningKey`. */
  signingKey: Uint8Array;
  issuer: string;
  audience: string;
  /** Lifetime of an issued token; default 900 (15 minutes). */
  ttlSeconds?: number;
}

export interface AccessTokens {
  issue(claims: AccessClaims): Promise<{ token: string; expiresAt: Date }>;
  /** The token's claims; throws `SB_ERR_UNAUTHENTICATED` saying why when it is not acceptable. */
  verify(token: string): Promise<AccessClaims>;
}

const ALGORITHM = 'HS256';
/** Allows for small clock differences between hubs. */
const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * Issues and verifies short-lived HS256 JWT access tokens. Only HS256 is accepted (never
 * `none`, never another algorithm a forger could pick), and issuer, audience and expiry are
 * always checked.
 */
export function createAccessTokens(options: AccessTokenOptions): AccessTokens {
  const { signingKey, issuer, audience, ttlSeconds = 900 } = options;
  if (signingKey.byteLength < 32) throw new RangeError('the access-token signing key must be at least 32 bytes');
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new RangeError('ttlSeconds must be a positive integer');

  return {
    async issue(claims) {
      const nowSeconds = Math.floor(Date.now() / 1000);
      const expiresAtSeconds = nowSeconds + ttlSeconds;
      const payload: JWTPayload = { role: claims.role, sid: claims.sid };
      if (claims.tid !== undefined) payload['tid'] = claims.tid;
      if (claims.imp !== undefined) payload['imp'] = claims.imp;
      const token = await new SignJWT(payload)
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setSubject(claims.sub)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(nowSeconds)
        .setExpirationTime(expiresAtSeconds)
        .sign(signingKey);
      return { token, expiresAt: new Date(expiresAtSeconds * 1000) };
    },

    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, signingKey, {
          algorithms: [ALGORITHM],
          issuer,
          audience,
          requiredClaims: ['exp', 'sub'],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
        }));
      } catch (error) {
        throw new AppError('SB_ERR_UNAUTHENTICATED', { message: rejectionMessage(error), cause: error });
      }
      return claimsOf(payload);
    },
  };
}

function rejectionMessage(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The access token has expired; refresh it.';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'The access token is signed with an algorithm that is not accepted.';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The access token signature is not valid.';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'The access token was issued for another audience.';
    if (error.claim === 'iss') return 'The access token was issued by someone else.';
    return `The access token has an invalid "${error.claim}" claim.`;
  }
  return 'The access token is malformed.';
}

function claimsOf(payload: JWTPayload): AccessClaims {
  const { sub, role, sid, tid, imp } = payload;
  const invalid = (claim: string): AppError =>
    new AppError('SB_ERR_UNAUTHENTICATED', { message: `The access token has a missing or invalid "${claim}" claim.` });
  if (!isNonEmptyString(sub)) throw invalid('sub');
  if (typeof role !== 'string' || !(roles as readonly string[]).includes(role)) throw invalid('role');
  if (!isNonEmptyString(sid)) throw invalid('sid');
  if (tid !== undefined && !isNonEmptyString(tid)) throw invalid('tid');
  if (imp !== undefined && !isNonEmptyString(imp)) throw invalid('imp');

  const claims: AccessClaims = { sub, role: role as Role, sid };
  if (tid !== undefined) claims.tid = tid;
  if (imp !== undefined) claims.imp = imp;
  return claims;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}
