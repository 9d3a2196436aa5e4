import { createEnvelope, streamDefinitions, type Bus, type ConsumerHandle } from '@switchboard/bus';
import type { DeliveryStatus, MessageView } from '@switchboard/contracts';
import { withTenant, type Orm } from '@switchboard/db';
import { toMessageView } from './conversation.store.ts';

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
        const rows = await em.execute<Parameters<typeof toMessageView>[0][]>(
          `update messages set status = ?, failure_reason = ?
           where id = ? and (case status ${Object.entries(rank).map(([status, value]) => `when '${status}' then ${value}`).join(' ')} end) < ?
           returning id, conversation_id, direction, author_kind, author_id, author_name, text, attachments, is_private, status, failure_reason, created_at`,
          [report.status, report.failureReason ?? null, report.messageId, rank[report.status]],
        );
        return rows.map(toMessageView);
      });
      for (const message of updated) {
        await bus.publish(createEnvelope('message.updated', envelope.tenantId, { message: message satisfies MessageView }, { traceId: envelope.traceId }));
      }
    },
  });
}
