import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedServices, type EmbeddedServices } from '../embedded-services.ts';
import { quietLogger, type ServiceLogger } from '../service-logger.ts';

export interface TestServices extends EmbeddedServices {
  /** The fresh temporary directory holding the services' data; removed by `stop()`. */
  dataDir: string;
}

/**
 * Starts NATS, PostgreSQL and Chroma for one test run, each on a free port, with data in a
 * fresh temporary directory. A service whose URL is set in `env` (`NATS_URL`,
 * `DATABASE_URL`, `CHROMA_URL`) is used instead of started. `stop()` stops what was started
 * and deletes the directory.
 */
export async function startTestServices(
  env: NodeJS.ProcessEnv = process.env,
  logger: ServiceLogger = quietLogger,
): Promise<TestServices> {
  const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-test-'));
  let services: EmbeddedServices;
  try {
    services = await startEmbeddedServices({
      dataDir,
      natsUrl: nonEmpty(env['NATS_URL']),
      databaseUrl: nonEmpty(env['DATABASE_URL']),
      chromaUrl: nonEmpty(env['CHROMA_URL']),
      ports: { nats: 0, postgres: 0, chroma: 0 },
      ephemeral: true,
      logger,
    });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    ...services,
    dataDir,
    async stop() {
      await services.stop();
      await rm(dataDir, { recursive: true, force: true }).catch((error: unknown) => {
        logger.warn(`could not remove ${dataDir}: ${String(error)}`);
      });
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
