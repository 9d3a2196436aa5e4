import { hkdfSync } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { AppError } from '@switchboard/errors';

/** What a login has proven so far, carried between its steps by the client. */
export interface LoginChallenge {
  userId: string;
  /** The tenant already chosen (or the only one); absent while the user must still choose. */
  tenantId?: string;
}

export interface LoginChallenges {
  issue(challenge: LoginChallenge): Promise<string>;
  /** The challenge; `SB_ERR_INVALID_CREDENTIALS` when it is forged, expired or malformed. */
  verify(token: string): Promise<LoginChallenge>;
}

const AUDIENCE = 'switchboard-login-challenge';
const TTL_SECONDS = 300;

/**
 * Short-lived signed tokens that carry a login from its password step to the tenant choice and
 * the TOTP step, so no half-finished login is kept on the server. They are HS256 JWTs with
 * their own key (derived from the access-token key) and their own audience, so neither kind of
 * token is ever accepted as the other.
 */
export function createLoginChallenges(tokenSigningKey: Uint8Array, issuer: string): LoginChallenges {
  const key = new Uint8Array(hkdfSync('sha256', tokenSigningKey, 'switchboard', 'login-challenge-hs256', 32));
  return {
    async issue(challenge) {
      const jwt = new SignJWT(challenge.tenantId === undefined ? {} : { tid: challenge.tenantId })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(challenge.userId)
        .setIssuer(issuer)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${TTL_SECONDS}s`);
      return jwt.sign(key);
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer, audience: AUDIENCE, requiredClaims: ['sub', 'exp'] });
        const { sub, tid } = payload;
        if (typeof sub !== 'string' || (tid !== undefined && typeof tid !== 'string')) throw new Error('malformed challenge');
        return tid === undefined ? { userId: sub } : { userId: sub, tenantId: tid };
      } catch (error) {
        throw new AppError('SB_ERR_INVALID_CREDENTIALS', {
          message: 'This sign-in step has expired or is not valid; sign in again with your email and password.',
          cause: error,
        });
      }
    },
  };
}
