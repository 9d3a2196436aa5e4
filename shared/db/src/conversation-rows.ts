import type { ActionView, ChannelType, ConversationStatus, ConversationView, MessageView } from '@switchboard/contracts';

/** A `messages` row as the runner and the hub select it (`messageColumns`). */
export interface MessageRow {
  id: string;
  conversation_id: string;
  direction: 'inbound' | 'outbound';
  author_kind: MessageView['author']['kind'];
  author_id: string | null;
  author_name: string | null;
  text: string | null;
  attachments: MessageView['attachments'];
  is_private: boolean;
  status: MessageView['status'];
  failure_reason: string | null;
  created_at: Date;
}

/** A conversation joined with its channel's type and its contact's name. */
export interface ConversationRow {
  id: string;
  channel_id: string;
  channel_type: ChannelType;
  status: ConversationStatus;
  contact_name: string | null;
  assigned_agent_id: string | null;
  last_message_at: Date | null;
  last_message_preview: string | null;
  unread_count: number;
  created_at: Date;
  updated_at: Date;
}

export const messageColumns = 'id, conversation_id, direction, author_kind, author_id, author_name, text, attachments, is_private, status, failure_reason, created_at';

const iso = (value: Date) => new Date(value).toISOString();

/** The message as consoles and widgets see it (contracts `MessageView`). */
export function toMessageView(row: MessageRow): MessageView {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    direction: row.direction,
    author: { kind: row.author_kind, ...(row.author_id ? { id: row.author_id } : {}), ...(row.author_name ? { name: row.author_name } : {}) },
    ...(row.text !== null ? { text: row.text } : {}),
    attachments: row.attachments,
    isPrivate: row.is_private,
    status: row.status,
    ...(row.failure_reason ? { failureReason: row.failure_reason } : {}),
    createdAt: iso(row.created_at),
  };
}

/** The conversation as consoles see it (contracts `ConversationView`). */
export function toConversationView(row: ConversationRow): ConversationView {
  return {
    id: row.id,
    channelId: row.channel_id,
    channelType: row.channel_type,
    status: row.status,
    ...(row.contact_name ? { contactName: row.contact_name } : {}),
    ...(row.assigned_agent_id ? { assignedAgentId: row.assigned_agent_id } : {}),
    ...(row.last_message_at ? { lastMessageAt: iso(row.last_message_at) } : {}),
    ...(row.last_message_preview ? { lastMessagePreview: row.last_message_preview } : {}),
    unreadCount: row.unread_count,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export interface ActionRow {
  id: string;
  conversation_id: string;
  kind: ActionView['kind'];
  summary: string;
  fields: ActionView['fields'];
  status: ActionView['status'];
  decided_by: string | null;
  decided_at: Date | string | null;
  reason: string | null;
  created_at: Date | string;
}

export const actionColumns = 'id, conversation_id, kind, summary, fields, status, decided_by, decided_at, reason, created_at';

export function toActionView(row: ActionRow): ActionView {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    kind: row.kind,
    summary: row.summary,
    fields: row.fields,
    status: row.status,
    proposedAt: new Date(row.created_at).toISOString(),
    ...(row.decided_by ? { decidedBy: row.decided_by } : {}),
    ...(row.decided_at ? { decidedAt: new Date(row.decided_at).toISOString() } : {}),
    ...(row.reason ? { reason: row.reason } : {}),
  };
}
