import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { defaultResponderSettings, OpenAiProvider, startAiActor, type LlmProvider } from '@switchboard/actors';
import { connectBus } from '@switchboard/bus';
import { AiAnswer, AiRequest, subjects, type AiRequest as Request } from '@switchboard/contracts';
import { startNatsServer } from '@switchboard/dev';
import { formatLatencies, summarizeLatencies, type LatencySummary } from './measure.ts';
import { runOpenLoop, waitUntil } from './open-loop.ts';

export interface AiOverheadResult {
  rate: number;
  requests: number;
  /** What the AI actor adds per request: the whole NATS request minus its model call. */
  overhead: LatencySummary;
  /** The whole request as the conversation actor sees it. */
  total: LatencySummary;
  /** The model call alone (the openai SDK to the local server). */
  model: LatencySummary;
  /** A bare NATS request-reply on the same server, with the same schemas checked: the floor. */
  rawRequestReply: LatencySummary;
}

const schemas = { request: AiRequest, response: AiAnswer };

/** Starts the instant model server in its own process; resolves to its base URL and a stop. */
async function startModelServer(): Promise<{ baseURL: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'instant-model.process.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [first] = (await once(child.stdout, 'data')) as [Buffer];
  return {
    baseURL: first.toString().trim(),
    stop: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

/**
 * The AI actor's own overhead, LiteLLM-style: at `500 × scale` requests per second (open loop),
 * each request goes over NATS to the AI actor, which builds the prompt, calls a local
 * OpenAI-compatible server in its own process that answers at once (through the real openai SDK,
 * streamed, as the bot answers customers), validates the structured answer and replies. The model call is timed inside the actor, per request, so the
 * overhead is the rest: NATS both ways, validation, prompt building and parsing. A bare NATS
 * request-reply at the same rate is the floor.
 */
export async function benchAiOverhead(scale: number): Promise<AiOverheadResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sb-bench-ai-'));
  const nats = await startNatsServer({ dataDir });
  const logger = pino({ level: 'silent' });
  const bus = await connectBus({ servers: nats.url, name: 'bench-ai', logger });
  const server = await startModelServer();
  const rate = 500;
  const requests = 2_000 * scale;
  const tenantId = randomUUID();
  const modelMs = new Map<string, number>();
  const sdk = new OpenAiProvider({ apiKey: 'sk-bench', baseURL: server.baseURL, model: 'bench-model', maxRetries: 0 });
  // The same provider, timed: each call's duration is kept under the question it answers.
  const timed: LlmProvider = {
    id: sdk.id,
    chat: async (request, options) => {
      const started = performance.now();
      const result = await sdk.chat(request, options);
      const question = request.messages.at(-1)?.content;
      if (typeof question === 'string') modelMs.set(question, performance.now() - started);
      return result;
    },
    chatStream: async function* (request, options) {
      const started = performance.now();
      yield* sdk.chatStream(request, options);
      const question = request.messages.at(-1)?.content;
      if (typeof question === 'string') modelMs.set(question, performance.now() - started);
    },
    embed: (texts, options) => sdk.embed(texts, options),
  };
  const actor = startAiActor(bus, async () => defaultResponderSettings, { provider: timed, timeoutMs: 10_000, logger });
  const echo = bus.serve(subjects.all.requests('echo'), schemas, async () => ({ intent: 'reply' as const, confidence: 1, reply: 'ok', actions: [], source: 'echo' }));
  const request = (index: number, question: string): Request => ({
    tenantId, conversationId: randomUUID(), messageId: `bench-${index}`, text: question, history: [], isFirstMessage: false,
  });

  async function openLoop(kind: 'ai' | 'echo', count: number): Promise<Map<string, number>> {
    const totals = new Map<string, number>();
    let answered = 0;
    // Latency counts from the intended send time (open loop), known before the loop returns.
    const startedAt = performance.now();
    const intendedAt = (index: number) => startedAt + (index * 1000) / rate;
    const run = await runOpenLoop(rate, count, 60_000, (index) => {
      const question = `Do you ship order ${kind}-${index} to Casablanca?`;
      void bus.request(subjects.request(kind, tenantId), schemas, request(index, question), { timeoutMs: 15_000 })
        .then(() => totals.set(question, performance.now() - intendedAt(index)))
        .finally(() => { answered += 1; });
    });
    await waitUntil(() => answered >= run.fired, 30_000);
    return totals;
  }

  try {
    // Warm both paths (JIT, connection pools, the SDK's keep-alive socket) before measuring.
    await openLoop('ai', 500);
    await openLoop('echo', 500);
    modelMs.clear();
    const totals = await openLoop('ai', requests);
    const floor = await openLoop('echo', requests);
    const overhead: number[] = [];
    for (const [question, total] of totals) {
      const model = modelMs.get(question);
      if (model !== undefined) overhead.push(total - model);
    }
    const result = {
      rate,
      requests: totals.size,
      overhead: summarizeLatencies(overhead),
      total: summarizeLatencies([...totals.values()]),
      model: summarizeLatencies([...modelMs.values()]),
      rawRequestReply: summarizeLatencies([...floor.values()]),
    };
    process.stdout.write(`\nAI actor overhead at ${rate} requests/s (${result.requests} requests; local model server answering at once)\n`);
    process.stdout.write(`  raw NATS request-reply (floor)  ${formatLatencies(result.rawRequestReply)}\n`);
    process.stdout.write(`  model call (openai SDK)         ${formatLatencies(result.model)}\n`);
    process.stdout.write(`  whole AI request                ${formatLatencies(result.total)}\n`);
    process.stdout.write(`  AI actor overhead               ${formatLatencies(result.overhead)}   (target p50 ≤ 1 ms, p99 ≤ 5 ms)\n`);
    return result;
  } finally {
    await actor.stop();
    await echo.stop();
    await bus.close();
    await server.stop();
    await nats.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
