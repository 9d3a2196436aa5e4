import { createClient } from 'redis';
import type { Logger } from 'pino';
import type { RateLimitStore } from './rate-limit-store.ts';

export interface RedisRateLimitStoreOptions {
  /** Prepended to every counter key (default `sb:rl:`). */
  keyPrefix?: string;
  /** Where connection trouble is reported; without one it is not logged. */
  logger?: Logger;
  /** How long one hit may take before it fails (default 2 s). */
  commandTimeoutMs?: number;
}

/**
 * One round trip, atomic: count the hit, start the window's expiry on the first hit, and read
 * what is left of it. A key that somehow has no expiry gets one, so no counter lives forever.
 */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }
`;

/**
 * Fixed-window counters in Redis, shared by every hub that uses the same Redis. Connects
 * before resolving. While Redis is unreachable a hit fails at once (no offline queue), so a
 * request is never held waiting for Redis to come back.
 */
export async function createRedisRateLimitStore(redisUrl: string, options: RedisRateLimitStoreOptions = {}): Promise<RateLimitStore> {
  const { keyPrefix = 'sb:rl:', logger, commandTimeoutMs = 2_000 } = options;
  const client = createClient({
    url: redisUrl,
    disableOfflineQueue: true,
    commandOptions: { timeout: commandTimeoutMs },
    socket: { connectTimeout: 5_000 },
  });
  // node-redis throws an 'error' event without a listener, which would crash the process; it
  // reconnects by itself, so report the first error of an outage and the recovery.
  let healthy = true;
  client.on('error', (error: unknown) => {
    if (!healthy) return;
    healthy = false;
    logger?.warn({ err: error }, 'rate-limit Redis is unreachable; reconnecting');
  });
  client.on('ready', () => {
    if (healthy) return;
    healthy = true;
    logger?.info('rate-limit Redis is reachable again');
  });
  await client.connect();

  return {
    async hit(key, windowMs) {
      const reply = await client.eval(HIT_SCRIPT, { keys: [`${keyPrefix}${key}`], arguments: [String(Math.ceil(windowMs))] });
      if (!Array.isArray(reply) || typeof reply[0] !== 'number' || typeof reply[1] !== 'number') {
        throw new Error(`unexpected reply from the rate-limit script: ${JSON.stringify(reply)}`);
      }
      return { count: reply[0], resetAt: Date.now() + reply[1] };
    },
    async close() {
      if (client.isOpen) await client.close();
    },
  };
}
