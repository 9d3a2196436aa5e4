import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectBus, type Bus } from '@switchboard/bus';
import { AiAnswer, AiRequest, subjects } from '@switchboard/contracts';
import { startNatsServer, type RunningNatsServer } from '@switchboard/dev';
import { startFakeOpenAiServer, testLogger, type FakeOpenAiServer } from '@switchboard/testing';
import { defaultResponderSettings, OpenAiProvider, startAiActor } from '../src/index.ts';

// The AI actor over NATS with an OpenAI-compatible provider: the real openai SDK against a local
// server that speaks the wire protocol. The offline responder stands in when the provider fails.
let dataDir: string;
let nats: RunningNatsServer;
let bus: Bus;
let server: FakeOpenAiServer;
const tenantId = randomUUID();
const schemas = { request: AiRequest, response: AiAnswer };
const settings = { ...defaultResponderSettings, faq: [{ question: 'Do you ship to Casablanca?', answer: 'Yes, in 2 days.', keywords: ['shipping'] }] };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sb-ai-provider-'));
  nats = await startNatsServer({ dataDir });
  bus = await connectBus({ servers: nats.url, name: 'ai-provider-test', logger: testLogger() });
  server = await startFakeOpenAiServer();
  const provider = new OpenAiProvider({ apiKey: server.apiKey, baseURL: server.baseURL, model: 'gpt-test', maxRetries: 0 });
  startAiActor(bus, async () => settings, { provider, timeoutMs: 2_000, logger: testLogger() });
});

beforeEach(() => server.reset());

afterAll(async () => {
  await bus?.close();
  await server?.close();
  await nats?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const ask = (text: string) => bus.request(subjects.request('ai', tenantId), schemas, {
  tenantId, conversationId: randomUUID(), messageId: randomUUID(), text, history: [], isFirstMessage: false,
}, { timeoutMs: 10_000 });

describe('AI actor with an OpenAI-compatible provider', () => {
  it("answers with the model's structured answer, having told the model the tenant's facts", async () => {
    server.enqueue({ type: 'chat', text: JSON.stringify({ intent: 'reply', confidence: 0.8, reply: 'Yes, we ship to Casablanca in 2 days.', actions: [] }) });
    const answer = await ask('do you deliver to casablanca?');
    expect(answer).toEqual({ intent: 'reply', confidence: 0.8, reply: 'Yes, we ship to Casablanca in 2 days.', actions: [], source: 'openai:gpt-test' });
    const sent = JSON.stringify(server.requests[0]?.body.messages);
    expect(sent).toContain('Yes, in 2 days.');
    expect(sent).toContain('do you deliver to casablanca?');
  });

  it('hands a customer who asks for a person off without asking the model', async () => {
    const answer = await ask('I want to talk to a human');
    expect(answer).toMatchObject({ intent: 'handoff', source: 'offline' });
    expect(server.requests).toHaveLength(0);
  });

  it('falls back to the offline responder when the provider fails, so the customer still gets an answer', async () => {
    server.enqueue({ type: 'error', status: 500, message: 'model overloaded' });
    const answer = await ask('shipping to Casablanca?');
    expect(answer).toMatchObject({ intent: 'reply', reply: 'Yes, in 2 days.', source: 'offline (openai:gpt-test failed)' });
  });

  it('falls back when the provider is slower than the bound, and offers a person when the FAQ has no answer', async () => {
    server.enqueue({ type: 'delay', ms: 5_000, then: { type: 'chat', text: '{}' } });
    const answer = await ask('what is the meaning of life?');
    expect(answer).toMatchObject({ source: 'offline (openai:gpt-test failed)', reply: settings.fallback });
  });
});
