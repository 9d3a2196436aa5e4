import { createEnvelope, inboundDedupeKey, type Bus } from '@switchboard/bus';
import type { InboundMessage } from '@switchboard/contracts';

/**
 * Publishes a normalised channel message to `SB_INBOUND`. The JetStream dedupe key is the
 * channel plus the channel's own message id, so a reconnect replay or a webhook retry is
 * stored once; past the dedupe window the runner's unique key catches it.
 */
export async function publishInbound(bus: Bus, tenantId: string, message: InboundMessage, traceId?: string): Promise<{ duplicate: boolean }> {
  const ack = await bus.publish(createEnvelope('inbound.message', tenantId, message, traceId ? { traceId } : {}), {
    channelId: message.channelId,
    msgId: inboundDedupeKey(message),
  });
  return { duplicate: ack.duplicate };
}

export { inboundDedupeKey };
