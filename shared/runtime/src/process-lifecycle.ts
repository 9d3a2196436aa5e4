import { isAppError } from '@switchboard/errors';
import type { Logger } from 'pino';

/**
 * Stops the process cleanly on SIGINT/SIGTERM: runs `stop` once, exits 0 when it finishes, or
 * 1 after `timeoutMs`. A second signal while stopping exits at once.
 */
export function stopOnSignals(logger: Logger, timeoutMs: number, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal while stopping; exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stop().then(
      () => {
        logger.info('stopped');
        logger.flush();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/**
 * Prints why the process could not start, as a person would want to read it (a configuration
 * problem is a list of variables to fix, not a stack trace), and exits with status 1.
 */
export function exitOnStartupError(error: unknown, logger?: Logger): never {
  if (isAppError(error) && error.code === 'SB_ERR_CONFIG_INVALID') {
    process.stderr.write(`\n${error.message}\n\nSee the configuration table in README.md.\n`);
  } else if (logger !== undefined) {
    logger.fatal({ err: error }, 'could not start');
    logger.flush();
  } else {
    process.stderr.write(`could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
}
