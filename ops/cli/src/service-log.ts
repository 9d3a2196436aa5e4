import type { Logger } from '@switchboard/runtime';
import type { ServiceLogger } from '@switchboard/dev';

/** Routes the service launchers' messages into the process's JSON log. */
export function serviceLog(logger: Logger): ServiceLogger {
  const log = logger.child({ component: 'embedded' });
  return {
    info: (message) => log.info(message),
    warn: (message) => log.warn(message),
    error: (message) => log.error(message),
  };
}
