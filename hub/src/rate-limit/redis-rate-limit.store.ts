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
  let connectedOnce = false;
  const client = createClient({
    url: redisUrl,
    disableOfflineQueue: true,
    commandOptions: { timeout: commandTimeoutMs },
    socket: {
      connectTimeout: 5_000,
      // A wrong REDIS_URL should stop the start with an error after a few tries, not retry
      // forever; once connected, an outage is waited out with capped back-off.
      reconnectStrategy: (retries, cause) => {
        if (connectedOnce) return Math.min(100 * 2 ** retries, 5_000);
        return retries < 3 ? 250 : cause;
      },
    },
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
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`could not connect to the rate-limit Redis at ${redactedUrl(redisUrl)}`, { cause: error });
  }
  connectedOnce = true;

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

/** The URL without its password, for error messages. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured URL';
  }
}
