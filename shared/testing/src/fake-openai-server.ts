import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A tool call the scripted model makes; the stream splits `name` and `arguments` over chunks. */
export interface FakeToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** One scripted answer, consumed by the next request in order. */
export type FakeOpenAiReply =
  /** A chat completion: JSON, or SSE chunks when the request asked for `stream: true`. */
  | { type: 'chat'; text?: string; toolCalls?: FakeToolCall[]; usage?: FakeUsage; fragments?: number }
  /** An embeddings answer, encoded as the request's `encoding_format` asks (float or base64). */
  | { type: 'embeddings'; vectors: number[][]; usage?: { prompt_tokens: number; total_tokens: number } }
  /** An HTTP error with an OpenAI error body, e.g. a 429 with `retry-after`. */
  | { type: 'error'; status: number; headers?: Record<string, string>; message?: string }
  /** Waits `ms` (for a client timeout to fire first), then answers `then`, if the client is still there. */
  | { type: 'delay'; ms: number; then: FakeOpenAiReply };

/** A request the server received, as the SDK sent it. */
export interface FakeOpenAiRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

export interface FakeOpenAiServer {
  /** `http://127.0.0.1:<port>/v1`, for the SDK's `baseURL`. */
  baseURL: string;
  /** The key clients must send as `Authorization: Bearer <apiKey>`; others get a 401. */
  apiKey: string;
  /** Every request received, in order, the refused ones included. */
  requests: FakeOpenAiRequest[];
  /** Appends answers to the script. */
  enqueue(...replies: FakeOpenAiReply[]): void;
  /** Forgets the script and the recorded requests, between tests. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * A local server that speaks the OpenAI HTTP wire protocol (`POST /v1/chat/completions`, with
 * SSE streaming, and `POST /v1/embeddings`) from a script of answers, so the real `openai` SDK
 * can be tested without the network. A request with no scripted answer left gets a 500 that
 * says so, to make a test that sends one call too many fail loudly.
 */
export async function startFakeOpenAiServer(options: { apiKey?: string } = {}): Promise<FakeOpenAiServer> {
  const apiKey = options.apiKey ?? 'sk-test-fake-openai';
  const requests: FakeOpenAiRequest[] = [];
  const script: FakeOpenAiReply[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req, res) => {
    void readJson(req).then((body) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      requests.push({ method: req.method ?? 'GET', path, authorization: req.headers.authorization, body });
      if (req.headers.authorization !== `Bearer ${apiKey}`) {
        return sendError(res, 401, 'Incorrect API key provided.', {}, 'invalid_api_key');
      }
      const route = req.method === 'POST' ? routes[path] : undefined;
      if (route === undefined) return sendError(res, 404, `No route ${req.method ?? ''} ${path}.`);
      const reply = script.shift();
      if (reply === undefined) return sendError(res, 500, `The fake OpenAI server has no scripted answer left for ${path}.`);
      answer(res, route, reply, body);
    }, () => sendError(res, 400, 'The request body is not valid JSON.'));
  });

  function answer(res: ServerResponse, route: Route, reply: FakeOpenAiReply, body: Record<string, unknown>): void {
    switch (reply.type) {
      case 'error':
        return sendError(res, reply.status, reply.message ?? `Scripted error ${reply.status}.`, reply.headers ?? {});
      case 'delay': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) answer(res, route, reply.then, body);
        }, reply.ms);
        timers.add(timer);
        res.once('close', () => {
          clearTimeout(timer);
          timers.delete(timer);
        });
        return;
      }
      case 'chat':
        if (route !== 'chat') return sendError(res, 500, `Scripted a chat answer for ${route}.`);
        return body['stream'] === true ? streamChat(res, reply, body) : sendJson(res, 200, chatCompletion(reply, body));
      case 'embeddings':
        if (route !== 'embeddings') return sendError(res, 500, `Scripted an embeddings answer for ${route}.`);
        return sendJson(res, 200, embeddings(reply, body));
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    enqueue: (...replies) => void script.push(...replies),
    reset: () => {
      script.length = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

type Route = 'chat' | 'embeddings';
const routes: Partial<Record<string, Route>> = { '/v1/chat/completions': 'chat', '/v1/embeddings': 'embeddings' };

const CREATED = 1_767_225_600;

function usageFor(reply: { text?: string; usage?: FakeUsage }): FakeUsage {
  if (reply.usage) return reply.usage;
  const completion = Math.max(1, Math.ceil((reply.text ?? '').length / 4));
  return { prompt_tokens: 12, completion_tokens: completion, total_tokens: 12 + completion };
}

function modelOf(body: Record<string, unknown>): string {
  return typeof body['model'] === 'string' ? body['model'] : 'unknown';
}

function chatCompletion(reply: Extract<FakeOpenAiReply, { type: 'chat' }>, body: Record<string, unknown>): Record<string, unknown> {
  const toolCalls = reply.toolCalls ?? [];
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: CREATED,
    model: modelOf(body),
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.text ?? null,
          refusal: null,
          ...(toolCalls.length > 0
            ? { tool_calls: toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })) }
            : {}),
        },
        logprobs: null,
        finish_reason: toolCalls.length > 0 ? 'tool_calls' : 'stop',
      },
    ],
    usage: usageFor(reply),
  };
}

/** Splits `text` into `count` pieces (the last ones may be empty for short text). */
function split(text: string, count: number): string[] {
  const size = Math.ceil(text.length / count);
  return Array.from({ length: count }, (_, i) => text.slice(i * size, (i + 1) * size));
}

/**
 * Writes the chunks a real server sends: the role, the text in pieces, each tool call's name and
 * arguments in pieces (calls interleaved, told apart only by `index`), the finish reason, then a
 * usage chunk with no choices when `stream_options.include_usage` is set, then `[DONE]`.
 */
function streamChat(res: ServerResponse, reply: Extract<FakeOpenAiReply, { type: 'chat' }>, body: Record<string, unknown>): void {
  const fragments = reply.fragments ?? 3;
  const base = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: CREATED, model: modelOf(body) };
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null): Record<string, unknown> => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });
  const chunks: Record<string, unknown>[] = [chunk({ role: 'assistant', content: '' })];
  if (reply.text) for (const piece of split(reply.text, fragments)) if (piece) chunks.push(chunk({ content: piece }));
  const toolCalls = reply.toolCalls ?? [];
  const names = toolCalls.map((call) => split(call.name, fragments));
  const args = toolCalls.map((call) => split(call.arguments, fragments));
  for (let part = 0; part < fragments; part++) {
    toolCalls.forEach((call, index) => {
      const fn = { name: names[index]?.[part] ?? '', arguments: args[index]?.[part] ?? '' };
      chunks.push(chunk({ tool_calls: [part === 0 ? { index, id: call.id, type: 'function', function: fn } : { index, function: fn }] }));
    });
  }
  chunks.push(chunk({}, toolCalls.length > 0 ? 'tool_calls' : 'stop'));
  const streamOptions = body['stream_options'] as { include_usage?: unknown } | undefined;
  if (streamOptions?.include_usage === true) chunks.push({ ...base, choices: [], usage: usageFor(reply) });

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  for (const data of chunks) res.write(`data: ${JSON.stringify(data)}\n\n`);
  res.end('data: [DONE]\n\n');
}

function embeddings(reply: Extract<FakeOpenAiReply, { type: 'embeddings' }>, body: Record<string, unknown>): Record<string, unknown> {
  const base64 = body['encoding_format'] === 'base64';
  return {
    object: 'list',
    data: reply.vectors.map((vector, index) => ({ object: 'embedding', index, embedding: base64 ? float32Base64(vector) : vector })),
    model: modelOf(body),
    usage: reply.usage ?? { prompt_tokens: 8, total_tokens: 8 },
  };
}

/** Little-endian float32, as OpenAI encodes `encoding_format: 'base64'` vectors. */
function float32Base64(vector: number[]): string {
  const buffer = Buffer.alloc(vector.length * 4);
  vector.forEach((value, i) => buffer.writeFloatLE(value, i * 4));
  return buffer.toString('base64');
}

function sendJson(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(payload));
}

function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}, code: string | null = null): void {
  const type = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
  sendJson(res, status, { error: { message, type, param: null, code } }, headers);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError('The request body is not a JSON object.');
  return value as Record<string, unknown>;
}
