import type { AppConfig } from '@switchboard/config';
import type { Infrastructure, Logger, RunningRole } from '@switchboard/runtime';
import { WebchatConnector } from '../webchat/webchat.connector.ts';
import { startOutboundDispatcher } from './outbound-dispatcher.ts';

/**
 * The connector role: holds channel sessions (WhatsApp's Chromium clients, Telegram bots in
 * polling mode) and sends the outbound replies for the channels it holds. Today that is the
 * storefront widget, whose replies travel on the events stream: the dispatcher reports them
 * `sent`. WhatsApp and Telegram sessions arrive with their issue.
 */
export async function startConnector(_config: AppConfig, logger: Logger, infrastructure: Infrastructure): Promise<RunningRole> {
  const log = logger.child({ component: 'connector' });
  const webchat = new WebchatConnector();
  const dispatcher = await startOutboundDispatcher({
    bus: infrastructure.bus,
    logger,
    durable: 'connector-outbound',
    connectorFor: (_channelId, channelType) => (channelType === 'webchat' ? webchat : undefined),
  });
  log.info('connector started: webchat replies');
  return {
    role: 'connector',
    stop: async () => {
      await dispatcher.stop();
      await webchat.stop();
      log.info('connector stopped');
    },
  };
}
