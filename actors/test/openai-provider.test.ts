import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AiRequest } from '@switchboard/contracts';
import { AppError } from '@switchboard/errors';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '@switchboard/testing';
import { answerWithProvider, MAX_REPAIRS } from '../src/ai/providers/ai-answer.parser.ts';
import type { ChatDelta } from '../src/ai/providers/llm-provider.ts';
import { OpenAiProvider, type OpenAiProviderOptions } from '../src/ai/providers/openai.provider.ts';

let server: FakeOpenAiServer;

beforeAll(async () => {
  server = await startFakeOpenAiServer();
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => server.reset());

const provider = (options: Partial<OpenAiProviderOptions> = {}): OpenAiProvider =>
  new OpenAiProvider({ apiKey: server.apiKey, baseURL: server.baseURL, model: 'gpt-test', embeddingModel: 'embed-test', maxRetries: 0, ...options });

const request = (text: string): AiRequest => ({
  tenantId: randomUUID(),
  conversationId: randomUUID(),
  messageId: randomUUID(),
  text,
  history: [{ role: 'customer', text: 'Hello' }, { role: 'bot', text: 'Hi! How can I help?' }],
  isFirstMessage: false,
});

async function collect(stream: AsyncIterable<ChatDelta>): Promise<ChatDelta[]> {
  const deltas: ChatDelta[] = [];
  for await (const delta of stream) deltas.push(delta);
  return deltas;
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error: unknown = await promise.then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('OpenAiProvider through the openai SDK', () => {
  it('answers a chat with the text and token usage, sending the model, messages and bearer key', async () => {
    server.enqueue({ type: 'chat', text: 'We open at nine.', usage: { prompt_tokens: 21, completion_tokens: 5, total_tokens: 26 } });

    const result = await provider().chat({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'When do you open?' }] });

    expect(result).toEqual({ text: 'We open at nine.', toolCalls: [], usage: { promptTokens: 21, completionTokens: 5, totalTokens: 26 }, finishReason: 'stop' });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({
      path: '/v1/chat/completions',
      authorization: `Bearer ${server.apiKey}`,
      body: { model: 'gpt-test', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'When do you open?' }] },
    });
  });

  it('streams text deltas that concatenate to the answer, and ends with the usage', async () => {
    const text = 'Your order ships tomorrow from Casablanca.';
    server.enqueue({ type: 'chat', text, fragments: 4, usage: { prompt_tokens: 30, completion_tokens: 9, total_tokens: 39 } });

    const deltas = await collect(provider().chatStream({ messages: [{ role: 'user', content: 'Where is my order?' }] }));

    const chunks = deltas.flatMap((delta) => (delta.type === 'text' ? [delta.text] : []));
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('')).toBe(text);
    expect(deltas.at(-1)).toEqual({ type: 'done', usage: { promptTokens: 30, completionTokens: 9, totalTokens: 39 }, finishReason: 'stop' });
    expect(server.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('assembles streamed tool calls whose names and arguments are split across interleaved chunks', async () => {
    const lookup = { id: 'call_1', name: 'lookup_order', arguments: '{"orderNumber":"AT-1042","includeItems":true}' };
    const booking = { id: 'call_2', name: 'propose_booking', arguments: '{"date":"2026-12-24","people":4}' };
    server.enqueue({ type: 'chat', toolCalls: [lookup, booking], fragments: 5 });
    const tools = [
      { name: 'lookup_order', parameters: { type: 'object', properties: { orderNumber: { type: 'string' } } } },
      { name: 'propose_booking', description: 'Propose a table booking.', parameters: { type: 'object' } },
    ];

    const deltas = await collect(provider().chatStream({ messages: [{ role: 'user', content: 'Order AT-1042, and a table for 4' }], tools }));

    expect(deltas.filter((delta) => delta.type === 'tool_call')).toEqual([
      { type: 'tool_call', toolCall: lookup },
      { type: 'tool_call', toolCall: booking },
    ]);
    expect(deltas.at(-1)).toMatchObject({ type: 'done', finishReason: 'tool_calls' });
    expect(server.requests[0]?.body['tools']).toEqual([
      { type: 'function', function: { name: 'lookup_order', parameters: tools[0]?.parameters } },
      { type: 'function', function: { name: 'propose_booking', description: 'Propose a table booking.', parameters: { type: 'object' } } },
    ]);
  });

  it('answers tool calls from a non-streamed chat, and sends tool results back in wire form', async () => {
    const call = { id: 'call_9', name: 'lookup_order', arguments: '{"orderNumber":"AT-7"}' };
    server.enqueue({ type: 'chat', toolCalls: [call] }, { type: 'chat', text: 'It shipped.' });
    const openai = provider();

    const first = await openai.chat({ messages: [{ role: 'user', content: 'Where is AT-7?' }], tools: [{ name: 'lookup_order', parameters: { type: 'object' } }] });
    const second = await openai.chat({
      messages: [
        { role: 'user', content: 'Where is AT-7?' },
        { role: 'assistant', content: '', toolCalls: first.toolCalls },
        { role: 'tool', toolCallId: 'call_9', content: '{"status":"shipped"}' },
      ],
    });

    expect(first).toMatchObject({ toolCalls: [call], finishReason: 'tool_calls' });
    expect(second.text).toBe('It shipped.');
    expect(server.requests[1]?.body['messages']).toEqual([
      { role: 'user', content: 'Where is AT-7?' },
      { role: 'assistant', content: '', tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'lookup_order', arguments: '{"orderNumber":"AT-7"}' } }] },
      { role: 'tool', tool_call_id: 'call_9', content: '{"status":"shipped"}' },
    ]);
  });

  it('embeds texts as plain numbers decoded from the base64 the SDK asks for', async () => {
    // Values exact in float32, so decoding must give them back unchanged.
    const vectors = [[0.5, -0.25, 1.75, 0], [-3, 0.125, 2.5, -0.0625]];
    server.enqueue({ type: 'embeddings', vectors, usage: { prompt_tokens: 6, total_tokens: 6 } });

    const result = await provider().embed(['first text', 'second text']);

    expect(server.requests[0]?.body).toEqual({ model: 'embed-test', input: ['first text', 'second text'], encoding_format: 'base64' });
    expect(result).toEqual({ vectors, usage: { promptTokens: 6, totalTokens: 6 } });
    expect(result.vectors.every((vector) => Array.isArray(vector) && vector.every((value) => typeof value === 'number'))).toBe(true);
  });

  it('answers SB_ERR_DEPENDENCY_DOWN when the model does not answer in time, and does not wait for it', async () => {
    server.enqueue({ type: 'delay', ms: 120_000, then: { type: 'chat', text: 'too late' } });

    const error = await rejection(provider().chat({ messages: [{ role: 'user', content: 'Hello?' }] }, { timeoutMs: 300 }));

    expect(error.code).toBe('SB_ERR_DEPENDENCY_DOWN');
    expect(error.message).toContain('300 ms');
  }, 10_000);

  it('bounds a call by its timeout even when the SDK would retry the timed-out request many times', async () => {
    // Nine slow answers: without the overall bound the SDK would spend 9 timeouts plus backoff, past this test's limit.
    const slow = { type: 'delay', ms: 120_000, then: { type: 'chat', text: 'too late' } } as const;
    server.enqueue(...Array.from({ length: 9 }, () => slow));

    const error = await rejection(provider({ maxRetries: 8 }).chat({ messages: [{ role: 'user', content: 'Hello?' }] }, { timeoutMs: 1_000 }));

    expect(error.code).toBe('SB_ERR_DEPENDENCY_DOWN');
  }, 10_000);

  it('answers SB_ERR_DEPENDENCY_DOWN when a stream does not start in time', async () => {
    server.enqueue({ type: 'delay', ms: 120_000, then: { type: 'chat', text: 'too late' } });

    const error = await rejection(collect(provider().chatStream({ messages: [{ role: 'user', content: 'Hello?' }] }, { timeoutMs: 300 })));

    expect(error.code).toBe('SB_ERR_DEPENDENCY_DOWN');
  }, 10_000);

  it('maps a 429 to SB_ERR_RATE_LIMITED with its retry-after, sending one request when retries are off', async () => {
    server.enqueue({ type: 'error', status: 429, headers: { 'retry-after': '7' }, message: 'Rate limit reached for requests.' });

    const error = await rejection(provider({ maxRetries: 0 }).chat({ messages: [{ role: 'user', content: 'Hi' }] }));

    expect(error.code).toBe('SB_ERR_RATE_LIMITED');
    expect(error.retryAfterSeconds).toBe(7);
    expect(server.requests).toHaveLength(1);
  });

  it('lets the SDK retry a 429 after its retry-after and use the answer that follows', async () => {
    server.enqueue({ type: 'error', status: 429, headers: { 'retry-after': '0' } }, { type: 'chat', text: 'Back again.' });

    const result = await provider({ maxRetries: 2 }).chat({ messages: [{ role: 'user', content: 'Hi' }] });

    expect(result.text).toBe('Back again.');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.body).toEqual(server.requests[0]?.body);
  });

  it('maps a refused API key to SB_ERR_CONFIG_INVALID', async () => {
    const error = await rejection(provider({ apiKey: 'sk-wrong' }).chat({ messages: [{ role: 'user', content: 'Hi' }] }));

    expect(error.code).toBe('SB_ERR_CONFIG_INVALID');
    expect(server.requests[0]?.authorization).toBe('Bearer sk-wrong');
  });
});

describe('answerWithProvider', () => {
  const valid = { intent: 'reply', confidence: 0.9, reply: 'We deliver across Morocco in 2 to 3 days.', actions: [] };

  it('answers the validated structured answer, asking for it with the AiAnswer JSON schema', async () => {
    server.enqueue({ type: 'chat', text: JSON.stringify(valid) });

    const answer = await answerWithProvider(provider(), request('Do you ship to Rabat?'), 'You help the customers of Atlas Tea.');

    expect(answer).toEqual({ ...valid, source: 'openai:gpt-test' });
    const body = server.requests[0]?.body;
    expect(body?.['response_format']).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'ai_answer', schema: { type: 'object', required: ['intent', 'confidence', 'reply', 'actions'], additionalProperties: false } },
    });
    expect(body?.['messages']).toMatchObject([
      { role: 'system' },
      { role: 'user', content: 'Hello' },
      { role: 'assistant', content: 'Hi! How can I help?' },
      { role: 'user', content: 'Do you ship to Rabat?' },
    ]);
  });

  it('repairs malformed JSON: the repair turn carries the bad output and the errors, and the corrected answer is used', async () => {
    const broken = '{"intent": "reply", "confidence": 0.8, "reply": "Yes"';
    server.enqueue({ type: 'chat', text: broken }, { type: 'chat', text: JSON.stringify(valid) });

    const answer = await answerWithProvider(provider(), request('Do you ship to Rabat?'), 'You help.');

    expect(answer).toEqual({ ...valid, source: 'openai:gpt-test' });
    expect(server.requests).toHaveLength(2);
    const repair = server.requests[1]?.body['messages'] as { role: string; content: string }[];
    expect(repair.at(-2)).toEqual({ role: 'assistant', content: broken });
    expect(repair.at(-1)?.role).toBe('user');
    expect(repair.at(-1)?.content).toContain('is not valid JSON');
  });

  it('repairs an answer that breaks the schema, naming the failing fields', async () => {
    const wrong = { intent: 'chat', confidence: 2, reply: 'Hi', actions: [], extra: true };
    server.enqueue({ type: 'chat', text: JSON.stringify(wrong) }, { type: 'chat', text: JSON.stringify(valid) });

    const answer = await answerWithProvider(provider(), request('Hi'), 'You help.');

    expect(answer.intent).toBe('reply');
    const repair = (server.requests[1]?.body['messages'] as { content: string }[]).at(-1)?.content ?? '';
    expect(repair).toContain('/intent');
    expect(repair).toContain('/confidence');
    expect(repair).toContain('/extra');
  });

  it(`hands off when the answer is still invalid after ${MAX_REPAIRS} repairs, and asks no more`, async () => {
    server.enqueue({ type: 'chat', text: 'not json' }, { type: 'chat', text: '{"intent":"maybe"}' }, { type: 'chat', text: 'still not json' });

    const answer = await answerWithProvider(provider(), request('Hi'), 'You help.', { handoffReply: 'A colleague will answer you shortly.' });

    expect(answer).toEqual({ intent: 'handoff', confidence: 0, reply: 'A colleague will answer you shortly.', actions: [], source: 'openai:gpt-test' });
    expect(server.requests).toHaveLength(1 + MAX_REPAIRS);
  });
});
