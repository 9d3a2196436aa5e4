import { createEnvelope, type Bus } from '@switchboard/bus';
import {
  attachmentKindOf,
  ConversationCommandReply,
  ConversationCommandRequest,
  conversationPartition,
  mediaRef,
  subjects,
  type Attachment,
  type OutgoingAttachment,
  type ConversationListQuery,
  type ConversationPage,
  type ChatRoute,
  type ConversationView,
  type InboxCounts,
  type MessageListQuery,
  type MessagePage,
  type MessageView,
} from '@switchboard/contracts';
import { mediaStore, withTenant, type Orm } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import { inboxQueries } from './inbox-queries.ts';

/** Who acts in the inbox: a member of one tenant (REST request or console socket). */
export interface InboxActor {
  tenantId: string;
  userId: string;
}

export function inboxActorOf(principal: { tenantId?: string | undefined; userId: string }): InboxActor {
  if (principal.tenantId === undefined) throw new AppError('SB_ERR_FORBIDDEN', { message: 'The inbox belongs to a workspace; sign in to one.' });
  return { tenantId: principal.tenantId, userId: principal.userId };
}

type CommandBody<Type extends ConversationCommandRequest['type']> = Omit<Extract<ConversationCommandRequest, { type: Type }>, 'type' | 'conversationId' | 'agentId' | 'agentName'>;

/**
 * The inbox as REST routes and console sockets both use it. Reads go to PostgreSQL in the
 * caller's tenant scope; every change goes to the runner that owns the conversation
 * (`sb.req.conversation.<tenant>`), which applies it through the conversation's actor, so a
 * claim is decided in one place and exactly one of many simultaneous claims wins.
 */
export class InboxService {
  private readonly names = new Map<string, { name: string; at: number }>();
  private readonly routes = new Map<string, ChatRoute>();

  constructor(private readonly bus: Bus, private readonly orm: Orm) {}

  list(actor: InboxActor, query: ConversationListQuery): Promise<ConversationPage> {
    return withTenant(this.orm.em, actor.tenantId, (em) => inboxQueries.list(em, query, actor.userId));
  }

  counts(actor: InboxActor): Promise<InboxCounts> {
    return withTenant(this.orm.em, actor.tenantId, (em) => inboxQueries.counts(em, actor.userId));
  }

  get(actor: InboxActor, conversationId: string): Promise<ConversationView> {
    return withTenant(this.orm.em, actor.tenantId, (em) => inboxQueries.get(em, conversationId));
  }

  async messages(actor: InboxActor, conversationId: string, query: MessageListQuery): Promise<MessagePage> {
    return withTenant(this.orm.em, actor.tenantId, async (em) => {
      await inboxQueries.get(em, conversationId);
      return inboxQueries.messages(em, conversationId, { ...query, includePrivate: true });
    });
  }

  /** Zeroes the unread count and, when that changed it, tells every console with `conversation.updated`. */
  async markRead(actor: InboxActor, conversationId: string, traceId?: string): Promise<void> {
    const changed = await withTenant(this.orm.em, actor.tenantId, (em) => inboxQueries.markRead(em, conversationId));
    if (!changed) return;
    const conversation = await this.get(actor, conversationId);
    await this.bus.publish(createEnvelope('conversation.updated', actor.tenantId, { conversation }, traceId ? { traceId } : {}));
  }

  claim(actor: InboxActor, conversationId: string) {
    return this.command(actor, 'claim', conversationId, {});
  }

  release(actor: InboxActor, conversationId: string) {
    return this.command(actor, 'release', conversationId, {});
  }

  close(actor: InboxActor, conversationId: string) {
    return this.command(actor, 'close', conversationId, {});
  }

  reopen(actor: InboxActor, conversationId: string) {
    return this.command(actor, 'reopen', conversationId, {});
  }

  async transfer(actor: InboxActor, conversationId: string, toAgentId: string) {
    await this.get(actor, conversationId);
    const toAgentName = await this.memberName(actor.tenantId, toAgentId);
    if (toAgentName === undefined) throw new AppError('SB_ERR_VALIDATION', { message: 'The agent to transfer to is not a member of this workspace.', issues: [{ path: '/agentId', message: 'is not a member' }] });
    return this.command(actor, 'transfer', conversationId, { toAgentId, toAgentName });
  }

  /**
   * An agent's reply: text, files uploaded to the conversation first, or both. Each file must be
   * one of the workspace's kept files; the hub describes it (type, name, size), never the caller.
   */
  async sendMessage(actor: InboxActor, conversationId: string, body: { text?: string | undefined; attachments?: readonly OutgoingAttachment[] | undefined; clientId: string }): Promise<MessageView> {
    const { text, clientId } = body;
    const wanted = body.attachments ?? [];
    if (text === undefined && wanted.length === 0) {
      throw new AppError('SB_ERR_VALIDATION', { message: 'A message needs text, a file, or both.', issues: [{ path: '/text', message: 'is required when no file is attached' }] });
    }
    const [channel] = await withTenant(this.orm.em, actor.tenantId, (em) => em.execute<Array<{ removed: boolean }>>(
      'select ch.removed_at is not null as removed from conversations c join channels ch on ch.id = c.channel_id where c.id = ?', [conversationId]));
    if (channel?.removed) throw new AppError('SB_ERR_CONFLICT', { message: 'The channel of this conversation was removed, so a reply cannot reach the customer; the history stays readable.' });
    const attachments = wanted.length === 0 ? [] : await this.describeFiles(actor, wanted);
    const reply = await this.command(actor, 'message', conversationId, { clientId, ...(text === undefined ? {} : { text }), ...(attachments.length ? { attachments } : {}) });
    if (!reply.message) throw new AppError('SB_ERR_INTERNAL', { message: 'the runner stored no message' });
    return reply.message;
  }

  async addNote(actor: InboxActor, conversationId: string, text: string, clientId: string): Promise<MessageView> {
    const reply = await this.command(actor, 'note', conversationId, { text, clientId });
    if (!reply.message) throw new AppError('SB_ERR_INTERNAL', { message: 'the runner stored no note' });
    return reply.message;
  }

  private async describeFiles(actor: InboxActor, wanted: readonly OutgoingAttachment[]): Promise<Attachment[]> {
    const kept = await mediaStore.describe(this.orm, actor.tenantId, wanted.map((file) => file.mediaId));
    return wanted.map((file, index) => {
      const found = kept.get(file.mediaId);
      if (!found) throw new AppError('SB_ERR_VALIDATION', { message: 'A file of this message was not uploaded to this workspace.', issues: [{ path: `/attachments/${index}/mediaId`, message: 'names no uploaded file' }] });
      return { kind: attachmentKindOf(found.mimeType), mimeType: found.mimeType, url: mediaRef(found.id), sizeBytes: found.sizeBytes, ...(found.fileName ? { fileName: found.fileName } : {}) };
    });
  }

  /** Where a conversation lives on its channel (to reach its visitor's widget); cached, since it never changes. */
  async route(actor: InboxActor, conversationId: string): Promise<ChatRoute | undefined> {
    const hit = this.routes.get(conversationId);
    if (hit) return hit;
    const [row] = await withTenant(this.orm.em, actor.tenantId, (em) =>
      em.execute<Array<{ channel_id: string; external_chat_id: string }>>('select channel_id, external_chat_id from conversations where id = ?', [conversationId]));
    if (!row) return undefined;
    if (this.routes.size > 50_000) this.routes.clear();
    const route = { channelId: row.channel_id, externalChatId: row.external_chat_id };
    this.routes.set(conversationId, route);
    return route;
  }

  /** A member's display name, cached for a minute (agents' names go on their messages and on "agent joined"). */
  async memberName(tenantId: string, userId: string): Promise<string | undefined> {
    const key = `${tenantId}:${userId}`;
    const hit = this.names.get(key);
    if (hit && Date.now() - hit.at < 60_000) return hit.name;
    const [row] = await withTenant(this.orm.em, tenantId, (em) =>
      em.execute<Array<{ name: string }>>('select u.name from memberships m join users u on u.id = m.user_id where m.tenant_id = ? and m.user_id = ?', [tenantId, userId]));
    if (!row) return undefined;
    if (this.names.size > 10_000) this.names.clear();
    this.names.set(key, { name: row.name, at: Date.now() });
    return row.name;
  }

  private async command<Type extends ConversationCommandRequest['type']>(actor: InboxActor, type: Type, conversationId: string, body: CommandBody<Type>): Promise<ConversationCommandReply> {
    // Another workspace's conversation (or none) is a 404 here, before any runner is asked.
    const [agentName] = await Promise.all([this.memberName(actor.tenantId, actor.userId), this.get(actor, conversationId)]);
    const request = { type, conversationId, agentId: actor.userId, ...(agentName ? { agentName } : {}), ...body } as ConversationCommandRequest;
    // The runner owning the conversation's partition answers; no other has its actor.
    const route = await this.route(actor, conversationId);
    if (!route) throw new AppError('SB_ERR_NOT_FOUND', { message: 'No conversation of this workspace has this id.' });
    const subject = subjects.conversationCommands(actor.tenantId, conversationPartition(route.channelId, route.externalChatId));
    return this.bus.request(subject, { request: ConversationCommandRequest, response: ConversationCommandReply }, request, { timeoutMs: 10_000 });
  }
}
