import type { EntityManager } from '@mikro-orm/postgresql';
import { inboundMessageId } from '@switchboard/bus';
import type { ConversationStatus, ConversationView, InboundMessage, MessageView } from '@switchboard/contracts';
import { messageColumns, toConversationView, toMessageView, type ConversationRow, type MessageRow } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import type { Snapshot } from 'xstate';
import type { StoredSnapshot } from '../runtime/actor-host.ts';
import type { ConversationContext, ConversationEmitted } from './conversation.machine.ts';

/** Thrown inside the transaction when the channel message is already stored: nothing to do. */
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
}

/** An agent's message or private note, stored with the step that accepted it. */
export interface AgentWrite {
  kind: 'message' | 'note';
  agentId: string;
  agentName?: string | undefined;
  text: string;
  clientId: string;
}

type MachineSnapshot = Snapshot<unknown> & { value: unknown; context: ConversationContext };

const statusOf = (snapshot: MachineSnapshot): ConversationStatus => {
  const value = snapshot.value;
  const top = typeof value === 'string' ? value : Object.keys(value as object)[0];
  return (top ?? 'bot') as ConversationStatus;
};

const preview = (text: string | undefined) => (text ?? '').slice(0, 280);

export const conversationSelect = `select c.id, c.channel_id, ch.type as channel_type, c.status, ct.name as contact_name, c.assigned_agent_id,
  c.last_message_at, c.last_message_preview, c.unread_count, c.created_at, c.updated_at, c.external_chat_id, c.version
  from conversations c join channels ch on ch.id = c.channel_id join contacts ct on ct.id = c.contact_id`;

/**
 * The conversation tables as the runner writes them, always inside a tenant scope (row-level
 * security applies). One step, an event and what the actor made of it, is one transaction:
 * the message rows, the bot replies and the actor's snapshot commit together or not at all,
 * and only where the conversation's version is still the one the actor was woken at.
 */
export const conversationStore = {
  async loadSnapshot(em: EntityManager, channelId: string, externalChatId: string): Promise<StoredSnapshot | undefined> {
    const rows = await em.execute<Array<{ snapshot: Snapshot<unknown> | null; version: number }>>(
      'select snapshot, version from conversations where channel_id = ? and external_chat_id = ?',
      [channelId, externalChatId],
    );
    const row = rows[0];
    return row?.snapshot ? { snapshot: row.snapshot, version: row.version } : undefined;
  },

  /** Where a conversation lives on its channel, to address its actor. */
  async locate(em: EntityManager, conversationId: string): Promise<{ channelId: string; externalChatId: string } | undefined> {
    const [row] = await em.execute<Array<{ channel_id: string; external_chat_id: string }>>(
      'select channel_id, external_chat_id from conversations where id = ?',
      [conversationId],
    );
    return row ? { channelId: row.channel_id, externalChatId: row.external_chat_id } : undefined;
  },

  /** Stores a customer's message and the step it caused; throws {@link DuplicateMessage} when it was stored before. */
  async recordInbound(em: EntityManager, tenantId: string, inbound: InboundMessage, snapshot: Snapshot<unknown>, emitted: ConversationEmitted[], version: number): Promise<StoredStep> {
    const state = snapshot as MachineSnapshot;
    const [contact] = await em.execute<Array<{ id: string }>>(
      `insert into contacts (tenant_id, channel_id, external_id, name, phone, username) values (?, ?, ?, ?, ?, ?)
       on conflict (tenant_id, channel_id, external_id) do update set
         name = coalesce(excluded.name, contacts.name), phone = coalesce(excluded.phone, contacts.phone),
         username = coalesce(excluded.username, contacts.username), updated_at = now()
       returning id`,
      [tenantId, inbound.channelId, inbound.contact.externalId, inbound.contact.name ?? null, inbound.contact.phone ?? null, inbound.contact.username ?? null],
    );
    const [conversation] = await em.execute<Array<{ id: string; created: boolean }>>(
      `insert into conversations (id, tenant_id, channel_id, contact_id, external_chat_id, visit) values (?, ?, ?, ?, ?, ?)
       on conflict (tenant_id, channel_id, external_chat_id) do update set updated_at = now()
       returning id, (xmax = 0) as created`,
      [state.context.conversationId, tenantId, inbound.channelId, contact?.id, inbound.externalChatId, inbound.visit ? JSON.stringify(inbound.visit) : null],
    );
    const conversationId = conversation?.id ?? state.context.conversationId;
    const inserted = await em.execute<MessageRow[]>(
      `insert into messages (id, tenant_id, conversation_id, channel_id, external_id, direction, author_kind, author_name, text, attachments, status, created_at)
       values (?, ?, ?, ?, ?, 'inbound', 'customer', ?, ?, ?, 'received', clock_timestamp())
       on conflict do nothing
       returning ${messageColumns}`,
      [inboundMessageId(inbound.channelId, inbound.externalMessageId), tenantId, conversationId, inbound.channelId, inbound.externalMessageId,
        inbound.contact.name ?? null, inbound.text ?? null, JSON.stringify(inbound.attachments)],
    );
    if (inserted.length === 0) throw new DuplicateMessage(inbound.externalMessageId);
    const replies = await this.insertReplies(em, tenantId, conversationId, inbound.channelId, emitted);
    const view = await this.saveSnapshot(em, conversationId, snapshot, version, { lastPreview: preview(inbound.text), fromCustomer: true });
    return { ...view, messages: [...inserted.map(toMessageView), ...replies], created: conversation?.created ?? false };
  },

  /**
   * Stores a step that did not start with a customer message: an AI answer arriving, an agent's
   * command (with the message or note it carries), the sweeper releasing an inactive agent.
   */
  async recordStep(em: EntityManager, tenantId: string, conversationId: string, snapshot: Snapshot<unknown>, emitted: ConversationEmitted[], version: number, agentWrite?: AgentWrite): Promise<StoredStep> {
    const [channel] = await em.execute<Array<{ channel_id: string }>>('select channel_id from conversations where id = ?', [conversationId]);
    if (!channel) throw new AppError('SB_ERR_NOT_FOUND', { message: `conversation ${conversationId} does not exist` });
    const written = agentWrite ? await this.insertAgentWrite(em, tenantId, conversationId, channel.channel_id, agentWrite) : [];
    const replies = await this.insertReplies(em, tenantId, conversationId, channel.channel_id, emitted);
    const messages = [...written, ...replies];
    const last = messages.filter((message) => !message.isPrivate).at(-1);
    const view = await this.saveSnapshot(em, conversationId, snapshot, version, { lastPreview: last ? preview(last.text) : undefined, fromCustomer: false });
    return { ...view, messages, created: false };
  },

  /**
   * A bot reply's external id is `bot:<the message it answers>`, so answering the same message
   * again (after a crash and a redelivery) stores, and therefore sends, nothing new.
   */
  async insertReplies(em: EntityManager, tenantId: string, conversationId: string, channelId: string, emitted: ConversationEmitted[]): Promise<MessageView[]> {
    const views: MessageView[] = [];
    for (const event of emitted) {
      if (event.type !== 'bot.reply' || event.text.length === 0) continue;
      const rows = await em.execute<MessageRow[]>(
        `insert into messages (tenant_id, conversation_id, channel_id, external_id, direction, author_kind, author_name, text, status, created_at)
         values (?, ?, ?, ?, 'outbound', 'bot', 'Assistant', ?, 'pending', clock_timestamp())
         on conflict (tenant_id, channel_id, external_id) do nothing
         returning ${messageColumns}`,
        [tenantId, conversationId, channelId, `bot:${event.inReplyTo}`, event.text],
      );
      views.push(...rows.map(toMessageView));
    }
    return views;
  },

  /** An agent's message or note, once per `clientId`: a retry answers the row stored the first time. */
  async insertAgentWrite(em: EntityManager, tenantId: string, conversationId: string, channelId: string, write: AgentWrite): Promise<MessageView[]> {
    const externalId = `${write.kind === 'note' ? 'note' : 'agent'}:${write.agentId}:${write.clientId}`;
    const rows = await em.execute<MessageRow[]>(
      `insert into messages (tenant_id, conversation_id, channel_id, external_id, direction, author_kind, author_id, author_name, text, is_private, status, created_at)
       values (?, ?, ?, ?, 'outbound', 'agent', ?, ?, ?, ?, ?, clock_timestamp())
       on conflict (tenant_id, channel_id, external_id) do nothing
       returning ${messageColumns}`,
      [tenantId, conversationId, channelId, externalId, write.agentId, write.agentName ?? null, write.text, write.kind === 'note', write.kind === 'note' ? 'read' : 'pending'],
    );
    return rows.map(toMessageView);
  },

  /** The message an agent already sent with this `clientId`, if any. */
  async findAgentWrite(em: EntityManager, conversationId: string, write: Pick<AgentWrite, 'kind' | 'agentId' | 'clientId'>): Promise<MessageView | undefined> {
    const externalId = `${write.kind === 'note' ? 'note' : 'agent'}:${write.agentId}:${write.clientId}`;
    const [row] = await em.execute<MessageRow[]>(`select ${messageColumns} from messages where conversation_id = ? and external_id = ?`, [conversationId, externalId]);
    return row ? toMessageView(row) : undefined;
  },

  async view(em: EntityManager, conversationId: string): Promise<{ conversation: ConversationView; externalChatId: string; version: number } | undefined> {
    const [row] = await em.execute<StoredConversationRow[]>(`${conversationSelect} where c.id = ?`, [conversationId]);
    return row ? { conversation: toConversationView(row), externalChatId: row.external_chat_id, version: row.version } : undefined;
  },

  async saveSnapshot(
    em: EntityManager,
    conversationId: string,
    snapshot: Snapshot<unknown>,
    version: number,
    activity: { lastPreview: string | undefined; fromCustomer: boolean },
  ): Promise<{ conversation: ConversationView; externalChatId: string; version: number }> {
    const state = snapshot as MachineSnapshot;
    // The conditional update: written only if nobody stored this conversation since `version`.
    const updated = await em.execute<Array<{ version: number }>>(
      `update conversations set snapshot = ?, status = ?, assigned_agent_id = ?, agent_deadline_at = ?, version = version + 1,
         last_message_at = case when ?::text is null then last_message_at else now() end,
         last_message_preview = coalesce(?, last_message_preview),
         unread_count = case when ? then unread_count + 1 else unread_count end,
         updated_at = now()
       where id = ? and version = ?
       returning version`,
      [JSON.stringify(snapshot), statusOf(state), state.context.assignedAgentId ?? null,
        state.context.agentDeadlineAt ? new Date(state.context.agentDeadlineAt) : null, activity.lastPreview ?? null, activity.lastPreview ?? null,
        activity.fromCustomer, conversationId, version],
    );
    if (updated.length === 0) throw new StaleConversation(conversationId);
    const view = await this.view(em, conversationId);
    if (!view) throw new Error(`conversation ${conversationId} vanished inside its own transaction`);
    return view;
  },
};
