import type { EntityManager } from '@mikro-orm/postgresql';
import { inboundMessageId } from '@switchboard/bus';
import type { ActionView, Attachment, ConversationStatus, ConversationView, InboundMessage, MessageView } from '@switchboard/contracts';
import { messageColumns, toActionView, toConversationView, toMessageView, type ActionRow, type ConversationRow, type MessageRow, type Orm } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import type { Snapshot } from 'xstate';
import type { StoredSnapshot } from '../runtime/actor-host.ts';
import type { ConversationContext, ConversationEmitted } from './conversation.machine.ts';
import { sqlState, StepWriter, type StepRow } from './step-writer.ts';

/** Thrown when the channel message is already stored: nothing to do. */
export class DuplicateMessage extends Error {
  constructor(readonly externalId: string) {
    super(`message ${externalId} is already stored`);
  }
}

/** Another writer stored this conversation since its actor was woken; the step is retried from the store. */
export class StaleConversation extends AppError {
  constructor(conversationId: string) {
    super('SB_ERR_CONFLICT', { message: `conversation ${conversationId} changed meanwhile; try again` });
  }
}

interface StoredConversationRow extends ConversationRow {
  external_chat_id: string;
  version: number;
}

export interface StoredStep {
  conversation: ConversationView;
  externalChatId: string;
  /** Rows this step created (the inbound message, bot replies, an agent's message), in order. */
  messages: MessageView[];
  created: boolean;
  version: number;
  /** Actions the bot proposed with this step's replies, stored with it. */
  actions: ActionView[];
}

/** An agent's message or private note, stored with the step that accepted it. */
export interface AgentWrite {
  kind: 'message' | 'note';
  agentId: string;
  agentName?: string | undefined;
  text?: string | undefined;
  /** Files from the tenant's media store, already described by the hub. */
  attachments?: Attachment[];
  clientId: string;
}

type MachineSnapshot = Snapshot<unknown> & { value: unknown; context: ConversationContext };

const statusOf = (snapshot: MachineSnapshot): ConversationStatus => {
  const value = snapshot.value;
  const top = typeof value === 'string' ? value : Object.keys(value as object)[0];
  return (top ?? 'bot') as ConversationStatus;
};

/** What the inbox list shows of a message: its text, else its first file. */
const preview = (text: string | undefined, attachments: readonly Attachment[] = []) => {
  const file = attachments[0];
  return (text ?? (file ? `📎 ${file.fileName ?? file.kind}` : '')).slice(0, 280);
};
const agentExternalId = (write: Pick<AgentWrite, 'kind' | 'agentId' | 'clientId'>) => `${write.kind === 'note' ? 'note' : 'agent'}:${write.agentId}:${write.clientId}`;

const writers = new WeakMap<Orm, StepWriter>();
const writerFor = (orm: Orm) => {
  let writer = writers.get(orm);
  if (!writer) {
    writer = new StepWriter(orm);
    writers.set(orm, writer);
  }
  return writer;
};

interface StepInput {
  conversationId: string;
  snapshot: Snapshot<unknown>;
  version: number;
  emitted: ConversationEmitted[];
  inbound?: InboundMessage;
  agentWrite?: AgentWrite | undefined;
}

/**
 * The conversation tables as the runner writes them. A step, an event and what the actor made
 * of it, is one call of `conversation_step` (migration 0005; several steps share a call when
 * they pile up, see {@link StepWriter}): one round trip, one transaction,
 * in the tenant's row-level security scope: the message rows, the bot replies and the actor's
 * snapshot commit together or not at all, and only where the conversation's version is still
 * the one the actor was woken at. A bot reply's external id is `bot:<the message it answers>`
 * and an agent's `agent:<agent>:<clientId>`, so a step replayed after a crash stores, and
 * therefore sends, nothing twice.
 */
export const conversationStore = {
  async loadSnapshot(orm: Orm, tenantId: string, channelId: string, externalChatId: string): Promise<StoredSnapshot | undefined> {
    const [row] = await orm.em.fork().execute<Array<{ snapshot: Snapshot<unknown> | null; version: number }>>(
      'select * from conversation_snapshot(?, ?, ?)', [tenantId, channelId, externalChatId]);
    return row?.snapshot ? { snapshot: row.snapshot, version: row.version } : undefined;
  },

  /** Stores a customer's message and the step it caused; throws {@link DuplicateMessage} when it was stored before. */
  recordInbound(orm: Orm, tenantId: string, inbound: InboundMessage, snapshot: Snapshot<unknown>, emitted: ConversationEmitted[], version: number): Promise<StoredStep> {
    const conversationId = (snapshot as MachineSnapshot).context.conversationId;
    return this.step(orm, tenantId, { conversationId, snapshot, version, emitted, inbound });
  },

  /**
   * Stores a step that did not start with a customer message: an AI answer arriving, an agent's
   * command (with the message or note it carries), the sweeper releasing an inactive agent.
   */
  recordStep(orm: Orm, tenantId: string, conversationId: string, snapshot: Snapshot<unknown>, emitted: ConversationEmitted[], version: number, agentWrite?: AgentWrite): Promise<StoredStep> {
    return this.step(orm, tenantId, { conversationId, snapshot, version, emitted, agentWrite });
  },

  async step(orm: Orm, tenantId: string, input: StepInput): Promise<StoredStep> {
    const state = input.snapshot as MachineSnapshot;
    const replies = input.emitted.flatMap((event) => (event.type === 'bot.reply' && event.text.length > 0 ? [{ externalId: `bot:${event.inReplyTo}`, text: event.text }] : []));
    const { inbound, agentWrite } = input;
    const agentPreview = agentWrite && agentWrite.kind === 'message' ? [preview(agentWrite.text, agentWrite.attachments)] : [];
    const lastText = inbound ? preview(inbound.text, inbound.attachments) : [...agentPreview, ...replies.map((reply) => reply.text)].at(-1);
    const step = {
      conversationId: input.conversationId,
      version: input.version,
      snapshot: input.snapshot,
      status: statusOf(state),
      ...(state.context.assignedAgentId ? { assignedAgentId: state.context.assignedAgentId } : {}),
      ...(state.context.agentDeadlineAt ? { agentDeadlineAt: new Date(state.context.agentDeadlineAt).toISOString() } : {}),
      ...(inbound || lastText !== undefined ? { lastPreview: preview(lastText) } : {}),
      fromCustomer: inbound !== undefined && inbound.fromBusiness !== true,
      replies,
      proposals: input.emitted.flatMap((event) => (event.type === 'bot.reply' && event.actions.length > 0 ? [{ inReplyTo: event.inReplyTo, actions: event.actions }] : [])),
      ...(inbound ? { inbound: { ...inbound, messageId: inboundMessageId(inbound.channelId, inbound.externalMessageId) } } : {}),
      ...(agentWrite ? {
        agentWrite: {
          externalId: agentExternalId(agentWrite), agentId: agentWrite.agentId, agentName: agentWrite.agentName, text: agentWrite.text,
          attachments: agentWrite.attachments ?? [], isPrivate: agentWrite.kind === 'note',
        },
      } : {}),
    };
    let result: StepRow<StoredConversationRow, MessageRow>;
    try {
      result = await writerFor(orm).write<StepRow<StoredConversationRow, MessageRow>>(tenantId, step);
    } catch (error) {
      const state = sqlState(error);
      if (state === 'SBDUP') throw new DuplicateMessage(inbound?.externalMessageId ?? '');
      if (state === 'SBVER') throw new StaleConversation(input.conversationId);
      if (state === 'SBNOF') throw new AppError('SB_ERR_NOT_FOUND', { message: 'No conversation of this workspace has this id.' });
      throw error;
    }
    return {
      conversation: toConversationView(result.conversation),
      externalChatId: result.conversation.external_chat_id,
      version: result.conversation.version,
      messages: result.messages.map(toMessageView),
      created: result.created,
      actions: (result.actions ?? []).map((row) => toActionView(row as ActionRow)),
    };
  },

  /** Where a conversation lives on its channel, to address its actor. */
  async locate(em: EntityManager, conversationId: string): Promise<{ channelId: string; externalChatId: string } | undefined> {
    const [row] = await em.execute<Array<{ channel_id: string; external_chat_id: string }>>(
      'select channel_id, external_chat_id from conversations where id = ?',
      [conversationId],
    );
    return row ? { channelId: row.channel_id, externalChatId: row.external_chat_id } : undefined;
  },

  /** The message an agent already sent with this `clientId`, if any. */
  async findAgentWrite(em: EntityManager, conversationId: string, write: Pick<AgentWrite, 'kind' | 'agentId' | 'clientId'>): Promise<MessageView | undefined> {
    const [row] = await em.execute<MessageRow[]>(`select ${messageColumns} from messages where conversation_id = ? and external_id = ?`, [conversationId, agentExternalId(write)]);
    return row ? toMessageView(row) : undefined;
  },

  async view(em: EntityManager, conversationId: string): Promise<{ conversation: ConversationView; externalChatId: string; version: number } | undefined> {
    const [row] = await em.execute<StoredConversationRow[]>(
      `select c.id, c.channel_id, ch.type as channel_type, c.status, ct.name as contact_name, c.assigned_agent_id,
         c.last_message_at, c.last_message_preview, c.unread_count, c.created_at, c.updated_at, c.external_chat_id, c.version
       from conversations c join channels ch on ch.id = c.channel_id join contacts ct on ct.id = c.contact_id where c.id = ?`,
      [conversationId],
    );
    return row ? { conversation: toConversationView(row), externalChatId: row.external_chat_id, version: row.version } : undefined;
  },
};
