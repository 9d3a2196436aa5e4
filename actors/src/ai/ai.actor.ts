import type { Bus, ConsumerHandle } from '@switchboard/bus';
import { AiAnswer, AiRequest, subjects } from '@switchboard/contracts';
import { AppError } from '@switchboard/errors';
import { respondOffline, type ResponderSettings } from './first-responder.ts';

/** Loads a tenant's bot configuration (FAQ, greeting, handoff keywords). */
export type ResponderSettingsSource = (tenantId: string) => Promise<ResponderSettings>;

/**
 * The AI actor: answers `AiRequest`s on `sb.req.ai.<tenant>` with an `AiAnswer`. This first
 * responder is the offline one (greeting, FAQ, fallback, handoff detection); LLM providers and
 * retrieval grow behind the same contract. A request whose body names another tenant than its
 * subject is refused, so NATS subject permissions keep fencing tenants.
 */
export function startAiActor(bus: Bus, settingsFor: ResponderSettingsSource): ConsumerHandle {
  return bus.serve(subjects.all.requests('ai'), { request: AiRequest, response: AiAnswer }, async (request, context) => {
    if (context.tenantId !== request.tenantId) {
      throw new AppError('SB_ERR_FORBIDDEN', { message: `request for tenant ${request.tenantId} arrived on ${context.subject}` });
    }
    return respondOffline(request, await settingsFor(request.tenantId));
  });
}
