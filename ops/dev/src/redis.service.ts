import { mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import type { RunningService } from './running-service.ts';
import { quietLogger, type ServiceLogger } from './service-logger.ts';
import { spawnServiceProcess, type ServiceProcess } from './service-process.ts';
import { waitFor } from './wait-for.ts';

export const REDIS_INSTALL_HINT = 'install it with: sudo apt-get install -y redis-server';

export interface RedisServiceOptions {
  /** Redis's working directory is `<dataDir>/redis`; nothing is persisted there. */
  dataDir?: string;
  /** Defaults to a free port chosen by the OS. */
  port?: number;
  logger?: ServiceLogger;
  /** Defaults to `redis-server` on the PATH (Debian's package). */
  binary?: string;
}

/**
 * Starts a throwaway `redis-server` on 127.0.0.1 with persistence off (no RDB snapshots, no
 * AOF) and resolves once it answers PING. For tests and multi-hub trials; production points
 * `REDIS_URL` at a managed Redis.
 */
export async function startRedis(options: RedisServiceOptions = {}): Promise<RunningService> {
  const { logger = quietLogger, binary = 'redis-server' } = options;
  const host = '127.0.0.1';
  const port = options.port ?? (await freePort(host));
  const args = ['--port', String(port), '--bind', host, '--save', '', '--appendonly', 'no'];
  if (options.dataDir !== undefined) {
    const dir = join(options.dataDir, 'redis');
    await mkdir(dir, { recursive: true });
    args.push('--dir', dir);
  }

  let server: ServiceProcess;
  try {
    server = await spawnServiceProcess('redis-server', binary, args, { logger });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message}; ${REDIS_INSTALL_HINT}`, { cause: error });
  }
  try {
    // PING, not just an open port: another process holding the port does not pass.
    await waitFor(() => answersPing(host, port), {
      description: `redis-server on ${host}:${port}`,
      abortIf: () => {
        const reason = server.exitReason();
        return reason ? new Error(`redis-server ${reason}`) : undefined;
      },
    });
  } catch (error) {
    await server.stop();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`redis-server did not start on ${host}:${port}: ${message}\n${server.output()}`, { cause: error });
  }

  server.markReady();
  const url = `redis://${host}:${port}`;
  logger.info(`redis-server ready at ${url} (pid ${server.pid})`);
  return { name: 'redis', url, pid: server.pid, port, stop: () => server.stop() };
}

/** Whether a Redis server on `host:port` answers an inline `PING` with `+PONG`. */
function answersPing(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let received = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
      if (received.includes('\r\n')) done(received.startsWith('+PONG'));
    });
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}
