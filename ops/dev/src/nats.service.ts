import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { resolveNatsServer } from './nats-binary.ts';
import type { RunningService } from './running-service.ts';
import { quietLogger, type ServiceLogger } from './service-logger.ts';
import { spawnServiceProcess } from './service-process.ts';
import { greetsWith, waitFor } from './wait-for.ts';

export interface NatsServerOptions {
  /** JetStream keeps its streams in `<dataDir>/nats`. */
  dataDir: string;
  /** Defaults to a free port chosen by the OS. */
  port?: number;
  /** The address to bind; defaults to 127.0.0.1. */
  host?: string;
  logger?: ServiceLogger;
}

/** A running nats-server that can be restarted on the same port and data. */
export interface RunningNatsServer extends RunningService {
  /** Stops this server and starts a new one on the same port and data directory. */
  restart(): Promise<RunningNatsServer>;
}

/**
 * Starts `nats-server` with JetStream, storing its data under `<dataDir>/nats`, and resolves
 * once it greets clients on its port.
 */
export async function startNatsServer(options: NatsServerOptions): Promise<RunningNatsServer> {
  const { dataDir, host = '127.0.0.1', logger = quietLogger } = options;
  const binary = await resolveNatsServer({ logger });
  const storeDir = join(dataDir, 'nats');
  await mkdir(storeDir, { recursive: true });
  const port = options.port ?? (await freePort(host));

  const server = await spawnServiceProcess(
    'nats-server',
    binary,
    ['-js', '-a', host, '-p', String(port), '-sd', storeDir],
    { logger },
  );
  try {
    // Probing for the INFO greeting, not just an open port, rules out another process holding it.
    await waitFor(() => greetsWith(host, port, 'INFO '), {
      description: `nats-server on ${host}:${port}`,
      abortIf: () => {
        const reason = server.exitReason();
        return reason ? new Error(`nats-server ${reason}`) : undefined;
      },
    });
  } catch (error) {
    await server.stop();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`nats-server did not start on ${host}:${port}: ${message}\n${server.output()}`, {
      cause: error,
    });
  }

  server.markReady();
  const url = `nats://${host}:${port}`;
  logger.info(`nats-server ready at ${url} (pid ${server.pid}, data ${storeDir})`);
  const running: RunningNatsServer = {
    name: 'nats',
    url,
    pid: server.pid,
    port,
    stop: () => server.stop(),
    async restart() {
      await server.stop();
      return startNatsServer({ ...options, port });
    },
  };
  return running;
}
