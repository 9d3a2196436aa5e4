import { createEnvelope, streamDefinitions, type Bus, type ConsumerHandle } from '@switchboard/bus';
import type { DeliveryStatus, MessageView } from '@switchboard/contracts';
import { toMessageView, withTenant, type Orm } from '@switchboard/db';

// A report never moves a message backwards (a late "sent" after "read" changes nothing).
const rank: Record<DeliveryStatus, number> = { received: 0, pending: 1, sent: 2, delivered: 3, read: 4, failed: 5 };

/**
 * Applies connectors' delivery reports to the messages (pending → sent → delivered → read, or
 * failed with the reason) and tells consoles with `message.updated`.
 */
export async function startDeliveryPipeline(bus: Bus, orm: Orm): Promise<ConsumerHandle> {
  return bus.consume({
    stream: streamDefinitions.delivery.name,
    durable: 'runner-delivery',
    types: ['delivery.reported'],
    handler: async (envelope) => {
      const report = envelope.data;
      const updated = await withTenant(orm.em, envelope.tenantId, async (em) => {
        const rows = await em.execute<Array<Parameters<typeof toMessageView>[0] & { route_channel_id: string; route_chat_id: string }>>(
          `update messages m set status = ?, failure_reason = ?
           from conversations c
           where m.id = ? and c.id = m.conversation_id
             and (case m.status ${Object.entries(rank).map(([status, value]) => `when '${status}' then ${value}`).join(' ')} end) < ?
           returning m.id, m.conversation_id, m.direction, m.author_kind, m.author_id, m.author_name, m.text, m.attachments, m.is_private,
             m.status, m.failure_reason, m.created_at, c.channel_id as route_channel_id, c.external_chat_id as route_chat_id`,
          [report.status, report.failureReason ?? null, report.messageId, rank[report.status]],
        );
        return rows.map((row) => ({ message: toMessageView(row), route: { channelId: row.route_channel_id, externalChatId: row.route_chat_id } }));
      });
      for (const { message, route } of updated) {
        await bus.publish(createEnvelope('message.updated', envelope.tenantId, { message: message satisfies MessageView, route }, { traceId: envelope.traceId }));
      }
    },
  });
}
