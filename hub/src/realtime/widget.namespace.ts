import type { IncomingMessage } from 'node:http';
import type { Namespace } from 'socket.io';
import { createEnvelope, inboundMessageId, type Bus } from '@switchboard/bus';
import { checkSchema, describeIssues, WidgetAuth, widgetCommands, type InboundMessage, type MessageView } from '@switchboard/contracts';
import { withTenant, type Orm } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import type { Logger } from 'pino';
import { inboxQueries } from '../inbox/inbox-queries.ts';
import type { WebchatChannel, WebchatChannels } from '../inbox/webchat-channels.ts';
import type { WidgetFileLinks } from '../media/widget-file-links.ts';
import type { WidgetUploads } from '../media/widget-uploads.ts';
import type { RateLimiter, RateLimitRule } from '../rate-limit/rate-limiter.ts';
import type { LiveSignals } from './live-signals.ts';
import { refusal, socketCommand } from './socket-command.ts';

/** Limits on what one visitor and one address can do through the widget. */
export interface WidgetLimits {
  /** Customer messages per visitor (default 20 a minute). */
  messagesPerVisitor: RateLimitRule;
  /** Files a visitor starts uploading (default 10 a minute). */
  filesPerVisitor: RateLimitRule;
  /** New conversations started from one address (default 6 in 12 hours, Chatwoot's bar). */
  conversationsPerIp: RateLimitRule;
  /** Connections from one address (default 60 a minute). */
  connectionsPerIp: RateLimitRule;
}

export const defaultWidgetLimits: WidgetLimits = {
  messagesPerVisitor: { limit: 20, windowMs: 60_000 },
  filesPerVisitor: { limit: 10, windowMs: 60_000 },
  conversationsPerIp: { limit: 6, windowMs: 12 * 60 * 60_000 },
  connectionsPerIp: { limit: 60, windowMs: 60_000 },
};

export interface WidgetNamespaceOptions {
  bus: Bus;
  orm: Orm;
  channels: WebchatChannels;
  live: LiveSignals;
  rateLimiter: RateLimiter;
  limits: WidgetLimits;
  /** Files visitors send, assembled from `file.upload` pieces. */
  uploads: WidgetUploads;
  /** Signs the links through which visitors open their conversation's files. */
  fileLinks: WidgetFileLinks;
  logger: Logger;
  /** The client address of a handshake request (honours the hub's trusted proxies). */
  clientIp: (request: IncomingMessage) => string;
}

interface VisitorData {
  channel: WebchatChannel;
  /** The visitor's chat on the channel: their storefront identity when signed, else their anonymous id. */
  chatId: string;
  visitorId: string;
  name?: string | undefined;
  visit?: InboundMessage['visit'];
  ip: string;
  conversationId?: string | undefined;
}

export const visitorRoom = (channelId: string, chatId: string) => `visitor:${channelId}:${chatId}`;

function originAllowed(channel: WebchatChannel, origin: string | undefined): boolean {
  if (channel.allowedOrigins.length === 0) return true;
  return origin !== undefined && channel.allowedOrigins.includes(origin);
}

/**
 * `/widget`: storefront visitors. The handshake names the channel's public key and the visitor;
 * a visitor's message is published to `SB_INBOUND` like any channel's (its id is derived from
 * the visitor and `clientId`, so a resend is the same message) and answered by the runner.
 * Files come first, in `file.upload` pieces, and a message names them; the messages the widget
 * is sent carry signed links to their files instead of media-store references.
 */
export function attachWidgetNamespace(namespace: Namespace, options: WidgetNamespaceOptions): void {
  const { bus, orm, channels, live, rateLimiter, limits, uploads, fileLinks, logger } = options;

  namespace.use((socket, next) => {
    const check = checkSchema(WidgetAuth, socket.handshake.auth);
    if (!check.ok) return next(refusal(new AppError('SB_ERR_VALIDATION', { message: `widget handshake: ${describeIssues(check.issues)}`, issues: check.issues })));
    const auth = check.value;
    const ip = options.clientIp(socket.request);
    (async () => {
      await rateLimiter.consume(`widget:connect:ip:${ip}`, limits.connectionsPerIp);
      const channel = await channels.byKey(auth.key);
      if (!channel) throw new AppError('SB_ERR_NOT_FOUND', { message: 'No chat widget has this key.' });
      if (!channel.tenantActive) throw new AppError('SB_ERR_TENANT_SUSPENDED', { message: 'Chat is unavailable right now.' });
      if (!originAllowed(channel, socket.handshake.headers.origin)) throw new AppError('SB_ERR_FORBIDDEN', { message: 'This site may not embed this chat widget.' });
      const signed = auth.identifier !== undefined && auth.identityHash !== undefined && channels.verifyIdentity(channel, auth.identifier, auth.identityHash);
      if (channel.enforceIdentity && auth.identifier !== undefined && !signed) {
        throw new AppError('SB_ERR_UNAUTHENTICATED', { message: 'The storefront identity is not signed with this channel\'s secret.' });
      }
      const data: VisitorData = {
        channel,
        chatId: signed && auth.identifier !== undefined ? `id:${auth.identifier}` : auth.visitorId,
        visitorId: auth.visitorId,
        name: auth.name,
        visit: auth.visit,
        ip,
      };
      socket.data = data;
      next();
    })().catch((error: unknown) => next(refusal(error)));
  });

  namespace.on('connection', (socket) => {
    const visitor = socket.data as VisitorData;
    const { channel } = visitor;
    void socket.join(visitorRoom(channel.id, visitor.chatId));
    const inTenant = <T>(work: Parameters<typeof withTenant<T>>[2]) => withTenant(orm.em, channel.tenantId, work);
    const forVisitor = (messages: readonly MessageView[]) => messages.map((message) => fileLinks.forVisitor(channel.tenantId, message));
    const files = uploads.forSocket({ tenantId: channel.tenantId, channelId: channel.id, visitorId: visitor.visitorId });
    socket.on('disconnect', () => files.close());

    const ready = inTenant(async (em) => {
      const conversation = await inboxQueries.visitorConversation(em, channel.id, visitor.chatId);
      const messages = conversation ? (await inboxQueries.messages(em, conversation.id, { includePrivate: false, limit: 50 })).items : [];
      visitor.conversationId = conversation?.id;
      socket.emit('session.ready', {
        ...(conversation ? { conversationId: conversation.id, status: conversation.status } : {}),
        ...(conversation?.agentName && conversation.status === 'agent' ? { agentName: conversation.agentName } : {}),
        messages: forVisitor(messages),
      });
    }).catch((error: unknown) => logger.error({ err: error }, 'could not load a visitor\'s conversation'));

    socket.on('file.upload', socketCommand('file.upload', widgetCommands['file.upload'], logger, (piece) =>
      files.receive(piece, () => rateLimiter.consume(`widget:files:${channel.id}:${visitor.chatId}`, limits.filesPerVisitor))));

    socket.on('message.send', socketCommand('message.send', widgetCommands['message.send'], logger, async ({ text, clientId, files: fileClientIds = [] }) => {
      if (text === undefined && fileClientIds.length === 0) {
        throw new AppError('SB_ERR_VALIDATION', { message: 'message.send: a message needs text, a file, or both.', issues: [{ path: '/text', message: 'is required when no file is attached' }] });
      }
      await ready;
      await rateLimiter.consume(`widget:messages:${channel.id}:${visitor.chatId}`, limits.messagesPerVisitor);
      const attachments = await files.attachments(fileClientIds);
      const conversationId = visitor.conversationId ?? await inTenant(async (em) => (await inboxQueries.visitorConversation(em, channel.id, visitor.chatId))?.id);
      if (conversationId === undefined) await rateLimiter.consume(`widget:conversations:ip:${visitor.ip}`, limits.conversationsPerIp);
      visitor.conversationId = conversationId;
      const externalMessageId = `w:${visitor.visitorId}:${clientId}`;
      const inbound: InboundMessage = {
        channelId: channel.id,
        channelType: 'webchat',
        externalMessageId,
        externalChatId: visitor.chatId,
        contact: { externalId: visitor.chatId, ...(visitor.name ? { name: visitor.name } : {}) },
        ...(text === undefined ? {} : { text }),
        attachments,
        isGroup: false,
        sentAt: new Date().toISOString(),
        ...(visitor.visit && conversationId === undefined ? { visit: visitor.visit } : {}),
      };
      await bus.publish(createEnvelope('inbound.message', channel.tenantId, inbound), { channelId: channel.id, msgId: `in:${channel.id}:${externalMessageId}` });
      return { id: inboundMessageId(channel.id, externalMessageId) };
    }));

    socket.on('messages.fetch', socketCommand('messages.fetch', widgetCommands['messages.fetch'], logger, async ({ afterMessageId, limit }) => {
      await ready;
      const conversationId = visitor.conversationId ?? await inTenant(async (em) => (await inboxQueries.visitorConversation(em, channel.id, visitor.chatId))?.id);
      visitor.conversationId = conversationId;
      if (conversationId === undefined) return { messages: [] };
      const page = await inTenant((em) => inboxQueries.messages(em, conversationId, { after: afterMessageId, limit: limit ?? 50, includePrivate: false }));
      return { messages: forVisitor(page.items) };
    }));

    const typing = (isTyping: boolean) => () => {
      void (async () => {
        // The first message creates the conversation in the runner; find it once it exists.
        visitor.conversationId ??= await inTenant(async (em) => (await inboxQueries.visitorConversation(em, channel.id, visitor.chatId))?.id);
        const { conversationId } = visitor;
        if (conversationId !== undefined) live.typing(channel.tenantId, { typing: isTyping, conversationId, author: 'customer' });
      })().catch((error: unknown) => logger.warn({ err: error }, 'could not relay a visitor typing'));
    };
    socket.on('typing.start', typing(true));
    socket.on('typing.stop', typing(false));
  });
}
