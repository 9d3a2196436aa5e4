import { createEnvelope, streamDefinitions, type Bus, type ConsumerHandle } from '@switchboard/bus';
import { toMessageView, type MessageRow, type Orm } from '@switchboard/db';

/**
 * Applies connectors' delivery reports to the messages (pending → sent → delivered → read, or
 * failed with the reason; a late report never moves a message backwards) and tells consoles
 * and the visitor's widget with `message.updated`. One report is one statement
 * (`apply_delivery`, migration 0005), in the tenant's row-level security scope.
 */
export async function startDeliveryPipeline(bus: Bus, orm: Orm): Promise<ConsumerHandle> {
  return bus.consume({
    stream: streamDefinitions.delivery.name,
    durable: 'runner-delivery',
    types: ['delivery.reported'],
    concurrency: 32,
    handler: async (envelope) => {
      const report = envelope.data;
      const rows = await orm.em.fork().execute<Array<{ message: MessageRow; channel_id: string; external_chat_id: string }>>(
        'select * from apply_delivery(?, ?, ?, ?)',
        [envelope.tenantId, report.messageId, report.status, report.failureReason ?? null],
      );
      await Promise.all(rows.map((row) => bus.publish(
        createEnvelope('message.updated', envelope.tenantId, { message: toMessageView(row.message), route: { channelId: row.channel_id, externalChatId: row.external_chat_id } }, { traceId: envelope.traceId }),
      )));
    },
  });
}
