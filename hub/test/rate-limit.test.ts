import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedis, type RunningService } from '@switchboard/dev';
import { AppError } from '@switchboard/errors';
import { eventually, testLogger } from '@switchboard/testing';
import { build } from '../src/app.ts';
import { createMemoryRateLimitStore } from '../src/rate-limit/memory-rate-limit.store.ts';
import { rateLimitPlugin } from '../src/rate-limit/rate-limit.plugin.ts';
import type { RateLimitStore } from '../src/rate-limit/rate-limit-store.ts';
import { RateLimiter, type RateLimitRule } from '../src/rate-limit/rate-limiter.ts';
import { createRedisRateLimitStore } from '../src/rate-limit/redis-rate-limit.store.ts';

let redis: RunningService;
const stores: RateLimitStore[] = [];

beforeAll(async () => {
  redis = await startRedis({});
});

afterAll(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  await redis?.stop();
});

async function tracked(store: Promise<RateLimitStore> | RateLimitStore): Promise<RateLimitStore> {
  const created = await store;
  stores.push(created);
  return created;
}

const storeKinds: { kind: string; open: () => Promise<RateLimitStore> }[] = [
  { kind: 'memory', open: () => tracked(createMemoryRateLimitStore()) },
  { kind: 'Redis', open: () => tracked(createRedisRateLimitStore(redis.url)) },
];

async function refusal(promise: Promise<void>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** Waits until a window reported by the store has ended. */
async function windowEnds(resetAt: number): Promise<void> {
  await sleep(Math.max(0, resetAt - Date.now()) + 25);
}

describe.each(storeKinds)('rate limiting with the $kind store', ({ open }) => {
  const fivePerMinute: RateLimitRule = { limit: 5, windowMs: 60_000 };

  it('refuses the sixth hit in a window of five with a 429 and a retry delay', async () => {
    const limiter = new RateLimiter(await open());
    const key = `test:${randomUUID()}`;
    for (let i = 0; i < 5; i += 1) await limiter.consume(key, fivePerMinute);

    const error = await refusal(limiter.consume(key, fivePerMinute));
    expect(error.code).toBe('SB_ERR_RATE_LIMITED');
    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(error.message).toMatch(/try again in/);
  });

  it('counts each key on its own', async () => {
    const limiter = new RateLimiter(await open());
    const busy = `test:${randomUUID()}`;
    for (let i = 0; i < 5; i += 1) await limiter.consume(busy, fivePerMinute);
    await expect(limiter.consume(busy, fivePerMinute)).rejects.toBeInstanceOf(AppError);
    await expect(limiter.consume(`test:${randomUUID()}`, fivePerMinute)).resolves.toBeUndefined();
  });

  it('starts a fresh count once the window has ended', async () => {
    const store = await open();
    const key = `test:${randomUUID()}`;
    const first = await store.hit(key, 250);
    expect(first.count).toBe(1);
    expect((await store.hit(key, 250)).count).toBe(2);

    await windowEnds(first.resetAt);
    const next = await store.hit(key, 250);
    expect(next.count).toBe(1);
    expect(next.resetAt).toBeGreaterThan(first.resetAt);
  });

  it('grants the whole limit again once the window has ended', async () => {
    const store = await open();
    const limiter = new RateLimiter(store);
    const key = `test:${randomUUID()}`;
    const rule: RateLimitRule = { limit: 2, windowMs: 300 };
    const { resetAt } = await store.hit(key, rule.windowMs);
    await limiter.consume(key, rule);

    await windowEnds(resetAt);
    await limiter.consume(key, rule);
    await limiter.consume(key, rule);
  });
});

describe('the memory store', () => {
  it('forgets the oldest window rather than grow past its key cap', async () => {
    const store = await tracked(createMemoryRateLimitStore({ maxKeys: 3 }));
    await store.hit('a', 60_000);
    await store.hit('a', 60_000);
    for (const key of ['b', 'c', 'd']) await store.hit(key, 60_000);
    expect((await store.hit('a', 60_000)).count).toBe(1);
    expect((await store.hit('d', 60_000)).count).toBe(2);
  });
});

describe('rate limiting across hubs', () => {
  it('shares one count between two hubs on the same Redis', async () => {
    const hubA = new RateLimiter(await tracked(createRedisRateLimitStore(redis.url)));
    const hubB = new RateLimiter(await tracked(createRedisRateLimitStore(redis.url)));
    const rule: RateLimitRule = { limit: 5, windowMs: 60_000 };
    const key = `ip:${randomUUID()}`;
    for (let i = 0; i < 3; i += 1) await hubA.consume(key, rule);
    for (let i = 0; i < 2; i += 1) await hubB.consume(key, rule);

    expect((await refusal(hubA.consume(key, rule))).code).toBe('SB_ERR_RATE_LIMITED');
    expect((await refusal(hubB.consume(key, rule))).code).toBe('SB_ERR_RATE_LIMITED');
  });

  it('answers SB_ERR_DEPENDENCY_DOWN, not a pass, while Redis is away, and counts again once it is back', async () => {
    const rule: RateLimitRule = { limit: 5, windowMs: 60_000 };
    let ownRedis = await startRedis({});
    try {
      const limiter = new RateLimiter(await tracked(createRedisRateLimitStore(ownRedis.url)));
      await limiter.consume('ip:somebody', rule);
      await ownRedis.stop();

      expect((await refusal(limiter.consume('ip:somebody', rule))).code).toBe('SB_ERR_DEPENDENCY_DOWN');

      ownRedis = await startRedis({ port: ownRedis.port });
      await eventually(() => limiter.consume('ip:somebody', rule).then(() => true), 'the store to reconnect to Redis');
    } finally {
      await ownRedis.stop();
    }
  });

  it('refuses to start when Redis cannot be reached', async () => {
    const nobody = `redis://127.0.0.1:${await freePort()}`;
    await expect(createRedisRateLimitStore(nobody)).rejects.toThrow(/could not connect to the rate-limit Redis/);
  });
});

describe('the rate-limit plugin on the hub', () => {
  let app: FastifyInstance;
  let storeClosed = false;

  beforeAll(async () => {
    const memory = createMemoryRateLimitStore();
    const store: RateLimitStore = {
      hit: (key, windowMs) => memory.hit(key, windowMs),
      close: async () => {
        storeClosed = true;
        await memory.close();
      },
    };
    app = await build({ logger: testLogger() });
    await app.register(rateLimitPlugin, { store, perIp: { limit: 2, windowMs: 60_000 } });
    app.get('/api/v1/x', { config: { access: 'public' } }, async () => ({ ok: true }));
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('answers 429 with SB_ERR_RATE_LIMITED and Retry-After once an address is over its limit', async () => {
    const from = { remoteAddress: '203.0.113.7' };
    expect((await app.inject({ method: 'GET', url: '/api/v1/x', ...from })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/x', ...from })).statusCode).toBe(200);

    const refused = await app.inject({ method: 'GET', url: '/api/v1/x', ...from });
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ error: { code: 'SB_ERR_RATE_LIMITED', traceId: expect.any(String) } });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);

    const otherAddress = await app.inject({ method: 'GET', url: '/api/v1/x', remoteAddress: '198.51.100.9' });
    expect(otherAddress.statusCode).toBe(200);
  });

  it('leaves routes outside /api/ alone', async () => {
    const from = { remoteAddress: '192.0.2.44' };
    for (let i = 0; i < 4; i += 1) {
      expect((await app.inject({ method: 'GET', url: '/health', ...from })).statusCode).toBe(200);
    }
  });

  it('decorates the app with the limiter routes use for their own limits', async () => {
    expect(app.rateLimiter).toBeInstanceOf(RateLimiter);
    const key = `login:${randomUUID()}`;
    await app.rateLimiter.consume(key, { limit: 1, windowMs: 60_000 });
    expect((await refusal(app.rateLimiter.consume(key, { limit: 1, windowMs: 60_000 }))).code).toBe('SB_ERR_RATE_LIMITED');
  });

  it('lets API requests through, rather than fail them all, while Redis is down', async () => {
    const ownRedis = await startRedis({});
    const hub = await build({ logger: testLogger() });
    try {
      await hub.register(rateLimitPlugin, { store: await createRedisRateLimitStore(ownRedis.url), perIp: { limit: 1, windowMs: 60_000 } });
      hub.get('/api/v1/x', { config: { access: 'public' } }, async () => ({ ok: true }));
      await hub.ready();
      expect((await hub.inject({ method: 'GET', url: '/api/v1/x' })).statusCode).toBe(200);
      expect((await hub.inject({ method: 'GET', url: '/api/v1/x' })).statusCode).toBe(429);

      await ownRedis.stop();
      expect((await hub.inject({ method: 'GET', url: '/api/v1/x' })).statusCode).toBe(200);
    } finally {
      await hub.close();
      await ownRedis.stop();
    }
  });

  it('closes its store when the app closes', async () => {
    const other = await build({ logger: testLogger() });
    let closed = false;
    const memory = createMemoryRateLimitStore();
    await other.register(rateLimitPlugin, { store: { hit: memory.hit, close: async () => { closed = true; await memory.close(); } } });
    await other.ready();
    await other.close();
    expect(closed).toBe(true);
    expect(storeClosed).toBe(false);
  });
});
