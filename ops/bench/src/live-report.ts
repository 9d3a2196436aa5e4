import type { ActorMemoryResult } from './actor-memory.bench.ts';
import { formatBytes, formatCount, formatLatencies } from './measure.ts';
import type { LatencyResult, ThroughputResult } from './pipeline.bench.ts';
import { describeCores } from './process-cpu.ts';
import type { RunnerActorsResult } from './runner-actors.bench.ts';
import type { ConnectionsResult, HeldConnections } from './widget-connections.bench.ts';

const out = (line = '') => process.stdout.write(`${line}\n`);
const refusals = (refused: Map<string, number>) => (refused.size === 0 ? 'none' : [...refused].map(([code, n]) => `${code} ×${n}`).join(', '));

/** The issue's targets, printed beside the figures; they are not assertions. */
export const targets = {
  messagesPerSecond: 5_000,
  p99Ms: 25,
  bytesPerIdleActor: 4 * 1024,
  connectionsPerHub: 20_000,
} as const;

export function printThroughput(r: ThroughputResult, visitors: number): void {
  out(`\nPipeline throughput at saturation: ${formatCount(r.sent)} widget messages from ${visitors} visitors, ${r.inFlight} acks outstanding, at most ${formatCount(r.window)} unseen by the console`);
  out(`  widget message.send → console message.created   ${formatCount(r.perSecond).padStart(7)} msg/s  (${formatCount(r.delivered)} of ${formatCount(r.sent)} seen; refused: ${refusals(r.refused)})`);
  out(`  hub acks (accepted onto SB_INBOUND)              ${formatCount(r.acceptedPerSecond).padStart(7)} msg/s`);
  out(`  raw JetStream publish + consume + ack            ${formatCount(r.raw.perSecond).padStart(7)} msg/s  baseline, same count and in-flight, same nats-server`);
  out(`  pipeline / raw: ${((r.perSecond / r.raw.perSecond) * 100).toFixed(1)}%; each customer message cost ${r.streamMessagesPerMessage.toFixed(1)} messages in the SB_* streams (plus the AI request/reply) and ${r.commitsPerMessage.toFixed(1)} database transactions`);
  out(`  CPU in cores while the pipeline ran: ${describeCores(r.cores)}`);
}

export function printLatency(r: LatencyResult): void {
  out(`\nPipeline latency at a fixed ${formatCount(r.rate)} msg/s (open loop, timed from each message's intended send time)`);
  if (r.fellBehind !== undefined) out(`  NOT SUSTAINED: the console fell ${formatCount(r.fellBehind)} messages behind, so the schedule stopped after ${r.firedSeconds.toFixed(1)} s`);
  out(`  sent ${formatCount(r.fired)} at ${formatCount(r.firedPerSecond)} msg/s; the console saw ${formatCount(r.delivered)} at ${formatCount(r.deliveredPerSecond)} msg/s; refused: ${refusals(r.refused)}`);
  out(`  widget message.send → console message.created   ${formatLatencies(r.summary)}`);
  out(`  raw JetStream publish → consume (baseline)       ${formatLatencies(r.raw.summary)}  (${formatCount(r.raw.received)} of ${formatCount(r.raw.fired)})`);
  out(`  CPU in cores while the pipeline ran: ${describeCores(r.cores)}`);
}

function connectionRow(label: string, held: HeldConnections): string {
  const failures = held.failures.size === 0 ? '' : `; failed: ${[...held.failures].map(([why, n]) => `${why} ×${n}`).join(', ')}`;
  return `  ${label.padEnd(34)} ${formatCount(held.held)} of ${formatCount(held.attempted)} held, ${formatCount(held.perSecond)}/s; per connection: RSS ${formatBytes(held.rssPerConnection)}, heap ${formatBytes(held.heapPerConnection)}, heap + external ${formatBytes(held.heapAndExternalPerConnection)}${failures}`;
}

export function printConnections(r: ConnectionsResult): void {
  out('\nIdle widget connections held by one server process (its memory after forced GC, before and after opening them)');
  out(connectionRow('hub (handshake + session.ready)', r.live));
  out(connectionRow('bare Socket.IO (baseline)', r.bare));
  out(`  hub process: RSS ${formatBytes(r.live.before.rss)} → ${formatBytes(r.live.after.rss)}, heap ${formatBytes(r.live.before.heapUsed)} → ${formatBytes(r.live.after.heapUsed)}`);
}

export function printRunnerActors(r: RunnerActorsResult): void {
  out(`\nConversation actors in the live runner (${formatCount(r.started)} new conversations, ${formatCount(r.answered)} answered by the bot, then idle)`);
  out(`  hot idle actor: ${formatBytes(r.heapPerActor)} of heap each (${formatCount(r.liveActors)} live actors dropped at once, heap freed / count)`);
  out(`  passivated: stored snapshot ${formatBytes(r.stored.averageTextBytes)} as text on average (max ${formatBytes(r.stored.maxTextBytes)}), ${formatBytes(r.stored.averageColumnBytes)} as stored jsonb, over ${formatCount(r.stored.conversations)} conversations`);
}

/** One table: each live figure, the raw cost of the same work from the same run, and the issue's target. */
export function printSummary(t: ThroughputResult, latencies: readonly LatencyResult[], c: ConnectionsResult, a: RunnerActorsResult, m: ActorMemoryResult): void {
  const projected = c.live.before.rss + targets.connectionsPerHub * c.live.rssPerConnection;
  const rows: Array<[string, string, string, string]> = [
    ['figure', 'measured', 'raw cost of the same work, same run', 'target'],
    ['throughput, send → console', `${formatCount(t.perSecond)} msg/s`, `JetStream pub+consume+ack ${formatCount(t.raw.perSecond)} msg/s (pipeline ${((t.perSecond / t.raw.perSecond) * 100).toFixed(0)}%)`, `${formatCount(targets.messagesPerSecond)} msg/s sustained`],
    ...latencies.flatMap((l): Array<[string, string, string, string]> => [
      [`latency at ${formatCount(l.rate)} msg/s`, `p50 ${l.summary.p50.toFixed(1)} / p95 ${l.summary.p95.toFixed(1)} / p99 ${l.summary.p99.toFixed(1)} ms`, `JetStream p50 ${l.raw.summary.p50.toFixed(1)} / p99 ${l.raw.summary.p99.toFixed(1)} ms`, `p99 < ${targets.p99Ms} ms at 1,000 msg/s`],
      ['  achieved rate', `${formatCount(l.deliveredPerSecond)} msg/s seen${l.fellBehind === undefined ? '' : ', NOT SUSTAINED'}`, `${formatCount(l.firedPerSecond)} msg/s sent for ${l.firedSeconds.toFixed(1)} s`, ''],
    ]),
    ['hot idle actor (runner)', `${formatBytes(a.heapPerActor)} heap`, `new actor in-process ${formatBytes(m.freshPerActor)}${m.restoredPerActor === undefined ? '' : `, woken ${formatBytes(m.restoredPerActor)}`}`, `< ${formatBytes(targets.bytesPerIdleActor)}`],
    ['passivated actor (database)', `${formatBytes(a.stored.averageTextBytes)} (jsonb ${formatBytes(a.stored.averageColumnBytes)})`, `new actor's snapshot ${formatBytes(m.freshSnapshotBytes)}`, ''],
    ['widget connections, 1 hub', `${formatCount(c.live.held)} held, ${formatBytes(c.live.rssPerConnection)} RSS each`, `bare Socket.IO ${formatBytes(c.bare.rssPerConnection)} RSS each`, `${formatCount(targets.connectionsPerHub)} per hub`],
    ['  at 20,000 (linear)', `≈ ${formatBytes(projected)} RSS`, '', ''],
  ];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  out('\nLive pipeline against the issue\'s targets (figures, not assertions)');
  for (const row of rows) out(`  ${row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ')}`.trimEnd());
}
