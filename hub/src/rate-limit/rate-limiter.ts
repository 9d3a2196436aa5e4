import { AppError, isAppError } from '@switchboard/errors';
import type { RateLimitStore } from './rate-limit-store.ts';

/** At most `limit` hits per fixed window of `windowMs`. */
export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

/**
 * The limits the hub applies. Sign-in is limited per address and per account, so neither
 * one address trying many accounts nor many addresses trying one account gets far.
 */
export const rateLimits = {
  loginPerIp: { limit: 5, windowMs: 5 * 60_000 },
  loginPerAccount: { limit: 10, windowMs: 15 * 60_000 },
  signupPerIp: { limit: 5, windowMs: 60 * 60_000 },
  passwordResetPerIp: { limit: 5, windowMs: 15 * 60_000 },
  invitePerTenant: { limit: 50, windowMs: 60 * 60_000 },
  apiPerIp: { limit: 600, windowMs: 60_000 },
  apiPerTenant: { limit: 3000, windowMs: 60_000 },
} as const satisfies Record<string, RateLimitRule>;

/** Applies rate-limit rules to keys such as `ip:203.0.113.7` or `login:account:<email>`. */
export class RateLimiter {
  constructor(private readonly store: RateLimitStore) {}

  /**
   * Counts one attempt on `key`. Throws `SB_ERR_RATE_LIMITED` with `retryAfterSeconds` once
   * the rule's limit for the current window is used up, and `SB_ERR_DEPENDENCY_DOWN` when the
   * store cannot be reached: a limit that cannot be checked is not waved through.
   */
  async consume(key: string, rule: RateLimitRule): Promise<void> {
    let hit: { count: number; resetAt: number };
    try {
      hit = await this.store.hit(key, rule.windowMs);
    } catch (error) {
      if (isAppError(error)) throw error;
      throw new AppError('SB_ERR_DEPENDENCY_DOWN', { message: 'The rate-limit store is not reachable right now.', cause: error });
    }
    if (hit.count <= rule.limit) return;
    const retryAfterSeconds = Math.max(1, Math.ceil((hit.resetAt - Date.now()) / 1000));
    throw new AppError('SB_ERR_RATE_LIMITED', {
      message: `Too many requests; try again in ${describeSeconds(retryAfterSeconds)}.`,
      retryAfterSeconds,
    });
  }
}

function describeSeconds(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
