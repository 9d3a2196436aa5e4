import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, type Bus } from '@switchboard/bus';
import { AiAnswer, AiRequest, subjects } from '@switchboard/contracts';
import { startNatsServer, type RunningNatsServer } from '@switchboard/dev';
import { AppError } from '@switchboard/errors';
import { testLogger } from '@switchboard/testing';
import { defaultResponderSettings, startAiActor } from '../src/index.ts';

let dataDir: string;
let nats: RunningNatsServer;
let bus: Bus;
const tenantId = randomUUID();
const schemas = { request: AiRequest, response: AiAnswer };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sb-ai-'));
  nats = await startNatsServer({ dataDir });
  bus = await connectBus({ servers: nats.url, name: 'ai-test', logger: testLogger() });
  startAiActor(bus, async (id) => ({
    ...defaultResponderSettings,
    faq: id === tenantId ? [{ question: 'Do you ship to Casablanca?', answer: 'Yes, in 2 days.', keywords: ['shipping', 'delivery'] }] : [],
  }));
});

afterAll(async () => {
  await bus?.close();
  await nats?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const request = (overrides: Partial<AiRequest> = {}): AiRequest => ({
  tenantId, conversationId: randomUUID(), messageId: randomUUID(), text: 'shipping to Casablanca?', history: [], isFirstMessage: false, ...overrides,
});

describe('AI actor over NATS', () => {
  it("answers from the tenant's own FAQ", async () => {
    const answer = await bus.request(subjects.request('ai', tenantId), schemas, request());
    expect(answer).toMatchObject({ intent: 'reply', reply: 'Yes, in 2 days.', source: 'offline' });
  });

  it("does not answer from another tenant's FAQ", async () => {
    const other = randomUUID();
    const answer = await bus.request(subjects.request('ai', other), schemas, request({ tenantId: other }));
    expect(answer.reply).toBe(defaultResponderSettings.fallback);
  });

  it('refuses a request whose body names another tenant than its subject', async () => {
    await expect(bus.request(subjects.request('ai', randomUUID()), schemas, request())).rejects.toSatisfy(
      (error: unknown) => error instanceof AppError && error.code === 'SB_ERR_FORBIDDEN',
    );
  });

  it('answers an invalid request with the reason instead of a timeout', async () => {
    const reply = await bus.nc.request(subjects.request('ai', tenantId), new TextEncoder().encode(JSON.stringify({ tenantId, text: 1 })), { timeout: 2_000 });
    const body = JSON.parse(new TextDecoder().decode(reply.data)) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('SB_ERR_VALIDATION');
    expect(body.error.message).toMatch(/conversationId/);
  });
});
