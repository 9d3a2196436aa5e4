import { loadConfig } from '@switchboard/config';
import { createLogger, exitOnStartupError, openInfrastructure, requireServiceUrls, stopOnSignals, type Logger } from '@switchboard/runtime';
import { startHub } from './start-hub.ts';

/** `npm run start:hub`: the hub role alone, against NATS_URL, DATABASE_URL and CHROMA_URL. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let logger: Logger | undefined;
  try {
    const config = loadConfig(env);
    logger = createLogger({ level: config.logLevel, role: 'hub' });
    const infrastructure = await openInfrastructure(requireServiceUrls(config), logger, 'hub');
    const hub = await startHub(config, logger, infrastructure);
    logger.info({ address: hub.address, publicUrl: config.publicUrl }, 'hub listening');
    stopOnSignals(logger, config.shutdownTimeoutMs, async () => {
      await hub.stop();
      await infrastructure.close();
    });
  } catch (error) {
    exitOnStartupError(error, logger);
  }
}
