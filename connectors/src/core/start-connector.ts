import type { AppConfig } from '@switchboard/config';
import type { Infrastructure, Logger, RunningRole } from '@switchboard/runtime';

/**
 * The connector role: holds channel sessions (WhatsApp's Chromium clients, Telegram bots in
 * polling mode) and sends the outbound replies for the channels it holds. The channels arrive
 * with their issues; until then the connector only holds its connections and stops cleanly.
 */
export async function startConnector(_config: AppConfig, logger: Logger, _infrastructure: Infrastructure): Promise<RunningRole> {
  const log = logger.child({ component: 'connector' });
  log.info('connector started');
  return {
    role: 'connector',
    stop: async () => {
      log.info('connector stopped');
    },
  };
}
