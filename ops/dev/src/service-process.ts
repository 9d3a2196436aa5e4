import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { stripVTControlCharacters } from 'node:util';
import { signalOnExit } from './exit-cleanup.ts';
import type { ServiceLogger } from './service-logger.ts';

const OUTPUT_TAIL_CHARS = 4_000;

/** A server spawned as a child of this process (nats-server, the Chroma CLI). */
export interface ServiceProcess {
  readonly pid: number;
  /** The last few kilobytes of the server's stdout and stderr, for error messages. */
  output(): string;
  /** Set once the process has exited, describing how. */
  exitReason(): string | undefined;
  /** From now on an exit not asked for by `stop()` is logged as an error. */
  markReady(): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnServiceOptions {
  logger: ServiceLogger;
  env?: NodeJS.ProcessEnv;
}

/**
 * Spawns `command` as a long-running server. Once `markReady()` has been called, an exit
 * that `stop()` did not ask for is logged as an error with the server's last output (before
 * that, the starter reports the failure itself).
 */
export async function spawnServiceProcess(
  name: string,
  command: string,
  args: readonly string[],
  options: SpawnServiceOptions,
): Promise<ServiceProcess> {
  const { logger, env = process.env } = options;
  // Its own process group: a Ctrl-C in the terminal reaches only our process, which stops the
  // roles and drains the bus first, then stops this server in order.
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env, detached: true });
  let tail = '';
  const record = (chunk: Buffer): void => {
    tail = (tail + stripVTControlCharacters(chunk.toString('utf8'))).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', record);
  child.stderr?.on('data', record);

  if (child.pid === undefined) {
    const [error] = (await once(child, 'error')) as [Error];
    throw new Error(`${name}: could not run ${command}: ${error.message}`, { cause: error });
  }
  const pid = child.pid;
  const forgetOnExit = signalOnExit(pid, 'SIGTERM');

  let exitReason: string | undefined;
  let stopping = false;
  let ready = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitReason = signal ? `killed by ${signal}` : `exited with code ${code}`;
      forgetOnExit();
      if (ready && !stopping) logger.error(`${name} (pid ${pid}) ${exitReason}; last output:\n${tail.trim()}`);
      resolve();
    });
  });

  return {
    pid,
    output: () => tail.trim(),
    exitReason: () => exitReason,
    markReady: () => {
      ready = true;
    },
    async stop(graceMs = 5_000) {
      if (exitReason !== undefined) return;
      stopping = true;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
