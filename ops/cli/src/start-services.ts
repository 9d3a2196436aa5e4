import { resolve } from 'node:path';
import { loadConfig } from '@switchboard/config';
import { createLogger, exitOnStartupError, stopOnSignals, type Logger } from '@switchboard/runtime';
import { startEmbeddedServices } from '@switchboard/dev';
import { serviceLog } from './service-log.ts';

/**
 * `npm run services`: only the embedded NATS, PostgreSQL and Chroma, so the roles can run as
 * separate processes against them (`NATS_URL=… npm run start:hub`, …).
 */
export async function startServicesOnly(env: NodeJS.ProcessEnv): Promise<void> {
  let logger: Logger | undefined;
  try {
    const config = loadConfig(env);
    logger = createLogger({ level: config.logLevel, role: 'services' });
    const services = await startEmbeddedServices({ dataDir: resolve(config.dataDir), logger: serviceLog(logger) });
    stopOnSignals(logger, config.shutdownTimeoutMs, () => services.stop());
    process.stdout.write(
      `\n  NATS_URL=${services.natsUrl}\n  DATABASE_URL=${services.databaseUrl}\n  CHROMA_URL=${services.chromaUrl}\n\n  Stop with Ctrl-C.\n\n`,
    );
  } catch (error) {
    exitOnStartupError(error, logger);
  }
}
