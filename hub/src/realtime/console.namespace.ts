import type { Namespace, Socket } from 'socket.io';
import { consoleCommands, type ConsoleCommand, type Permission } from '@switchboard/contracts';
import { AppError } from '@switchboard/errors';
import type { Logger } from 'pino';
import type { Static } from 'typebox';
import type { Principal } from '../identity/principal.ts';
import type { PrincipalResolver } from '../identity/principal-resolver.ts';
import { cookieNames } from '../identity/session-cookies.ts';
import { inboxActorOf, type InboxService } from '../inbox/inbox.service.ts';
import type { EventFanout } from './event-fanout.ts';
import type { LiveSignals } from './live-signals.ts';
import { refusal, socketCommand } from './socket-command.ts';

export interface ConsoleNamespaceOptions {
  resolver: PrincipalResolver;
  inbox: InboxService;
  fanout: EventFanout;
  live: LiveSignals;
  logger: Logger;
}

interface ConsoleSocketData {
  principal: Principal;
  tenantId: string;
  name?: string | undefined;
}

/** Rooms: one per tenant (every console of its members) and one per agent. */
export const consoleRooms = {
  tenant: (tenantId: string) => `tenant:${tenantId}`,
  agent: (userId: string) => `agent:${userId}`,
};

const commandPermissions: Record<ConsoleCommand, Permission> = {
  'conversation.claim': 'conversation.claim',
  'conversation.release': 'conversation.claim',
  'conversation.transfer': 'conversation.claim',
  'conversation.close': 'conversation.reply',
  'conversation.reopen': 'conversation.reply',
  'conversation.read': 'conversation.read',
  'message.send': 'conversation.reply',
  'note.add': 'conversation.reply',
  'typing.start': 'conversation.reply',
  'typing.stop': 'conversation.reply',
  'presence.set': 'conversation.read',
  'presence.list': 'conversation.read',
  'events.replay': 'conversation.read',
};

function tokenOf(socket: Socket): { token: string; credential: 'bearer' | 'cookie' } | undefined {
  const auth = socket.handshake.auth as { token?: unknown };
  if (typeof auth.token === 'string' && auth.token !== '') return { token: auth.token, credential: 'bearer' };
  const cookies = socket.handshake.headers.cookie ?? '';
  for (const part of cookies.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === cookieNames.access) return { token: decodeURIComponent(value.join('=')), credential: 'cookie' };
  }
  return undefined;
}

/** The host of an Origin header, or undefined for `null` and anything else that is not a URL. */
function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/** Seconds-since-epoch expiry of a JWT, read without verifying (the resolver verified it). */
function expiryOf(token: string): number | undefined {
  try {
    const payload: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof payload === 'object' && payload !== null && typeof (payload as { exp?: unknown }).exp === 'number' ? (payload as { exp: number }).exp : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `/console`: agents' live inbox. A socket authenticates once with the session cookie (its
 * Origin must be the hub's own, so another site cannot ride the cookie) or a Bearer token in
 * `auth.token`, joins its tenant's and its own room, and is disconnected when its access token
 * expires: the console refreshes its session, reconnects and replays what it missed.
 */
export function attachConsoleNamespace(namespace: Namespace, options: ConsoleNamespaceOptions): void {
  const { resolver, inbox, fanout, live, logger } = options;

  namespace.use((socket, next) => {
    const presented = tokenOf(socket);
    if (!presented) return next(refusal(new AppError('SB_ERR_UNAUTHENTICATED')));
    const origin = socket.handshake.headers.origin;
    if (presented.credential === 'cookie' && origin !== undefined && hostOf(origin) !== socket.handshake.headers.host) {
      return next(refusal(new AppError('SB_ERR_CSRF', { message: 'A console socket authenticated by cookie must come from the console itself.' })));
    }
    resolver.fromAccessToken(presented.token, presented.credential).then(async (principal) => {
      if (principal.tenantId === undefined) throw new AppError('SB_ERR_FORBIDDEN', { message: 'The live inbox belongs to a workspace; sign in to one.' });
      if (principal.tenantSuspended) throw new AppError('SB_ERR_TENANT_SUSPENDED');
      if (principal.mfaSetupRequired) throw new AppError('SB_ERR_MFA_SETUP_REQUIRED');
      if (!principal.permissions.includes('conversation.read')) throw new AppError('SB_ERR_FORBIDDEN');
      const data: ConsoleSocketData = { principal, tenantId: principal.tenantId, name: await inbox.memberName(principal.tenantId, principal.userId) };
      socket.data = data;
      const exp = expiryOf(presented.token);
      if (exp !== undefined) {
        const timer = setTimeout(() => socket.disconnect(true), Math.max(0, exp * 1000 - Date.now()));
        timer.unref();
        socket.once('disconnect', () => clearTimeout(timer));
      }
      next();
    }).catch((error: unknown) => next(refusal(error)));
  });

  namespace.on('connection', (socket) => {
    const { principal, tenantId, name } = socket.data as ConsoleSocketData;
    const actor = inboxActorOf(principal);
    void socket.join([consoleRooms.tenant(tenantId), consoleRooms.agent(principal.userId)]);
    live.agentConnection(tenantId, principal.userId, name, 1);
    socket.on('disconnect', () => live.agentConnection(tenantId, principal.userId, name, -1));

    const on = <Name extends ConsoleCommand>(command: Name, handler: (payload: Static<(typeof consoleCommands)[Name]>) => Promise<unknown>) => {
      socket.on(String(command), socketCommand(command, consoleCommands[command], logger, async (payload) => {
        if (!principal.permissions.includes(commandPermissions[command])) throw new AppError('SB_ERR_FORBIDDEN');
        return handler(payload);
      }));
    };
    on('conversation.claim', async ({ conversationId }) => inbox.claim(actor, conversationId));
    on('conversation.release', async ({ conversationId }) => inbox.release(actor, conversationId));
    on('conversation.transfer', async ({ conversationId, agentId }) => inbox.transfer(actor, conversationId, agentId));
    on('conversation.close', async ({ conversationId }) => inbox.close(actor, conversationId));
    on('conversation.reopen', async ({ conversationId }) => inbox.reopen(actor, conversationId));
    on('conversation.read', async ({ conversationId }) => {
      await inbox.markRead(actor, conversationId);
      return {};
    });
    on('message.send', async ({ conversationId, ...body }) => ({ message: await inbox.sendMessage(actor, conversationId, body) }));
    on('note.add', async ({ conversationId, text, clientId }) => ({ message: await inbox.addNote(actor, conversationId, text, clientId ?? `${Date.now()}${Math.random().toString(36).slice(2, 10)}`) }));
    const typing = (isTyping: boolean) => async ({ conversationId }: { conversationId: string }) => {
      const located = await inbox.route(actor, conversationId);
      live.typing(tenantId, { typing: isTyping, conversationId, author: 'agent', agentId: principal.userId, ...(name ? { agentName: name } : {}), ...(located ? { route: located } : {}) });
      return {};
    };
    on('typing.start', typing(true));
    on('typing.stop', typing(false));
    on('presence.set', async ({ status }) => {
      live.setStatus(tenantId, principal.userId, status);
      return {};
    });
    on('presence.list', async () => ({ items: live.list(tenantId) }));
    on('events.replay', async ({ afterEventId }) => fanout.replay(tenantId, afterEventId));
  });
}
