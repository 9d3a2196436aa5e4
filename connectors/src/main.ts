import { loadConfig } from '@switchboard/config';
import { createLogger, exitOnStartupError, openInfrastructure, requireServiceUrls, stopOnSignals, type Logger } from '@switchboard/runtime';
import { startConnector } from './core/start-connector.ts';

/** `npm run start:connector`: the connector role alone, against NATS_URL, DATABASE_URL and CHROMA_URL. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let logger: Logger | undefined;
  try {
    const config = loadConfig(env);
    logger = createLogger({ level: config.logLevel, role: 'connector' });
    const infrastructure = await openInfrastructure(requireServiceUrls(config), logger, 'connector');
    const connector = await startConnector(config, logger, infrastructure);
    stopOnSignals(logger, config.shutdownTimeoutMs, async () => {
      await connector.stop();
      await infrastructure.close();
    });
  } catch (error) {
    exitOnStartupError(error, logger);
  }
}
