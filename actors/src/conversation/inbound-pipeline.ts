import { createEnvelope, streamDefinitions, type Bus, type ConsumerHandle } from '@switchboard/bus';
import { AiAnswer, AiRequest, subjects, type InboundMessage } from '@switchboard/contracts';
import { withTenant, type Orm } from '@switchboard/db';
import type { Logger } from 'pino';
import { fromPromise, type Snapshot } from 'xstate';
import { randomUUID } from 'node:crypto';
import { ActorHost } from '../runtime/actor-host.ts';
import { conversationMachine, type AskAiInput, type ConversationEmitted, type ConversationSettings } from './conversation.machine.ts';
import { conversationStore, DuplicateMessage, type StoredStep } from './conversation.store.ts';

export interface InboundPipelineOptions {
  bus: Bus;
  orm: Orm;
  logger: Logger;
  /** Conversation behaviour per tenant (handoff keywords, inactivity, messages). */
  settingsFor: (tenantId: string) => Promise<ConversationSettings>;
  /** Live actors idle longer than this are passivated (default 5 minutes). */
  idleMs?: number;
}

type ChatKey = [tenantId: string, channelId: string, externalChatId: string];
const keyOf = (...parts: ChatKey) => JSON.stringify(parts);
const partsOf = (key: string) => JSON.parse(key) as ChatKey;

/**
 * The runner's message path (ARCHITECTURE.md, steps 2 to 4): consume `SB_INBOUND`, wake the
 * conversation's actor, and in one transaction store the message, the replies and the actor's
 * snapshot; only then ack. A redelivered message finds its row and is skipped; a bot reply is
 * stored under `bot:<message>` and so is sent once. After the commit the facts go out:
 * `message.created` and conversation events on `SB_EVENTS`, replies on `SB_OUTBOUND`.
 */
export async function startInboundPipeline(options: InboundPipelineOptions): Promise<{ stop(): Promise<void>; host: ActorHost<typeof conversationMachine> }> {
  const { bus, orm, logger } = options;
  const log = logger.child({ component: 'conversations' });

  const askAi = fromPromise<AiAnswer, AskAiInput>(async ({ input }) =>
    bus.request(subjects.request('ai', input.tenantId), { request: AiRequest, response: AiAnswer }, {
      tenantId: input.tenantId,
      conversationId: input.conversationId,
      messageId: input.messageId,
      text: input.text,
      history: [],
      isFirstMessage: input.isFirstMessage,
    }, { timeoutMs: 15_000 }));
  const machine = conversationMachine.provide({ actors: { askAi } });

  const publishStep = async (tenantId: string, stored: StoredStep, emitted: ConversationEmitted[]) => {
    const { conversation } = stored;
    for (const message of stored.messages) {
      await bus.publish(createEnvelope('message.created', tenantId, { message }));
      if (message.direction === 'outbound' && message.author.kind === 'bot') {
        await bus.publish(
          createEnvelope('outbound.message', tenantId, {
            messageId: message.id,
            conversationId: conversation.id,
            channelId: conversation.channelId,
            channelType: conversation.channelType,
            externalChatId: stored.externalChatId,
            ...(message.text !== undefined ? { text: message.text } : {}),
            attachments: [],
            author: message.author,
          }),
          { channelId: conversation.channelId, msgId: `reply:${message.id}` },
        );
      }
    }
    await bus.publish(createEnvelope(stored.created ? 'conversation.created' : 'conversation.updated', tenantId, { conversation }));
    for (const event of emitted) {
      if (event.type === 'handoff.requested') {
        await bus.publish(createEnvelope('handoff.requested', tenantId, { conversation, reason: event.reason, ...(event.note ? { note: event.note } : {}) }));
      } else if (event.type === 'conversation.released') {
        await bus.publish(createEnvelope('conversation.released', tenantId, { conversation, agentId: event.agentId, reason: event.reason }));
      } else if (event.type === 'conversation.assigned') {
        await bus.publish(createEnvelope('conversation.assigned', tenantId, { conversation, agentId: event.agentId, ...(event.previousAgentId ? { previousAgentId: event.previousAgentId } : {}) }));
      } else if (event.type === 'conversation.closed') {
        await bus.publish(createEnvelope('conversation.closed', tenantId, { conversation }));
      }
    }
  };

  const host = new ActorHost({
    machine,
    idleMs: options.idleMs,
    snapshots: {
      load: async (key) => {
        const [tenantId, channelId, externalChatId] = partsOf(key);
        return withTenant(orm.em, tenantId, (em) => conversationStore.loadSnapshot(em, channelId, externalChatId));
      },
    },
    onAsyncStep: async (key, snapshot, emitted) => {
      const [tenantId] = partsOf(key);
      const conversationId = (snapshot as Snapshot<unknown> & { context: { conversationId: string } }).context.conversationId;
      const stored = await withTenant(orm.em, tenantId, (em) => conversationStore.recordStep(em, tenantId, conversationId, snapshot, emitted));
      await publishStep(tenantId, stored, emitted);
    },
    onAsyncError: (key, error) => log.error({ err: error, key }, 'could not store a conversation step; it will be retried from the snapshot'),
  });

  const handle: ConsumerHandle = await bus.consume({
    stream: streamDefinitions.inbound.name,
    durable: 'runner-conversations',
    types: ['inbound.message'],
    handler: async (envelope) => {
      const inbound: InboundMessage = envelope.data;
      const { tenantId } = envelope;
      const settings = await options.settingsFor(tenantId);
      try {
        const { stored, emitted } = await host.dispatch(
          keyOf(tenantId, inbound.channelId, inbound.externalChatId),
          { tenantId, conversationId: randomUUID(), settings },
          { type: 'customer.message', messageId: inbound.externalMessageId, text: inbound.text ?? '' },
          async (snapshot, emittedNow) => ({
            stored: await withTenant(orm.em, tenantId, (em) => conversationStore.recordInbound(em, tenantId, inbound, snapshot, emittedNow)),
            emitted: emittedNow,
          }),
        );
        await publishStep(tenantId, stored, emitted);
      } catch (error) {
        if (error instanceof DuplicateMessage) {
          log.info({ traceId: envelope.traceId, externalId: error.externalId }, 'duplicate channel message skipped');
          return;
        }
        throw error;
      }
    },
  });

  return {
    host,
    stop: async () => {
      await handle.stop();
      await host.stop();
    },
  };
}
