import { chmod, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { signalOnExit } from './exit-cleanup.ts';
import { freePort } from './free-port.ts';
import { loadEmbeddedPostgres } from './load-embedded-postgres.ts';
import { withPgClient } from './pg-client.ts';
import { isProcessAlive, processCommandLine, stopPid } from './process-stop.ts';
import type { RunningService } from './running-service.ts';
import { quietLogger, type ServiceLogger } from './service-logger.ts';

export const POSTGRES_USER = 'postgres';
/** Fixed on purpose: the embedded server listens on 127.0.0.1 only and holds dev data. */
export const POSTGRES_PASSWORD = 'switchboard';
export const POSTGRES_DATABASE = 'switchboard';

const START_TIMEOUT_MS = 30_000;
const LOG_TAIL_CHARS = 4_000;

export interface PostgresServiceOptions {
  /** The cluster lives in `<dataDir>/postgres`; it is created on first start, reused after. */
  dataDir: string;
  /** Defaults to a free port chosen by the OS. */
  port?: number;
  logger?: ServiceLogger;
  /**
   * The data is thrown away afterwards (test runs): turn off fsync and friends. A crash of
   * the machine, not of PostgreSQL, could then corrupt the cluster.
   */
  ephemeral?: boolean;
}

/**
 * Starts PostgreSQL 18 from the `embedded-postgres` package on 127.0.0.1 with user
 * `postgres`, password `switchboard` and a database `switchboard`. A server left running on
 * the same data by a killed earlier run is stopped first.
 */
export async function startPostgres(options: PostgresServiceOptions): Promise<RunningService> {
  const { logger = quietLogger, ephemeral = false } = options;
  const dataDir = resolve(options.dataDir);
  const clusterDir = join(dataDir, 'postgres');
  await mkdir(dataDir, { recursive: true });
  if (process.getuid?.() === 0) await letPostgresUserReach(dataDir, logger);
  await takeOverPreviousServer(clusterDir, logger);
  const port = options.port ?? (await freePort());

  let logTail = '';
  const keepLog = (message: unknown): void => {
    logTail = (logTail + String(message)).slice(-LOG_TAIL_CHARS);
  };
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: POSTGRES_USER,
    password: POSTGRES_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; this reuses (or creates) the system user `postgres`.
    createPostgresUser: true,
    initdbFlags: [
      '--encoding=UTF8',
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
      '--locale=C',
      ...(ephemeral ? ['--no-sync'] : []),
    ],
    postgresFlags: serverSettings(ephemeral).flatMap((setting) => ['-c', setting]),
    onLog: keepLog,
    onError: keepLog,
  });

  if (!(await exists(join(clusterDir, 'PG_VERSION')))) {
    if (!(await isEmptyOrMissing(clusterDir))) {
      throw new Error(`${clusterDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION); move it away`);
    }
    logger.info(`initialising a PostgreSQL cluster in ${clusterDir}`);
    await cluster.initialise();
  }

  try {
    await withTimeout(cluster.start(), START_TIMEOUT_MS, `PostgreSQL did not report ready within ${START_TIMEOUT_MS} ms`);
  } catch (error) {
    // embedded-postgres rejects with `undefined` when the server exits during start.
    const pid = await postmasterPid(clusterDir);
    if (pid !== undefined) await stopPid(pid, { signal: 'SIGINT' });
    const reason = error instanceof Error ? `${error.message}: ` : '';
    throw new Error(`PostgreSQL did not start on 127.0.0.1:${port}: ${reason}${logTail.trim()}`, { cause: error });
  }
  const pid = await postmasterPid(clusterDir);
  if (pid === undefined) throw new Error(`PostgreSQL started but wrote no pid to ${clusterDir}/postmaster.pid`);

  const serverUrl = `postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@127.0.0.1:${port}`;
  // SIGINT is PostgreSQL's fast shutdown: it rolls back open transactions and exits cleanly.
  const forgetOnExit = signalOnExit(pid, 'SIGINT');
  const stop = async (): Promise<void> => {
    await stopPid(pid, { signal: 'SIGINT', graceMs: 10_000 });
    forgetOnExit();
  };
  try {
    await ensureDatabase(`${serverUrl}/postgres`, POSTGRES_DATABASE);
  } catch (error) {
    await stop();
    throw error;
  }
  const url = `${serverUrl}/${POSTGRES_DATABASE}`;
  logger.info(`PostgreSQL ready at postgres://${POSTGRES_USER}@127.0.0.1:${port}/${POSTGRES_DATABASE} (pid ${pid}, data ${clusterDir})`);
  return { name: 'postgres', url, pid, port, stop };
}

/** Small settings for a 2-core dev machine; loopback TCP only, no Unix socket. */
function serverSettings(ephemeral: boolean): string[] {
  const settings = [
    'listen_addresses=127.0.0.1',
    'unix_socket_directories=',
    'shared_buffers=64MB',
    'effective_cache_size=512MB',
    'max_connections=100',
    'max_worker_processes=4',
    'max_parallel_workers=2',
    'max_parallel_workers_per_gather=1',
  ];
  if (ephemeral) settings.push('fsync=off', 'synchronous_commit=off', 'full_page_writes=off');
  return settings;
}

/**
 * A `kill -9` of our parent leaves its postgres running and holding the data directory:
 * stop it by the pid in its lock file. A lock file whose process is gone is removed, so a
 * reused pid cannot make PostgreSQL believe another server is running.
 */
async function takeOverPreviousServer(clusterDir: string, logger: ServiceLogger): Promise<void> {
  const pid = await postmasterPid(clusterDir);
  if (pid === undefined) return;
  const lockFile = join(clusterDir, 'postmaster.pid');
  // Our postmasters run with `-D <clusterDir>`; a different process that reused the pid does not.
  if (isProcessAlive(pid) && (processCommandLine(pid) ?? '').includes(clusterDir)) {
    logger.warn(`PostgreSQL (pid ${pid}) from an earlier run still holds ${clusterDir}: stopping it`);
    await stopPid(pid, { signal: 'SIGINT', graceMs: 10_000 });
    if (isProcessAlive(pid)) throw new Error(`could not stop the earlier PostgreSQL (pid ${pid}) on ${clusterDir}`);
  } else {
    logger.info(`removing the stale ${lockFile} (pid ${pid} is not a PostgreSQL on this data)`);
  }
  await rm(lockFile, { force: true });
}

async function postmasterPid(clusterDir: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(join(clusterDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  await withPgClient(adminUrl, async (client) => {
    const { rows } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rows.length === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  });
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to enter `dataDir`
 * (mkdtemp makes it 0700) and every directory above it.
 */
async function letPostgresUserReach(dataDir: string, logger: ServiceLogger): Promise<void> {
  const mode = (await stat(dataDir)).mode;
  if ((mode & 0o001) === 0) {
    logger.info(`allowing the postgres user to enter ${dataDir} (chmod o+x)`);
    await chmod(dataDir, (mode & 0o7777) | 0o001);
  }
  for (let dir = dirname(dataDir); ; dir = dirname(dir)) {
    if (((await stat(dir)).mode & 0o001) === 0) {
      throw new Error(
        `PostgreSQL runs as the postgres user, which cannot enter ${dir}: use a dataDir outside it or run chmod o+x ${dir}`,
      );
    }
    if (dirname(dir) === dir) return;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch {
    return true;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
