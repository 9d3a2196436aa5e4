import { access, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort } from './free-port.ts';
import type { RunningService } from './running-service.ts';
import { quietLogger, type ServiceLogger } from './service-logger.ts';
import { spawnServiceProcess } from './service-process.ts';
import { answersHttpOk, waitFor } from './wait-for.ts';

export interface ChromaServiceOptions {
  /** Chroma keeps its SQLite file and segments in `<dataDir>/chroma`. */
  dataDir: string;
  /** Defaults to a free port chosen by the OS. */
  port?: number;
  logger?: ServiceLogger;
}

/**
 * Starts the Chroma server bundled with the `chromadb` package (its CLI runs the Rust server
 * in-process under Node) and resolves once `GET /api/v2/heartbeat` answers 200 with Chroma's
 * `{"nanosecond heartbeat": ...}`.
 */
export async function startChroma(options: ChromaServiceOptions): Promise<RunningService> {
  const { dataDir, logger = quietLogger } = options;
  const path = join(dataDir, 'chroma');
  await mkdir(path, { recursive: true });
  const cli = await chromaCliPath();
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;

  const server = await spawnServiceProcess(
    'chroma',
    process.execPath,
    [cli, 'run', '--path', path, '--host', '127.0.0.1', '--port', String(port)],
    { logger },
  );
  try {
    await waitFor(() => answersHttpOk(`${url}/api/v2/heartbeat`, 'nanosecond heartbeat'), {
      description: `Chroma heartbeat at ${url}`,
      timeoutMs: 30_000,
      abortIf: () => {
        const reason = server.exitReason();
        return reason ? new Error(`chroma ${reason}`) : undefined;
      },
    });
  } catch (error) {
    await server.stop();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`Chroma did not start on 127.0.0.1:${port}: ${message}\n${server.output()}`, { cause: error });
  }

  server.markReady();
  logger.info(`Chroma ready at ${url} (pid ${server.pid}, data ${path})`);
  return { name: 'chroma', url, pid: server.pid, port, stop: () => server.stop() };
}

/** `chromadb/dist/cli.mjs`; the package's exports map hides it, so go from its main entry. */
async function chromaCliPath(): Promise<string> {
  // Resolves to <package>/dist/cjs/chromadb.cjs.
  const main = createRequire(import.meta.url).resolve('chromadb');
  const cli = join(dirname(main), '..', 'cli.mjs');
  try {
    await access(cli);
  } catch {
    throw new Error(`the chromadb package has no CLI at ${cli}; is chromadb 3.x installed?`);
  }
  return cli;
}
