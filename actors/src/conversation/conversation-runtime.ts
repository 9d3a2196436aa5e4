import { randomUUID } from 'node:crypto';
import { createEnvelope, type Bus } from '@switchboard/bus';
import {
  AiAnswer,
  AiRequest,
  conversationPartition,
  subjects,
  type BusEnvelope,
  type ChatRoute,
  type ChannelType,
  type ConversationCommandReply,
  type ConversationCommandRequest,
  type MessageView,
} from '@switchboard/contracts';
import { withTenant, type Orm } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import type { Logger } from 'pino';
import { fromPromise, type Snapshot } from 'xstate';
import { ActorHost, type StoredSnapshot } from '../runtime/actor-host.ts';
import { conversationMachine, type AskAiInput, type ConversationEmitted, type ConversationEvent, type ConversationInput } from './conversation.machine.ts';
import { conversationStore, DuplicateMessage, type AgentWrite, type StoredStep } from './conversation.store.ts';
import type { TenantBotSettings } from './tenant-settings.ts';

export interface ConversationRuntimeOptions {
  bus: Bus;
  orm: Orm;
  logger: Logger;
  settingsFor: (tenantId: string) => Promise<TenantBotSettings>;
  /** Live actors idle longer than this are passivated (default 5 minutes). */
  idleMs?: number;
  /** At most this many live actors (default 10 000). */
  maxLive?: number;
}

interface UnsentReply {
  tenant_id: string;
  id: string;
  conversation_id: string;
  channel_id: string;
  channel_type: ChannelType;
  external_chat_id: string;
  text: string | null;
  attachments: MessageView['attachments'];
  author_kind: MessageView['author']['kind'];
  author_id: string | null;
  author_name: string | null;
}

type ChatKey = [tenantId: string, channelId: string, externalChatId: string];
const keyOf = (...parts: ChatKey) => JSON.stringify(parts);
const partsOf = (key: string) => JSON.parse(key) as ChatKey;

/**
 * What the bot reads of a message that is only files (a photo without a caption): which files,
 * so it can say it received them rather than answer an empty message.
 */
export function describeFiles(attachments: readonly { kind: string; fileName?: string | undefined }[]): string {
  return attachments.map((file) => `[the customer sent ${file.kind === 'image' ? 'a photo' : `a ${file.kind}`}${file.fileName ? `: ${file.fileName}` : ''}]`).join(' ');
}

/** The partition of the conversation an actor key names. */
export function partitionOfKey(key: string): number {
  const [, channelId, externalChatId] = partsOf(key);
  return conversationPartition(channelId, externalChatId);
}

/** Which emitted fact shows that an agent's command was accepted by the conversation. */
const acceptedBy: Record<ConversationCommandRequest['type'], (event: ConversationEmitted, command: ConversationCommandRequest) => boolean> = {
  claim: (event, command) => event.type === 'conversation.assigned' && event.agentId === command.agentId,
  transfer: (event, command) => event.type === 'conversation.assigned' && command.type === 'transfer' && event.agentId === command.toAgentId,
  release: (event) => event.type === 'conversation.released',
  close: (event) => event.type === 'conversation.closed',
  reopen: (event) => event.type === 'conversation.reopened',
  message: (event) => event.type === 'agent.replied',
  note: (event) => event.type === 'note.added',
};

function eventFor(command: ConversationCommandRequest): ConversationEvent {
  switch (command.type) {
    case 'claim': return { type: 'agent.claim', agentId: command.agentId };
    case 'release': return { type: 'agent.release', agentId: command.agentId };
    case 'transfer': return { type: 'agent.transfer', agentId: command.toAgentId };
    case 'close': return { type: 'conversation.close' };
    case 'reopen': return { type: 'conversation.reopen' };
    case 'message': return { type: 'agent.message', agentId: command.agentId };
    case 'note': return { type: 'agent.note', agentId: command.agentId };
  }
}

function refusal(command: ConversationCommandRequest, status: string, assignedAgentId: string | undefined): AppError {
  const mine = assignedAgentId === command.agentId;
  const why = {
    claim: status === 'agent' ? 'another agent has already claimed this conversation' : 'the conversation is closed; reopen it first',
    transfer: status === 'agent' ? 'only a conversation held by an agent can be transferred, to another agent' : 'claim the conversation before transferring it',
    release: mine ? 'the conversation is not held by an agent' : 'only the agent holding the conversation can release it',
    close: 'the conversation is already closed',
    reopen: 'only a closed conversation can be reopened',
    message: mine ? 'the conversation cannot take a reply now' : 'claim the conversation before replying to the customer',
    note: 'the note could not be added',
  }[command.type];
  return new AppError('SB_ERR_CONFLICT', { message: `Refused: ${why}.` });
}

/**
 * The conversation actors of one runner and everything that steps them: customer messages
 * from `SB_INBOUND`, agents' commands from hubs, AI answers arriving, and the sweeper. Each step
 * is stored (rows, snapshot) in one transaction, then its facts are published: messages and
 * conversation events on `SB_EVENTS`, replies for the channel on `SB_OUTBOUND`.
 */
export class ConversationRuntime {
  readonly host: ActorHost<typeof conversationMachine>;
  private readonly log: Logger;
  /** Customer message → where its customer is, until the AI is asked to answer it. */
  private readonly routes = new Map<string, ChatRoute>();

  constructor(private readonly options: ConversationRuntimeOptions) {
    const { bus, orm } = options;
    this.log = options.logger.child({ component: 'conversations' });
    const askAi = fromPromise<AiAnswer, AskAiInput>(async ({ input }) => {
      // Where the customer is, so the streamed reply reaches their widget (unknown for an answer
      // resumed after a restart: then only the consoles see it stream).
      const routeKey = `${input.tenantId}:${input.messageId}`;
      const route = this.routes.get(routeKey);
      this.routes.delete(routeKey);
      return bus.request(subjects.request('ai', input.tenantId), { request: AiRequest, response: AiAnswer }, {
        tenantId: input.tenantId,
        conversationId: input.conversationId,
        messageId: input.messageId,
        text: input.text,
        history: [],
        isFirstMessage: input.isFirstMessage,
        ...(route ? { route } : {}),
      }, { timeoutMs: 15_000 });
    });
    this.host = new ActorHost({
      machine: conversationMachine.provide({ actors: { askAi } }),
      ...(options.idleMs === undefined ? {} : { idleMs: options.idleMs }),
      ...(options.maxLive === undefined ? {} : { maxLive: options.maxLive }),
      snapshots: { load: (key) => this.loadSnapshot(key) },
      onAsyncStep: async (key, { snapshot, emitted, version }) => {
        const [tenantId] = partsOf(key);
        const conversationId = (snapshot as Snapshot<unknown> & { context: { conversationId: string } }).context.conversationId;
        const stored = await conversationStore.recordStep(orm, tenantId, conversationId, snapshot, emitted, version);
        await this.publishStep(tenantId, stored, emitted);
        return stored.version;
      },
      onAsyncError: (key, error) => this.log.error({ err: error, key }, 'could not store a conversation step; it will be retried from the snapshot'),
    });
  }

  /**
   * A channel message: a customer's, or one the business wrote from its own phone (which hands
   * the chat to people). Stored with the step it causes, once, however often it is delivered.
   */
  async handleInbound(envelope: BusEnvelope<'inbound.message'>): Promise<void> {
    const inbound = envelope.data;
    const { tenantId } = envelope;
    if (!inbound.fromBusiness) {
      this.routes.set(`${tenantId}:${inbound.externalMessageId}`, { channelId: inbound.channelId, externalChatId: inbound.externalChatId });
      // Messages the bot never answers (an agent holds the chat) leave their route behind: bounded.
      if (this.routes.size > 10_000) this.routes.delete(this.routes.keys().next().value ?? '');
    }
    const event: ConversationEvent = inbound.fromBusiness
      ? { type: 'business.message', messageId: inbound.externalMessageId }
      : { type: 'customer.message', messageId: inbound.externalMessageId, text: inbound.text ?? describeFiles(inbound.attachments) };
    try {
      const { stored, emitted } = await this.host.dispatch(
        keyOf(tenantId, inbound.channelId, inbound.externalChatId),
        () => this.newInput(tenantId),
        event,
        async ({ snapshot, emitted, version }) => {
          const step = await conversationStore.recordInbound(this.options.orm, tenantId, inbound, snapshot, emitted, version);
          return { result: { stored: step, emitted }, version: step.version };
        },
      );
      await this.publishStep(tenantId, stored, emitted);
    } catch (error) {
      if (error instanceof DuplicateMessage) {
        this.log.debug({ traceId: envelope.traceId, externalId: error.externalId }, 'duplicate channel message skipped');
        return;
      }
      throw error;
    }
  }

  /** An agent's command, applied through the conversation's actor; refused with `SB_ERR_CONFLICT` when the conversation does not allow it. */
  async handleCommand(tenantId: string, command: ConversationCommandRequest): Promise<ConversationCommandReply> {
    const { orm } = this.options;
    const location = await withTenant(orm.em, tenantId, (em) => conversationStore.locate(em, command.conversationId));
    if (!location) throw new AppError('SB_ERR_NOT_FOUND', { message: 'No conversation of this workspace has this id.' });
    const write: AgentWrite | undefined = command.type === 'message' || command.type === 'note'
      ? {
          kind: command.type, agentId: command.agentId, agentName: command.agentName, text: command.text, clientId: command.clientId,
          ...(command.type === 'message' && command.attachments?.length ? { attachments: command.attachments } : {}),
        }
      : undefined;
    if (write) {
      // A retried send (same clientId) answers what the first one stored, and sends nothing again.
      const earlier = await withTenant(orm.em, tenantId, (em) => conversationStore.findAgentWrite(em, command.conversationId, write));
      if (earlier) return { ...(await this.currentView(tenantId, command.conversationId)), message: earlier };
    }
    type Outcome = { refused: AppError } | { stored: StoredStep; emitted: ConversationEmitted[] };
    const outcome = await this.host.dispatch<Outcome>(
      keyOf(tenantId, location.channelId, location.externalChatId),
      () => Promise.reject(new AppError('SB_ERR_NOT_FOUND', { message: 'This conversation has no state yet.' })),
      eventFor(command),
      async ({ snapshot, emitted, version }) => {
        if (!emitted.some((event) => acceptedBy[command.type](event, command))) {
          const state = snapshot as Snapshot<unknown> & { value: unknown; context: { assignedAgentId?: string } };
          const status = typeof state.value === 'string' ? state.value : Object.keys(state.value as object)[0] ?? 'bot';
          return { result: { refused: refusal(command, status, state.context.assignedAgentId) }, version };
        }
        const step = await conversationStore.recordStep(orm, tenantId, command.conversationId, snapshot, emitted, version, write);
        return { result: { stored: step, emitted }, version: step.version };
      },
    );
    if ('refused' in outcome) throw outcome.refused;
    const agentName = command.type === 'transfer' ? command.toAgentName : command.agentName;
    await this.publishStep(tenantId, outcome.stored, outcome.emitted, agentName);
    const message = outcome.stored.messages.find((candidate) => candidate.author.kind === 'agent');
    return { conversation: outcome.stored.conversation, ...(message ? { message } : {}) };
  }

  /**
   * Releases agents whose inactivity deadline passed, wakes conversations whose bot answer was
   * in flight when a runner died (older than `stalledAfterSeconds`), so it is given once, and
   * publishes again replies stored but never published (same `Nats-Msg-Id`, so at most once).
   */
  async sweep(stalledAfterSeconds: number, owns: (partition: number) => boolean = () => true): Promise<{ released: number; resumed: number; republished: number }> {
    const em = this.options.orm.em.fork();
    const mine = (row: { channel_id: string; external_chat_id: string }) => owns(conversationPartition(row.channel_id, row.external_chat_id));
    const lapsed = (await em.execute<Array<{ id: string; tenant_id: string; channel_id: string; external_chat_id: string }>>('select * from lapsed_agent_claims(100)')).filter(mine);
    let released = 0;
    for (const row of lapsed) {
      const outcome = await this.host.dispatch(
        keyOf(row.tenant_id, row.channel_id, row.external_chat_id),
        () => this.newInput(row.tenant_id),
        { type: 'agent.inactive', now: Date.now() },
        async ({ snapshot, emitted, version }) => {
          if (emitted.length === 0) return { result: undefined, version };
          const step = await conversationStore.recordStep(this.options.orm, row.tenant_id, row.id, snapshot, emitted, version);
          return { result: { step, emitted }, version: step.version };
        },
      ).catch((error: unknown) => this.log.warn({ err: error, conversationId: row.id }, 'could not release an inactive agent; will retry'));
      if (outcome) {
        released += 1;
        await this.publishStep(row.tenant_id, outcome.step, outcome.emitted);
      }
    }
    const stalled = (await em.execute<Array<{ tenant_id: string; channel_id: string; external_chat_id: string }>>('select * from stalled_bot_answers(?, 100)', [stalledAfterSeconds])).filter(mine);
    let resumed = 0;
    for (const row of stalled) {
      const key = keyOf(row.tenant_id, row.channel_id, row.external_chat_id);
      if (this.host.isLive(key)) continue;
      await this.host.touch(key, () => this.newInput(row.tenant_id));
      resumed += 1;
    }
    // Republishing is harmless within JetStream's two-minute dedupe window, so a short wait
    // suffices (none at start-up, when nothing of this runner can be in flight).
    const unsent = await em.execute<UnsentReply[]>('select * from unsent_replies(?, 100)', [Math.min(stalledAfterSeconds, 5)]);
    await Promise.all(unsent.map((row) => this.options.bus.publish(
      createEnvelope('outbound.message', row.tenant_id, {
        messageId: row.id,
        conversationId: row.conversation_id,
        channelId: row.channel_id,
        channelType: row.channel_type,
        externalChatId: row.external_chat_id,
        ...(row.text !== null ? { text: row.text } : {}),
        attachments: row.attachments,
        author: { kind: row.author_kind, ...(row.author_id ? { id: row.author_id } : {}), ...(row.author_name ? { name: row.author_name } : {}) },
      }),
      { channelId: row.channel_id, msgId: `reply:${row.id}` },
    )));
    return { released, resumed, republished: unsent.length };
  }

  stop(): Promise<void> {
    return this.host.stop();
  }

  private async newInput(tenantId: string): Promise<ConversationInput> {
    return { tenantId, conversationId: randomUUID(), settings: (await this.options.settingsFor(tenantId)).conversation };
  }

  /** The stored snapshot, with the tenant's current settings, so an admin's change reaches existing conversations. */
  private async loadSnapshot(key: string): Promise<StoredSnapshot | undefined> {
    const [tenantId, channelId, externalChatId] = partsOf(key);
    const [stored, settings] = await Promise.all([
      conversationStore.loadSnapshot(this.options.orm, tenantId, channelId, externalChatId),
      this.options.settingsFor(tenantId),
    ]);
    if (!stored) return undefined;
    const snapshot = stored.snapshot as Snapshot<unknown> & { context: { settings: unknown } };
    const withSettings: unknown = { ...snapshot, context: { ...snapshot.context, settings: settings.conversation } };
    return { ...stored, snapshot: withSettings as Snapshot<unknown> };
  }

  private async currentView(tenantId: string, conversationId: string): Promise<ConversationCommandReply> {
    const view = await withTenant(this.options.orm.em, tenantId, (em) => conversationStore.view(em, conversationId));
    if (!view) throw new AppError('SB_ERR_NOT_FOUND', { message: 'No conversation of this workspace has this id.' });
    return { conversation: view.conversation };
  }

  /**
   * Publishes what a stored step means, in order (one connection keeps JetStream's order, so the
   * publishes go out together and are awaited together).
   */
  private async publishStep(tenantId: string, stored: StoredStep, emitted: ConversationEmitted[], agentName?: string): Promise<void> {
    const { bus } = this.options;
    const { conversation } = stored;
    const route = { channelId: conversation.channelId, externalChatId: stored.externalChatId };
    const publishes: Array<Promise<unknown>> = [];
    for (const message of stored.messages) {
      publishes.push(bus.publish(createEnvelope('message.created', tenantId, { message, route })));
      // A widget reply reaches the visitor from the events stream through the hub (stored as
      // sent); every other channel's waits for the connector holding its session (pending). A
      // message the business already sent from its own phone is neither: it is only shown.
      if (message.direction === 'outbound' && !message.isPrivate && message.status === 'pending') publishes.push(this.publishOutbound(tenantId, stored, message));
    }
    // A new conversation is announced; a changed one is carried by the fact that changed it
    // (handoff, assignment, release, close), and a message alone is told by `message.created`,
    // from which consoles update the preview and unread count. Only a reopen needs its own.
    if (stored.created) publishes.push(bus.publish(createEnvelope('conversation.created', tenantId, { conversation })));
    else if (emitted.some((event) => event.type === 'conversation.reopened')) publishes.push(bus.publish(createEnvelope('conversation.updated', tenantId, { conversation })));
    for (const event of emitted) {
      if (event.type === 'handoff.requested') {
        publishes.push(bus.publish(createEnvelope('handoff.requested', tenantId, { conversation, reason: event.reason, ...(event.note ? { note: event.note } : {}) })));
      } else if (event.type === 'conversation.released') {
        publishes.push(bus.publish(createEnvelope('conversation.released', tenantId, { conversation, agentId: event.agentId, reason: event.reason, route })));
      } else if (event.type === 'conversation.assigned') {
        publishes.push(bus.publish(createEnvelope('conversation.assigned', tenantId, {
          conversation, agentId: event.agentId, route,
          ...(agentName ? { agentName } : {}),
          ...(event.previousAgentId ? { previousAgentId: event.previousAgentId } : {}),
        })));
      } else if (event.type === 'conversation.closed') {
        publishes.push(bus.publish(createEnvelope('conversation.closed', tenantId, { conversation })));
      }
    }
    // Stored with the step that made them, so told only once they are safe.
    for (const action of stored.actions) publishes.push(bus.publish(createEnvelope('action.proposed', tenantId, { action })));
    await Promise.all(publishes);
  }

  private publishOutbound(tenantId: string, stored: StoredStep, message: MessageView) {
    const { conversation } = stored;
    return this.options.bus.publish(
      createEnvelope('outbound.message', tenantId, {
        messageId: message.id,
        conversationId: conversation.id,
        channelId: conversation.channelId,
        channelType: conversation.channelType,
        externalChatId: stored.externalChatId,
        ...(message.text !== undefined ? { text: message.text } : {}),
        attachments: message.attachments,
        author: message.author,
      }),
      { channelId: conversation.channelId, msgId: `reply:${message.id}` },
    );
  }
}
