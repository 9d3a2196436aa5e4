import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectBus, type Bus } from '@switchboard/bus';
import { createOrm, type Orm } from '@switchboard/db';
import { createDatabase, dropDatabase, startNatsServer, type RunningNatsServer } from '@switchboard/dev';
import { eventually, testLogger } from '@switchboard/testing';
import { build } from '../src/index.ts';

const adminUrl = inject('databaseUrl');
const chromaUrl = inject('chromaUrl');
const databaseName = `sb_hub_${randomUUID().replaceAll('-', '')}`;
let dataDir: string;
let nats: RunningNatsServer;
let bus: Bus;
let orm: Orm;
let app: FastifyInstance;

beforeAll(async () => {
  // Its own nats-server: this file stops and restarts it.
  dataDir = await mkdtemp(join(tmpdir(), 'sb-hub-'));
  nats = await startNatsServer({ dataDir });
  bus = await connectBus({ servers: nats.url, name: 'hub-test', logger: testLogger() });
  orm = await createOrm({ databaseUrl: await createDatabase(adminUrl, databaseName), logger: testLogger() });
  app = await build({ logger: testLogger(), infrastructure: { bus, orm, chromaUrl } });
  app.post('/api/v1/test/echo', {
    config: { access: 'public' },
    schema: { body: Type.Object({ email: Type.String({ format: 'email' }), count: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }) },
  }, async (request) => request.body);
  app.get('/api/v1/test/boom', { config: { access: 'public' } }, async () => {
    throw new Error('secret internal detail');
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await bus?.close();
  await orm?.close();
  await nats?.stop();
  await dropDatabase(adminUrl, databaseName);
  await rm(dataDir, { recursive: true, force: true });
});

describe('hub health and errors', () => {
  it('answers /health without touching dependencies', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ok' });
  });

  it('is ready when NATS, PostgreSQL and Chroma are all up', async () => {
    const response = await app.inject({ method: 'GET', url: '/ready' });
    expect(response.json()).toEqual({ status: 'ready', dependencies: { nats: 'up', database: 'up', chroma: 'up' } });
    expect(response.statusCode).toBe(200);
  });

  it('turns /ready to 503 while NATS is stopped and back to 200 when it returns', async () => {
    await nats.stop();
    const down = await app.inject({ method: 'GET', url: '/ready' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ status: 'not_ready', dependencies: { nats: 'down', database: 'up', chroma: 'up' } });

    nats = await startNatsServer({ dataDir, port: nats.port });
    const up = await eventually(async () => {
      const response = await app.inject({ method: 'GET', url: '/ready' });
      return response.statusCode === 200 ? response : undefined;
    }, 'the hub to see NATS again', { timeoutMs: 20_000, intervalMs: 200 });
    expect(up.json()).toMatchObject({ dependencies: { nats: 'up' } });
  });

  it('names each invalid field in a 400', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/test/echo', payload: { email: 'not-an-email', count: 0, admin: true } });
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error.code).toBe('SB_ERR_VALIDATION');
    expect(error.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(['body/admin', 'body/count', 'body/email']);
    expect(error.traceId).toBe(response.headers['x-trace-id']);
  });

  it('answers malformed JSON with SB_ERR_BAD_JSON, not a 500', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/test/echo', headers: { 'content-type': 'application/json' }, payload: '{"email": ' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('SB_ERR_BAD_JSON');
  });

  it('refuses a body over the limit with 413', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/test/echo', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email: 'a@b.co', count: 1, pad: 'x'.repeat(1_100_000) }) });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('SB_ERR_PAYLOAD_TOO_LARGE');
  });

  it('hides internal failures behind SB_ERR_INTERNAL and a trace id', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/test/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret internal detail');
    expect(response.json().error).toMatchObject({ code: 'SB_ERR_INTERNAL', traceId: expect.any(String) });
  });

  it('answers an unknown API route with SB_ERR_NOT_FOUND', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('SB_ERR_NOT_FOUND');
  });

  it('follows the W3C traceparent trace id', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await app.inject({ method: 'GET', url: '/health', headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    expect(response.headers['x-trace-id']).toBe(traceId);
  });

  it('publishes the OpenAPI document with the health routes', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(response.statusCode).toBe(200);
    expect(Object.keys(response.json().paths)).toEqual(expect.arrayContaining(['/health', '/ready']));
  });
});
