import type { Socket } from 'socket.io-client';
import type { ConsoleWatch } from './console-watch.ts';
import { benchText } from './console-watch.ts';
import { summarizeLatencies, type LatencySummary } from './measure.ts';
import { runOpenLoop, waitUntil } from './open-loop.ts';
import type { CpuMeter } from './process-cpu.ts';
import type { RawJetStream } from './raw-jetstream.ts';
import { ackError } from './socket-clients.ts';

/** What the pipeline benchmarks drive and read. */
export interface PipelineDriver {
  visitors: Socket[];
  watch: ConsoleWatch;
  raw: RawJetStream;
  /** A CPU meter over the bench, server, nats-server and PostgreSQL processes. */
  cpu(): CpuMeter;
  /** Transactions committed in the product's database so far. */
  commits(): Promise<number>;
}

export interface ThroughputResult {
  /** Most messages sent but not yet seen by the console at once. */
  window: number;
  sent: number;
  delivered: number;
  /** Messages/second from the first send to the console seeing the last one. */
  perSecond: number;
  /** Messages/second the hub acknowledged (accepted onto `SB_INBOUND`). */
  acceptedPerSecond: number;
  inFlight: number;
  refused: Map<string, number>;
  cores: Record<string, number>;
  /** Messages stored in the `SB_*` streams per customer message. */
  streamMessagesPerMessage: number;
  /** Database transactions committed per customer message (every writer: hub, runner, connector). */
  commitsPerMessage: number;
  raw: { perSecond: number };
}

export interface LatencyResult {
  rate: number;
  fired: number;
  firedSeconds: number;
  firedPerSecond: number;
  delivered: number;
  deliveredPerSecond: number;
  refused: Map<string, number>;
  /** Set when the schedule was cut short because the console fell this many messages behind. */
  fellBehind: number | undefined;
  summary: LatencySummary;
  cores: Record<string, number>;
  raw: { summary: LatencySummary; received: number; fired: number };
}

const clientId = (phase: string, i: number) => `bench-${phase}-${String(i).padStart(7, '0')}`;
const countOf = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);

/** Waits until the pipeline stops publishing (the bot's replies and delivery reports of the last messages), at most 30 s. */
export async function settle(raw: RawJetStream): Promise<void> {
  let last = -1;
  let still = 0;
  for (let i = 0; i < 120 && still < 2; i++) {
    const now = await raw.productMessages();
    still = now === last ? still + 1 : 0;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Each visitor sends one message and the console sees them all: conversations exist before anything is timed. */
export async function warmUp(driver: PipelineDriver): Promise<void> {
  const { visitors, watch } = driver;
  const phase = watch.expect('w', visitors.length);
  await Promise.all(visitors.map((socket, i) => socket.timeout(30_000).emitWithAck('message.send', { text: benchText('w', i), clientId: clientId('w', i) })));
  if (!(await waitUntil(() => phase.seen >= visitors.length && watch.answeredIn('w') >= phase.conversations.size, 60_000))) {
    throw new Error(`warm-up: the console saw ${phase.seen} of ${visitors.length} messages within 60 s`);
  }
}

const sumOf = (counts: Map<string, number>) => [...counts.values()].reduce((sum, n) => sum + n, 0);

/**
 * Saturation: every visitor keeps `inFlightPerSocket` `message.send`s outstanding (the next goes
 * when an ack comes back) until `total` are sent or `seconds` passed. The hub acks once the
 * message is on `SB_INBOUND`, long before the runner has handled it, so sending also pauses
 * while `window` messages are unseen by the console: the backlog stays bounded and the figure
 * is what the whole pipeline sustains, from the first send to the console's `message.created`
 * of the last. Compared with raw JetStream publish + consume + ack of as many same-sized
 * messages with as many in flight, on the same nats-server.
 */
export async function benchThroughput(driver: PipelineDriver, total: number, inFlightPerSocket: number, window: number, seconds: number): Promise<ThroughputResult> {
  const { visitors, watch, raw } = driver;
  const phase = watch.expect('t', total);
  const refused = new Map<string, number>();
  const storedBefore = await raw.productMessages();
  const commitsBefore = await driver.commits();
  const meter = driver.cpu();
  meter.start();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let next = 0;
  const lanes = visitors.flatMap((socket) => Array.from({ length: inFlightPerSocket }, () => socket));
  await Promise.all(lanes.map(async (socket) => {
    while (next < total && performance.now() < deadline) {
      if (next - sumOf(refused) - phase.seen >= window) {
        await new Promise((resolve) => setTimeout(resolve, 2));
        continue;
      }
      const i = next++;
      try {
        const code = ackError(await socket.timeout(30_000).emitWithAck('message.send', { text: benchText('t', i), clientId: clientId('t', i) }));
        if (code) countOf(refused, code);
      } catch {
        countOf(refused, 'no ack within 30 s');
      }
    }
  }));
  const acceptedSeconds = (performance.now() - started) / 1000;
  const accepted = next - sumOf(refused);
  await waitUntil(() => phase.seen >= accepted, 60_000);
  const cores = meter.stop();
  const lastSeen = phase.seenAt.reduce((latest, at) => Math.max(latest, at), started);
  await settle(raw);
  const storedAfter = await raw.productMessages();
  const commitsAfter = await driver.commits();
  const rawRun = await raw.throughput(total, lanes.length);
  return {
    window,
    sent: next,
    delivered: phase.seen,
    perSecond: phase.seen / ((lastSeen - started) / 1000),
    acceptedPerSecond: accepted / acceptedSeconds,
    inFlight: lanes.length,
    refused,
    cores,
    streamMessagesPerMessage: (storedAfter - storedBefore) / Math.max(1, phase.seen),
    commitsPerMessage: (commitsAfter - commitsBefore) / Math.max(1, phase.seen),
    raw: { perSecond: rawRun.perSecond },
  };
}

/**
 * Latency at a fixed arrival rate: `message.send`s go out on an open-loop schedule (round robin
 * over the visitors, never waiting for acks), and each is timed from its intended send time to
 * the console's `message.created`, so queueing behind a slow pipeline counts. A pipeline that
 * falls two seconds' worth of messages behind cannot sustain the rate: the schedule stops there
 * (rather than queue minutes of backlog) and says so. Then raw JetStream publish → consume on
 * the same schedule, as many messages.
 */
export async function benchLatency(driver: PipelineDriver, rate: number, seconds: number, label = 'l'): Promise<LatencyResult> {
  const { visitors, watch, raw } = driver;
  const count = Math.round(rate * seconds);
  const phase = watch.expect(label, count);
  const refused = new Map<string, number>();
  const meter = driver.cpu();
  meter.start();
  const behindLimit = rate * 2;
  let fellBehind: number | undefined;
  const run = await runOpenLoop(rate, count, seconds * 1000 + 5_000, (i) => {
    const behind = i - phase.seen - sumOf(refused);
    if (behind >= behindLimit) {
      fellBehind ??= behind;
      return false;
    }
    const socket = visitors[i % visitors.length];
    socket?.timeout(30_000).emit('message.send', { text: benchText(label, i), clientId: clientId(label, i) }, (error: unknown, answer: unknown) => {
      const code = error ? 'no ack within 30 s' : ackError(answer);
      if (code) countOf(refused, code);
    });
    return true;
  });
  await waitUntil(() => phase.seen + sumOf(refused) >= run.fired, 60_000);
  const cores = meter.stop();
  const latencies: number[] = [];
  let lastSeen = run.startedAt;
  for (let i = 0; i < run.fired; i++) {
    const at = phase.seenAt[i] ?? 0;
    if (at === 0) continue;
    latencies.push(at - run.intendedAt(i));
    lastSeen = Math.max(lastSeen, at);
  }
  await settle(raw);
  const rawRun = await raw.latency(rate, run.fired);
  return {
    rate,
    fired: run.fired,
    firedSeconds: run.firedSeconds,
    firedPerSecond: run.fired / run.firedSeconds,
    delivered: phase.seen,
    deliveredPerSecond: phase.seen / ((lastSeen - run.startedAt) / 1000),
    refused,
    fellBehind,
    summary: summarizeLatencies(latencies),
    cores,
    raw: { summary: rawRun.summary, received: rawRun.received, fired: rawRun.fired },
  };
}
