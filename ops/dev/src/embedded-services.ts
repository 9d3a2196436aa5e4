import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { startChroma } from './chroma.service.ts';
import { preferredOrFreePort } from './free-port.ts';
import { startNatsServer } from './nats.service.ts';
import { startPostgres } from './postgres.service.ts';
import type { RunningService } from './running-service.ts';
import { forgetServicePids, recordServicePids, stopRecordedServices } from './service-pid-file.ts';
import { quietLogger, type ServiceLogger } from './service-logger.ts';

/** Ports a second `npm start` finds again; PostgreSQL avoids 5432, which Debian's may hold. */
export const DEFAULT_PORTS = { nats: 4222, postgres: 5433, chroma: 8000 } as const;

export interface EmbeddedServicesOptions {
  /** Holds `nats/`, `postgres/`, `chroma/` and `pids.json`; reused by the next start. */
  dataDir: string;
  /** Use this NATS instead of starting one. */
  natsUrl?: string;
  /** Use this PostgreSQL instead of starting one. */
  databaseUrl?: string;
  /** Use this Chroma instead of starting one. */
  chromaUrl?: string;
  logger?: ServiceLogger;
  /**
   * A port given here is used as is (0: any free port). Without one, the default port is
   * used when free and a free port otherwise.
   */
  ports?: { nats?: number; postgres?: number; chroma?: number };
  /** The data is thrown away afterwards: let PostgreSQL skip fsync. */
  ephemeral?: boolean;
}

export interface EmbeddedServices {
  natsUrl: string;
  databaseUrl: string;
  chromaUrl: string;
  /** Names of the services this call started (`nats`, `postgres`, `chroma`). */
  started: string[];
  /** Stops what this call started, in reverse order. Never throws; failures are logged. */
  stop(): Promise<void>;
}

type ServiceName = keyof typeof DEFAULT_PORTS;

/**
 * Starts, in parallel, NATS, PostgreSQL and Chroma, except those whose URL is given. First
 * stops services that an earlier run recorded in `<dataDir>/pids.json` and left running.
 */
export async function startEmbeddedServices(options: EmbeddedServicesOptions): Promise<EmbeddedServices> {
  const { logger = quietLogger, ephemeral = false } = options;
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  await stopRecordedServices(dataDir, logger);

  const port = async (name: ServiceName): Promise<number | undefined> => {
    const given = options.ports?.[name];
    if (given === undefined) return preferredOrFreePort(DEFAULT_PORTS[name]);
    return given === 0 ? undefined : given;
  };
  const starters: Array<{ name: ServiceName; start: () => Promise<RunningService> }> = [];
  if (options.natsUrl === undefined) {
    starters.push({ name: 'nats', start: async () => startNatsServer({ dataDir, port: await port('nats'), logger }) });
  }
  if (options.databaseUrl === undefined) {
    starters.push({
      name: 'postgres',
      start: async () => startPostgres({ dataDir, port: await port('postgres'), logger, ephemeral }),
    });
  }
  if (options.chromaUrl === undefined) {
    starters.push({ name: 'chroma', start: async () => startChroma({ dataDir, port: await port('chroma'), logger }) });
  }

  const results = await Promise.allSettled(starters.map(({ start }) => start()));
  const services = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const stop = async (): Promise<void> => {
    for (const service of [...services].reverse()) {
      try {
        await service.stop();
      } catch (error) {
        logger.error(`could not stop ${service.name} (pid ${service.pid}): ${String(error)}`);
      }
    }
    await forgetServicePids(dataDir).catch(() => undefined);
  };

  const failures = results.flatMap((result, index) =>
    result.status === 'rejected' ? [{ name: starters[index]?.name, reason: result.reason as unknown }] : [],
  );
  if (failures.length > 0) {
    await stop();
    const detail = failures.map(({ name, reason }) => `${name}: ${reason instanceof Error ? reason.message : String(reason)}`);
    throw new Error(`could not start the embedded services:\n${detail.join('\n')}`, { cause: failures[0]?.reason });
  }
  await recordServicePids(dataDir, services);

  const urlOf = (name: ServiceName, given: string | undefined): string => {
    const url = given ?? services.find((service) => service.name === name)?.url;
    if (url === undefined) throw new Error(`${name} was neither given nor started`);
    return url;
  };
  return {
    natsUrl: urlOf('nats', options.natsUrl),
    databaseUrl: urlOf('postgres', options.databaseUrl),
    chromaUrl: urlOf('chroma', options.chromaUrl),
    started: services.map((service) => service.name),
    stop,
  };
}
