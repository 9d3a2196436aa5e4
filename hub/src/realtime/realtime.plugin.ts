import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import proxyaddr from '@fastify/proxy-addr';
import { Server } from 'socket.io';
import type { Bus } from '@switchboard/bus';
import { WIDGET_UPLOAD_CHUNK_BYTES, type BusEnvelope, type ChatRoute, type ConsoleFrame, type DomainEventType, type MessageView } from '@switchboard/contracts';
import type { Orm } from '@switchboard/db';
import type { Logger } from 'pino';
import type { PrincipalResolver } from '../identity/principal-resolver.ts';
import type { InboxService } from '../inbox/inbox.service.ts';
import type { WebchatChannels } from '../inbox/webchat-channels.ts';
import type { WidgetFileLinks } from '../media/widget-file-links.ts';
import type { WidgetUploads } from '../media/widget-uploads.ts';
import type { RateLimiter } from '../rate-limit/rate-limiter.ts';
import { attachConsoleNamespace, consoleRooms } from './console.namespace.ts';
import { EventFanout } from './event-fanout.ts';
import { LiveSignals } from './live-signals.ts';
import { attachWidgetNamespace, defaultWidgetLimits, visitorRoom, type WidgetLimits } from './widget.namespace.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The Socket.IO server with the `/console` and `/widget` namespaces. */
    io: Server;
  }
}

export interface RealtimePluginOptions {
  bus: Bus;
  orm: Orm;
  logger: Logger;
  resolver: PrincipalResolver;
  inbox: InboxService;
  channels: WebchatChannels;
  rateLimiter: RateLimiter;
  /** Which hops may name the client (see `trustedProxies`). */
  trustProxy: (address: string, hop: number) => boolean;
  widgetLimits?: Partial<WidgetLimits>;
  /** Files widget visitors send. */
  widgetUploads: WidgetUploads;
  /** Signs the links through which widget visitors open their conversation's files. */
  widgetFileLinks: WidgetFileLinks;
  /** How long reconnecting consoles can ask for missed events (default 15 minutes). */
  replayWindowMs?: number;
}

const widgetEventOf = (envelope: BusEnvelope<DomainEventType>, fileLinks: WidgetFileLinks): [string, unknown] | undefined => {
  switch (envelope.type) {
    case 'message.created':
    case 'message.updated': {
      const message: MessageView = envelope.data.message;
      return message.isPrivate ? undefined : [envelope.type, { message: fileLinks.forVisitor(envelope.tenantId, message) }];
    }
    case 'conversation.assigned':
      return ['agent.joined', { agentName: envelope.data.agentName ?? 'An agent' }];
    case 'conversation.released':
      return ['agent.left', {}];
    default:
      return undefined;
  }
};

/**
 * Socket.IO on the hub's own HTTP server: `/console` for agents, `/widget` for storefront
 * visitors. Domain events come from the hub's own read of `SB_EVENTS` and typing and presence
 * from `sb.live.*`, and are emitted to this hub's sockets only (`local`), so several hubs behind
 * a load balancer need no Socket.IO adapter between them: each serves its own sockets.
 */
export const realtimePlugin = fp(async (app: FastifyInstance, options: RealtimePluginOptions) => {
  const io = new Server(app.server, {
    transports: ['websocket', 'polling'],
    // The widget runs on storefronts (any origin, no credentials); the console's cookie sockets
    // are checked against the hub's own host in the namespace instead.
    cors: { origin: true, credentials: false },
    pingInterval: 25_000,
    pingTimeout: 20_000,
    // One `file.upload` piece (512 KiB, a third more as base64 over long-polling) and its JSON.
    // Every connection, before any handshake is checked, may make the hub buffer this much per
    // message (it was 64 KiB before widget files), so it stays far below a whole file.
    maxHttpBufferSize: 2 * WIDGET_UPLOAD_CHUNK_BYTES,
  });
  const consoleNs = io.of('/console');
  const widgetNs = io.of('/widget');
  const log = options.logger.child({ component: 'realtime' });
  const frame = (eventId: string | undefined, occurredAt: string, data: unknown): ConsoleFrame => ({ ...(eventId ? { eventId } : {}), occurredAt, data } as ConsoleFrame);

  const fanout = new EventFanout({
    bus: options.bus,
    logger: log,
    ...(options.replayWindowMs === undefined ? {} : { replayWindowMs: options.replayWindowMs }),
    sinks: {
      console: (event) => consoleNs.local.to(consoleRooms.tenant(event.tenantId)).emit(event.type, frame(event.eventId, event.occurredAt, event.data)),
      visitor: (route: ChatRoute, envelope) => {
        const translated = widgetEventOf(envelope, options.widgetFileLinks);
        if (translated) widgetNs.local.to(visitorRoom(route.channelId, route.externalChatId)).emit(translated[0], translated[1]);
      },
    },
  });
  const live = new LiveSignals(options.bus, {
    typing: (tenantId, signal) => {
      const name = signal.typing ? 'typing.started' : 'typing.stopped';
      const data = { conversationId: signal.conversationId, author: signal.author, ...(signal.agentId ? { agentId: signal.agentId } : {}), ...(signal.agentName ? { agentName: signal.agentName } : {}) };
      consoleNs.local.to(consoleRooms.tenant(tenantId)).emit(name, frame(undefined, new Date().toISOString(), data));
      if (signal.author === 'agent' && signal.route) {
        widgetNs.local.to(visitorRoom(signal.route.channelId, signal.route.externalChatId)).emit(name, signal.typing ? { ...(signal.agentName ? { authorName: signal.agentName } : {}) } : {});
      }
    },
    presence: (tenantId, presence) => consoleNs.local.to(consoleRooms.tenant(tenantId)).emit('presence.updated', frame(undefined, presence.lastSeenAt, presence)),
    reply: (tenantId, signal) => {
      const { conversationId, replyTo, text, done } = signal;
      consoleNs.local.to(consoleRooms.tenant(tenantId)).emit('reply.streaming', frame(undefined, new Date().toISOString(), { conversationId, replyTo, text, done }));
      if (signal.route) widgetNs.local.to(visitorRoom(signal.route.channelId, signal.route.externalChatId)).emit('reply.streaming', { text, done });
    },
  }, log);

  attachConsoleNamespace(consoleNs, {
    resolver: options.resolver,
    inbox: options.inbox,
    fanout,
    live,
    logger: log,
  });
  attachWidgetNamespace(widgetNs, {
    bus: options.bus,
    orm: options.orm,
    channels: options.channels,
    live,
    rateLimiter: options.rateLimiter,
    limits: { ...defaultWidgetLimits, ...options.widgetLimits },
    uploads: options.widgetUploads,
    fileLinks: options.widgetFileLinks,
    logger: log,
    clientIp: (request) => proxyaddr(request, options.trustProxy),
  });

  app.decorate('io', io);
  await fanout.start();
  live.start();
  app.addHook('preClose', async () => {
    live.stop();
    await fanout.stop();
    io.disconnectSockets(true);
    // Socket.IO closes the HTTP server too; Fastify closes it itself, so only the engine goes here.
    io.engine.close();
  });
}, { name: 'realtime' });
