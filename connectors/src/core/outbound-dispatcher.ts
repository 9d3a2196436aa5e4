import { createEnvelope, streamDefinitions, type Bus, type ConsumerHandle } from '@switchboard/bus';
import { subjects, type ChannelType } from '@switchboard/contracts';
import type { Logger } from 'pino';
import { PermanentSendError, RetryLaterError, type Connector } from './connector.ts';

export interface OutboundDispatcherOptions {
  bus: Bus;
  logger: Logger;
  /** The connector holding a channel on this node, or undefined when another node holds it. */
  connectorFor: (channelId: string, channelType: ChannelType) => Connector | undefined;
  /** Durable consumer name; one per node group sharing the work. */
  durable: string;
  /** Attempts before a send is reported failed (default 5). */
  maxAttempts?: number;
  retryDelayMs?: (attempt: number) => number;
}

/**
 * Sends the replies on `SB_OUTBOUND` through the connector that holds each channel, retrying
 * with backoff, and reports the outcome on `SB_DELIVERY` (`sent` with the channel's id, or
 * `failed` with the reason, which the console shows on the message). A send that throws
 * {@link PermanentSendError} fails at once; one that throws {@link RetryLaterError} is retried no
 * sooner than the channel asked, through the nak's delay, so replies to other chats go on
 * meanwhile. The delivery report is deduplicated per message and outcome, so a redelivered reply
 * is reported once.
 */
export async function startOutboundDispatcher(options: OutboundDispatcherOptions): Promise<ConsumerHandle> {
  const { bus, logger } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const retryDelay = options.retryDelayMs ?? ((attempt: number) => Math.min(30_000, 500 * 2 ** (attempt - 1)));
  const log = logger.child({ component: 'outbound' });

  const report = async (tenantId: string, channelId: string, messageId: string, outcome: { status: 'sent'; externalMessageId: string } | { status: 'failed'; reason: string }) => {
    const data = outcome.status === 'sent'
      ? { messageId, channelId, status: 'sent' as const, externalMessageId: outcome.externalMessageId, at: new Date().toISOString() }
      : { messageId, channelId, status: 'failed' as const, failureReason: outcome.reason.slice(0, 1000), at: new Date().toISOString() };
    await bus.publish(createEnvelope('delivery.reported', tenantId, data), { channelId, msgId: `dlv:${messageId}:${outcome.status}` });
  };

  return bus.consume({
    stream: streamDefinitions.outbound.name,
    durable: options.durable,
    filterSubject: subjects.all.outbound,
    types: ['outbound.message'],
    maxDeliver: maxAttempts,
    retryDelayMs: (attempt, error) => (error instanceof RetryLaterError ? Math.max(error.retryAfterMs, retryDelay(attempt)) : retryDelay(attempt)),
    handler: async (envelope, context) => {
      const message = envelope.data;
      const connector = options.connectorFor(message.channelId, message.channelType);
      if (connector === undefined) {
        // Not held here: leave it for the node that holds the channel (or the next lease holder).
        throw new Error(`channel ${message.channelId} is not held by this node`);
      }
      try {
        const receipt = await connector.send(message);
        await report(envelope.tenantId, message.channelId, message.messageId, { status: 'sent', externalMessageId: receipt.externalMessageId });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (error instanceof PermanentSendError || context.deliveryCount >= maxAttempts) {
          log.warn({ traceId: envelope.traceId, messageId: message.messageId, reason, attempts: context.deliveryCount }, 'outbound message failed');
          await report(envelope.tenantId, message.channelId, message.messageId, { status: 'failed', reason });
          return;
        }
        throw error;
      }
    },
  });
}
