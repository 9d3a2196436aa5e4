import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive, processCommandLine, stopPid } from './process-stop.ts';
import type { RunningService } from './running-service.ts';
import type { ServiceLogger } from './service-logger.ts';

/** One started service as remembered in `<dataDir>/pids.json`. */
interface ServicePidRecord {
  name: string;
  pid: number;
  /** The process's command line when it started; a reused pid will not match it. */
  commandLine: string | undefined;
}

const FILE_NAME = 'pids.json';

/** Remembers the processes of `services` so a later start can clean up after a `kill -9`. */
export async function recordServicePids(dataDir: string, services: readonly RunningService[]): Promise<void> {
  const records: ServicePidRecord[] = services.map(({ name, pid }) => ({
    name,
    pid,
    commandLine: processCommandLine(pid),
  }));
  await writeFile(join(dataDir, FILE_NAME), `${JSON.stringify(records, null, 2)}\n`);
}

export async function forgetServicePids(dataDir: string): Promise<void> {
  await rm(join(dataDir, FILE_NAME), { force: true });
}

/**
 * Stops the services recorded by an earlier run that are still alive, i.e. whose parent was
 * killed before it could stop them. A pid is only signalled if its command line is the one
 * recorded, so an unrelated process that reused the pid is left alone.
 */
export async function stopRecordedServices(dataDir: string, logger: ServiceLogger): Promise<void> {
  const records = await readRecords(dataDir);
  await Promise.all(
    records.map(async ({ name, pid, commandLine }) => {
      if (!isProcessAlive(pid)) return;
      if (commandLine === undefined || processCommandLine(pid) !== commandLine) return;
      logger.warn(`${name} (pid ${pid}) from an earlier run is still running: stopping it`);
      await stopPid(pid, { signal: name === 'postgres' ? 'SIGINT' : 'SIGTERM', graceMs: 10_000 });
    }),
  );
  await forgetServicePids(dataDir);
}

async function readRecords(dataDir: string): Promise<ServicePidRecord[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(join(dataDir, FILE_NAME), 'utf8'));
  } catch {
    return [];
  }
  return Array.isArray(parsed) ? parsed.filter(isRecord) : [];
}

function isRecord(value: unknown): value is ServicePidRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record['name'] === 'string' &&
    Number.isInteger(record['pid']) &&
    (record['commandLine'] === undefined || typeof record['commandLine'] === 'string')
  );
}
