import type { AppConfig } from '@switchboard/config';
import type { Infrastructure, Logger, RunningRole } from '@switchboard/runtime';
import { startAiActor } from '../ai/ai.actor.ts';
import { defaultResponderSettings } from '../ai/default-bot-settings.ts';

/**
 * The runner role: hosts the actors and consumes their work. Today it hosts the AI actor (the
 * offline first responder, answering `sb.req.ai.*`); conversation actors, fed from
 * `SB_INBOUND`, arrive with the conversation issue, and tenant bot settings with the bot page.
 */
export async function startRunner(_config: AppConfig, logger: Logger, infrastructure: Infrastructure): Promise<RunningRole> {
  const log = logger.child({ component: 'runner' });
  const ai = startAiActor(infrastructure.bus, async () => defaultResponderSettings);
  log.info('runner started: AI actor answering on sb.req.ai.*');
  return {
    role: 'runner',
    stop: async () => {
      await ai.stop();
      log.info('runner stopped');
    },
  };
}
