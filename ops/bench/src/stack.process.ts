import { createServer } from 'node:http';
import { pino, type Logger } from 'pino';
import { Server } from 'socket.io';
import { startAiActor, startDeliveryPipeline, startInboundPipeline, tenantSettingsSource, type InboundPipeline } from '@switchboard/actors';
import { connectBus } from '@switchboard/bus';
import { startOutboundDispatcher } from '@switchboard/connectors';
import { openDatabase } from '@switchboard/db';
import { build } from '@switchboard/hub';
import { createMailer } from '@switchboard/mail';
import { deriveKeys } from '@switchboard/security';
import { isStackRequest, type ProcessMemory, type StackConfig, type StackReply } from './stack-protocol.ts';

/**
 * The server side of the live benchmarks, in a process of its own so that the load the bench
 * process generates and the memory and CPU the server spends are measured apart. Spawned by
 * `stack-process.ts` with `--expose-gc --import tsx`; talks over the IPC channel only and
 * exits when that channel closes, so it cannot outlive the bench.
 */

interface Running {
  url: string;
  runner?: InboundPipeline;
  close(): Promise<void>;
}

const unlimited = { limit: 1_000_000_000, windowMs: 60_000 };

function send(reply: StackReply): void {
  process.send?.(reply);
}

function memory(runner: InboundPipeline | undefined): ProcessMemory {
  globalThis.gc?.();
  globalThis.gc?.();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  const cpu = process.cpuUsage();
  return { rss, heapUsed, external, arrayBuffers, cpuSeconds: (cpu.user + cpu.system) / 1e6, liveActors: runner?.host.liveCount ?? 0 };
}

/** Socket.IO with the hub's settings and a `/widget` namespace that admits everyone: what a connection costs before the product adds to it. */
async function startBare(): Promise<Running> {
  const server = createServer();
  const io = new Server(server, { transports: ['websocket', 'polling'], cors: { origin: true, credentials: false }, pingInterval: 25_000, pingTimeout: 20_000, maxHttpBufferSize: 64 * 1024 });
  io.of('/widget').on('connection', (socket) => {
    const auth = socket.handshake.auth as { visitorId?: unknown };
    void socket.join(`visitor:bare:${String(auth.visitorId)}`);
    socket.emit('session.ready', { messages: [] });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      io.disconnectSockets(true);
      await io.close();
    },
  };
}

/** The whole product as `npm start` runs it (hub, runner, connector on one set of connections), limits raised for one address. */
async function startLive(config: Extract<StackConfig, { mode: 'live' }>, logger: Logger): Promise<Running> {
  const bus = await connectBus({ servers: config.natsUrl, name: 'bench-stack', logger });
  const { orm } = await openDatabase({ databaseUrl: config.databaseUrl, appRolePassword: deriveKeys(config.secretKey).databaseAppPassword, logger });
  const mailer = createMailer({ from: 'Switchboard <no-reply@switchboard.test>', outboxDir: config.outboxDir, logger });
  const settingsFor = tenantSettingsSource(orm);
  const ai = startAiActor(bus, async (tenantId) => (await settingsFor(tenantId)).responder);
  const runner = await startInboundPipeline({ bus, orm, logger, settingsFor });
  const deliveries = await startDeliveryPipeline(bus, orm);
  // The connector role as it runs today: no channel sessions (the widget's replies go through the hub).
  const outbound = await startOutboundDispatcher({ bus, logger, durable: 'connector-outbound', connectorFor: () => undefined });
  const app = await build({
    logger,
    // Chroma is not on the message path; readiness probes are not benchmarked.
    infrastructure: { bus, orm, chromaUrl: 'http://127.0.0.1:9' },
    probes: [],
    publicUrl: 'http://127.0.0.1',
    secretKey: config.secretKey,
    mailer,
    apiPerIpLimit: unlimited,
    // Every bench client comes from 127.0.0.1: per-address limits would measure the limiter.
    widgetLimits: { connectionsPerIp: unlimited, messagesPerVisitor: unlimited, conversationsPerIp: unlimited },
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    runner,
    close: async () => {
      await app.close();
      await outbound.stop();
      await runner.stop();
      await deliveries.stop();
      await ai.stop();
      await mailer.close();
      await bus.close();
      await orm.close();
    },
  };
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{"mode":"bare"}') as StackConfig;
  const logger = pino({ level: 'error' }, pino.destination(2));
  let running: Running | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await running?.close().catch((error: unknown) => logger.error({ err: error }, 'bench stack did not close cleanly'));
      send({ type: 'stopped' });
      process.disconnect?.();
      // Sockets and pools closed above; anything left must not keep the process alive.
      setTimeout(() => process.exit(0), 200).unref();
    })();
    return stopping;
  };
  process.on('disconnect', () => void stop());
  process.on('message', (message: unknown) => {
    if (!isStackRequest(message)) return;
    switch (message.type) {
      case 'memory':
        send({ type: 'memory', memory: memory(running?.runner) });
        return;
      case 'passivate': {
        const { runner } = running ?? {};
        const before = memory(runner);
        void (runner?.host.stop() ?? Promise.resolve()).then(() => {
          send({ type: 'passivated', actors: before.liveActors, heapBefore: before.heapUsed, heapAfter: memory(runner).heapUsed });
        });
        return;
      }
      case 'stop':
        void stop();
        return;
    }
  });
  try {
    running = config.mode === 'live' ? await startLive(config, logger) : await startBare();
    send({ type: 'ready', url: running.url });
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? error.stack ?? error.message : String(error) });
    await stop();
  }
}

await main();
