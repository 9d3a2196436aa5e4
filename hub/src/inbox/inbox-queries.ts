import type { EntityManager } from '@mikro-orm/postgresql';
import type { ConversationListQuery, ConversationPage, ConversationView, InboxCounts, MessagePage } from '@switchboard/contracts';
import { messageColumns, toConversationView, toMessageView, type ConversationRow, type MessageRow } from '@switchboard/db';
import { AppError } from '@switchboard/errors';

interface ListedConversationRow extends ConversationRow {
  sort_at: Date;
}

const conversationColumns = `c.id, c.channel_id, ch.type as channel_type, c.status, ct.name as contact_name, c.assigned_agent_id,
  c.last_message_at, c.last_message_preview, c.unread_count, c.created_at, c.updated_at, coalesce(c.last_message_at, c.created_at) as sort_at`;
const conversationFrom = 'from conversations c join channels ch on ch.id = c.channel_id join contacts ct on ct.id = c.contact_id';

const iso = (value: Date) => new Date(value).toISOString();

/** A keyset cursor: the sort time and id of the last row of a page, opaque to clients. */
function encodeCursor(row: ListedConversationRow): string {
  return Buffer.from(JSON.stringify([iso(row.sort_at), row.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string' && !Number.isNaN(Date.parse(value[0]))
      && /^[0-9a-f-]{36}$/i.test(value[1])) {
      return [value[0], value[1]];
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('SB_ERR_VALIDATION', { message: 'The cursor is not valid; start from the first page.', issues: [{ path: '/cursor', message: 'is not a cursor this API gave out' }] });
}

/**
 * The inbox's reads, always inside a tenant scope (row-level security keeps them to the
 * caller's tenant). Lists are keyset-paged on (last activity, id) so page 500 costs what page 1
 * does, whatever the number of conversations.
 */
export const inboxQueries = {
  async list(em: EntityManager, query: ConversationListQuery, userId: string): Promise<ConversationPage> {
    const limit = query.limit ?? 50;
    const where: string[] = [];
    const params: unknown[] = [];
    const tab = query.tab ?? 'all';
    if (tab === 'awaiting') where.push(`c.status = 'awaiting_agent'`);
    else if (tab === 'bot') where.push(`c.status = 'bot'`);
    else if (tab === 'closed') where.push(`c.status = 'closed'`);
    else if (tab === 'mine') {
      where.push(`c.status = 'agent' and c.assigned_agent_id = ?`);
      params.push(userId);
    }
    if (query.status) {
      where.push('c.status = ?');
      params.push(query.status);
    }
    if (query.channelType) {
      where.push('ch.type = ?');
      params.push(query.channelType);
    }
    if (query.assignedAgentId) {
      where.push('c.assigned_agent_id = ?');
      params.push(query.assignedAgentId);
    }
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor);
      where.push('(coalesce(c.last_message_at, c.created_at), c.id) < (?::timestamptz, ?::uuid)');
      params.push(at, id);
    }
    const rows = await em.execute<ListedConversationRow[]>(
      `select ${conversationColumns} ${conversationFrom} ${where.length > 0 ? `where ${where.join(' and ')}` : ''}
       order by coalesce(c.last_message_at, c.created_at) desc, c.id desc limit ?`,
      [...params, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { items: page.map(toConversationView), ...(rows.length > limit && last ? { nextCursor: encodeCursor(last) } : {}) };
  },

  async counts(em: EntityManager, userId: string): Promise<InboxCounts> {
    const [row] = await em.execute<Array<Record<keyof InboxCounts, string | number>>>(
      `select count(*) filter (where status = 'awaiting_agent') as awaiting,
              count(*) filter (where status = 'agent' and assigned_agent_id = ?) as mine,
              count(*) filter (where status = 'bot') as bot,
              count(*) filter (where status = 'closed') as closed,
              count(*) filter (where status = 'agent' and assigned_agent_id = ? and unread_count > 0) as "unreadMine"
       from conversations`,
      [userId, userId],
    );
    const number = (value: string | number | undefined) => Number(value ?? 0);
    return { awaiting: number(row?.awaiting), mine: number(row?.mine), bot: number(row?.bot), closed: number(row?.closed), unreadMine: number(row?.unreadMine) };
  },

  async get(em: EntityManager, conversationId: string): Promise<ConversationView> {
    const [row] = await em.execute<ListedConversationRow[]>(`select ${conversationColumns} ${conversationFrom} where c.id = ?`, [conversationId]);
    if (!row) throw new AppError('SB_ERR_NOT_FOUND', { message: 'No conversation of this workspace has this id.' });
    return toConversationView(row);
  },

  /**
   * A page of a conversation's timeline, oldest first: the latest `limit` messages, those
   * before the message `before`, or those after `after` (what a reconnecting client missed).
   * `includePrivate` is false for the customer's widget, which never sees private notes.
   */
  async messages(em: EntityManager, conversationId: string, options: { before?: string | undefined; after?: string | undefined; limit?: number | undefined; includePrivate: boolean }): Promise<MessagePage> {
    const limit = options.limit ?? 50;
    const privacy = options.includePrivate ? '' : 'and not is_private';
    if (options.after) {
      const rows = await em.execute<MessageRow[]>(
        `select ${messageColumns} from messages where conversation_id = ? ${privacy}
           and (created_at, id) > (select created_at, id from messages where id = ? and conversation_id = ?)
         order by created_at, id limit ?`,
        [conversationId, options.after, conversationId, limit + 1],
      );
      return { items: rows.slice(0, limit).map(toMessageView), hasMore: rows.length > limit };
    }
    const rows = await em.execute<MessageRow[]>(
      `select ${messageColumns} from messages where conversation_id = ? ${privacy}
         ${options.before ? 'and (created_at, id) < (select created_at, id from messages where id = ? and conversation_id = ?)' : ''}
       order by created_at desc, id desc limit ?`,
      options.before ? [conversationId, options.before, conversationId, limit + 1] : [conversationId, limit + 1],
    );
    return { items: rows.slice(0, limit).reverse().map(toMessageView), hasMore: rows.length > limit };
  },

  async markRead(em: EntityManager, conversationId: string): Promise<boolean> {
    const rows = await em.execute<Array<{ id: string }>>('update conversations set unread_count = 0 where id = ? and unread_count > 0 returning id', [conversationId]);
    if (rows.length > 0) return true;
    await this.get(em, conversationId); // answers 404 for a conversation that does not exist
    return false;
  },

  /** The conversation of a widget visitor on a channel, if they have written before. */
  async visitorConversation(em: EntityManager, channelId: string, externalChatId: string): Promise<(ConversationView & { agentName?: string }) | undefined> {
    const [row] = await em.execute<Array<ListedConversationRow & { agent_name: string | null }>>(
      `select ${conversationColumns}, u.name as agent_name ${conversationFrom} left join users u on u.id = c.assigned_agent_id
       where c.channel_id = ? and c.external_chat_id = ?`,
      [channelId, externalChatId],
    );
    return row ? { ...toConversationView(row), ...(row.agent_name ? { agentName: row.agent_name } : {}) } : undefined;
  },
};
