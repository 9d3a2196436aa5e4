import type { AppConfig } from '@switchboard/config';
import type { Infrastructure, Logger, RunningRole } from '@switchboard/runtime';

/**
 * The runner role: hosts the actors (conversation, AI, capture, business modules) and consumes
 * their JetStream work. The streams it needs are provisioned when the bus connects. The actors
 * themselves arrive with the conversation issue; until then the runner only holds its
 * connections and stops cleanly.
 */
export async function startRunner(_config: AppConfig, logger: Logger, _infrastructure: Infrastructure): Promise<RunningRole> {
  const log = logger.child({ component: 'runner' });
  log.info('runner started');
  return {
    role: 'runner',
    stop: async () => {
      log.info('runner stopped');
    },
  };
}
