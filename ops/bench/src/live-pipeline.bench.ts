import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { createEnvelope } from '@switchboard/bus';
import { benchText, ConsoleWatch } from './console-watch.ts';
import { LiveStack } from './live-stack.ts';
import { formatBytes, formatCount } from './measure.ts';
import { printConnections, printLatency, printRunnerActors, printThroughput } from './live-report.ts';
import { benchLatency, benchThroughput, settle, warmUp, type LatencyResult, type PipelineDriver, type ThroughputResult } from './pipeline.bench.ts';
import { CpuMeter } from './process-cpu.ts';
import { openRawJetStream, type RawJetStream } from './raw-jetstream.ts';
import { benchRunnerActors, type RunnerActorsResult } from './runner-actors.bench.ts';
import { closeAll, openMany, openSocket } from './socket-clients.ts';
import { benchWidgetConnections, type ConnectionsResult } from './widget-connections.bench.ts';

export interface LivePipelineResults {
  throughput: ThroughputResult;
  latency: LatencyResult;
  /** The same at a rate the pipeline sustains here: the latency of one message, not of a queue. */
  lightLatency: LatencyResult;
  connections: ConnectionsResult;
  actors: RunnerActorsResult;
}

/** The bytes the hub publishes for one widget message: the raw baselines send as many. */
function widgetMessagePayload(tenantId: string): Uint8Array {
  const visitorId = 'bench-visitor-000000';
  const envelope = createEnvelope('inbound.message', tenantId, {
    channelId: randomUUID(),
    channelType: 'webchat',
    externalMessageId: `w:${visitorId}:bench-t-0000000`,
    externalChatId: visitorId,
    contact: { externalId: visitorId },
    text: benchText('t', 1_000),
    attachments: [],
    isGroup: false,
    sentAt: new Date().toISOString(),
  });
  return new TextEncoder().encode(JSON.stringify(envelope));
}

/**
 * The live pipeline end to end: widget sockets → hub → `SB_INBOUND` → runner (conversation
 * actor, PostgreSQL, AI actor) → `SB_EVENTS` → hub → the console socket. The product runs in a
 * server process of its own (hub, runner and webchat connector, as `npm start` runs them) on a
 * nats-server and PostgreSQL of its own; the clients run here. Figures are printed as each
 * phase ends; every phase is bounded in count and time, and everything is torn down after.
 */
export async function benchLivePipeline(scale: number, options: { profileDir?: string | undefined } = {}): Promise<LivePipelineResults> {
  const visitorCount = 200;
  process.stdout.write(`\nLive pipeline: starting nats-server, PostgreSQL and the product in a server process...\n`);
  const stack = await LiveStack.start(options.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`]);
  const open = new Set<Socket>();
  let raw: RawJetStream | undefined;
  try {
    // First, on a fresh server process, so its RSS is not already inflated by the load phases.
    const connections = await benchWidgetConnections(stack.server, stack.workspace.widgetKey, 2_000 * scale);
    for (const socket of connections.sockets) open.add(socket);
    printConnections(connections);

    const consoleSocket = await openSocket(stack.url, '/console', { token: stack.workspace.token });
    open.add(consoleSocket);
    const watch = new ConsoleWatch(consoleSocket);
    const visitors = await openMany(visitorCount, 50, (i) => openSocket(stack.url, '/widget', { key: stack.workspace.widgetKey, visitorId: `bench-visitor-${String(i).padStart(6, '0')}` }, 'session.ready'));
    for (const socket of visitors.sockets) open.add(socket);
    if (visitors.failures.size > 0) throw new Error(`visitors could not connect: ${[...visitors.failures].map(([why, n]) => `${why} ×${n}`).join(', ')}`);
    raw = await openRawJetStream(stack.nats.url, widgetMessagePayload(stack.workspace.tenantId));
    const driver: PipelineDriver = {
      visitors: visitors.sockets,
      watch,
      raw,
      cpu: () => new CpuMeter({
        bench: { pid: process.pid },
        server: { pid: stack.server.pid },
        nats: { pid: stack.nats.pid },
        postgres: { pid: stack.postgres.pid, tree: true },
      }),
      commits: async () => (await stack.sql<{ commits: number }>('select xact_commit::float8 as commits from pg_stat_database where datname = current_database()'))[0]?.commits ?? 0,
    };
    process.stdout.write(`\n${visitorCount} visitors and one console connected (the ${formatCount(connections.live.held)} idle connections stay open); warming up, one conversation per visitor\n`);
    await warmUp(driver);
    await settle(raw);
    const before = await stack.server.memory();

    const throughput = await benchThroughput(driver, 5_000 * scale, 2, 1_000, 15 * scale);
    printThroughput(throughput, visitorCount);
    await settle(raw);

    const latency = await benchLatency(driver, 1_000, 10 * scale);
    printLatency(latency);
    await settle(raw);
    const lightLatency = await benchLatency(driver, 100, 5 * scale, 'm');
    printLatency(lightLatency);
    await settle(raw);
    const after = await stack.server.memory();
    process.stdout.write(`  server process over both: heap ${formatBytes(before.heapUsed)} → ${formatBytes(after.heapUsed)}, RSS ${formatBytes(before.rss)} → ${formatBytes(after.rss)} (after forced GC)\n`);

    const actors = await benchRunnerActors(stack, watch, connections.sockets);
    printRunnerActors(actors);
    return { throughput, latency, lightLatency, connections, actors };
  } finally {
    closeAll(open);
    await raw?.close().catch(() => undefined);
    await stack.close();
  }
}
