import { loadConfig } from '@switchboard/config';
import { createLogger, exitOnStartupError, openInfrastructure, requireServiceUrls, stopOnSignals, type Logger } from '@switchboard/runtime';
import { startRunner } from './runtime/start-runner.ts';

/** `npm run start:runner`: the runner role alone, against NATS_URL, DATABASE_URL and CHROMA_URL. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let logger: Logger | undefined;
  try {
    const config = loadConfig(env);
    logger = createLogger({ level: config.logLevel, role: 'runner' });
    const infrastructure = await openInfrastructure(requireServiceUrls(config), logger, 'runner');
    const runner = await startRunner(config, logger, infrastructure);
    stopOnSignals(logger, config.shutdownTimeoutMs, async () => {
      await runner.stop();
      await infrastructure.close();
    });
  } catch (error) {
    exitOnStartupError(error, logger);
  }
}
