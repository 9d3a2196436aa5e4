import { computed, effect, inject, Injectable, signal, untracked } from '@angular/core';
import type { AckError, ConsoleCommand, ConsoleEvent } from '@switchboard/contracts';
import { filter, type Observable, Subject } from 'rxjs';
import type { Socket } from 'socket.io-client';
import { ApiError } from '../api/api-error';
import { SessionService } from '../auth/session.service';
import {
  type CommandAck,
  type ConsoleCommandPayloads,
  type ConsoleCommandResults,
  type ConsoleEventMessage,
  isEventOf,
  toConsoleEvent,
} from './console-event';

/** `offline`: signed out or not allowed; `reconnecting`: the link dropped and socket.io is retrying. */
export type ConnectionStatus = 'offline' | 'connecting' | 'online' | 'reconnecting';

const commandTimeoutMs = 10_000;
/** How many event ids to remember, so that a replayed event that also arrived live is applied once. */
const rememberedEventIds = 500;
/** After the hub refused the handshake (e.g. an expired access cookie), wait before trying again. */
const refusedRetryMs = 5_000;

// The documented statuses of the codes a command may answer with (docs/errors.md), so that socket
// refusals read like HTTP ones to the pages that branch on `status`.
const statusOfCode: Readonly<Record<string, number>> = {
  SB_ERR_VALIDATION: 400,
  SB_ERR_UNAUTHENTICATED: 401,
  SB_ERR_FORBIDDEN: 403,
  SB_ERR_TENANT_SUSPENDED: 403,
  SB_ERR_NOT_FOUND: 404,
  SB_ERR_CONFLICT: 409,
  SB_ERR_RATE_LIMITED: 429,
  SB_ERR_DEPENDENCY_DOWN: 503,
};

function isAck(value: unknown): value is { data: unknown } | { error: AckError } {
  if (typeof value !== 'object' || value === null) return false;
  if ('data' in value) return true;
  return 'error' in value && typeof value.error === 'object' && value.error !== null && 'code' in value.error && 'message' in value.error;
}

/**
 * The console's live link to the hub: the `/console` Socket.IO namespace, authenticated by the
 * session cookie. It connects while the signed-in person may read conversations and disconnects
 * on sign-out. Every event with an id advances `lastEventId`; after a reconnect it asks the hub
 * for what it missed (`events.replay`) and delivers those events, in order, before any newer
 * live one. When the hub no longer holds them, `resyncNeeded` tells the stores to reload from REST.
 *
 * socket.io-client is loaded on first connection, so it stays out of the initial bundle.
 */
@Injectable({ providedIn: 'root' })
export class ConsoleSocketService {
  private readonly session = inject(SessionService);

  private socket: Socket | null = null;
  /** Whose connection this is (user and workspace); a change means a new connection. */
  private identity: string | null = null;
  private lastEventId: string | undefined;
  private readonly seenEventIds = new Set<string>();
  private replaying = false;
  private heldBack: ConsoleEventMessage[] = [];
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  private readonly eventStream = new Subject<ConsoleEventMessage>();
  private readonly resyncStream = new Subject<void>();
  private readonly connectStream = new Subject<void>();
  private readonly currentStatus = signal<ConnectionStatus>('offline');

  /** Every console event, live or replayed, each once, in the order the hub produced them. */
  readonly events: Observable<ConsoleEventMessage> = this.eventStream.asObservable();
  /** Events were missed and cannot be replayed: reload lists and the open conversation. */
  readonly resyncNeeded: Observable<void> = this.resyncStream.asObservable();
  /** Each (re)connection, after missed events were replayed: the moment to refresh presence. */
  readonly connected: Observable<void> = this.connectStream.asObservable();
  readonly status = this.currentStatus.asReadonly();
  readonly isOnline = computed(() => this.currentStatus() === 'online');

  constructor() {
    const wanted = computed(() => {
      const me = this.session.me();
      return me !== null && this.session.can('conversation.read') ? `${me.user.id}@${me.tenant?.id ?? ''}` : null;
    });
    effect(() => {
      const identity = wanted();
      untracked(() => (identity === null ? this.disconnect() : void this.connect(identity)));
    });
  }

  /** The events of one kind, typed by it: `on('message.created').subscribe(({ data }) => …)`. */
  on<Kind extends ConsoleEvent>(type: Kind): Observable<Extract<ConsoleEventMessage, { type: Kind }>> {
    return this.events.pipe(filter((event): event is Extract<ConsoleEventMessage, { type: Kind }> => isEventOf(event, type)));
  }

  /**
   * Sends a command and resolves with its ack's `data`. A refusal (`{ error }`) throws an
   * `ApiError` with the hub's code and message; a dropped link or a silent hub throws
   * `SB_ERR_NETWORK`, so callers handle one error type as they do for REST.
   */
  async command<Name extends ConsoleCommand>(name: Name, payload: ConsoleCommandPayloads[Name]): Promise<ConsoleCommandResults[Name]> {
    const socket = this.socket;
    if (socket === null || !socket.connected) {
      throw new ApiError(0, 'SB_ERR_NETWORK', 'The live connection to Switchboard is down. It reconnects by itself; try again in a moment.');
    }
    let ack: unknown;
    try {
      ack = await socket.timeout(commandTimeoutMs).emitWithAck(name, payload);
    } catch (cause) {
      throw new ApiError(0, 'SB_ERR_NETWORK', 'Switchboard did not answer in time. Check your connection and try again.', [], undefined, { cause });
    }
    if (!isAck(ack)) throw new ApiError(500, 'SB_ERR_INTERNAL', 'Switchboard sent an answer the console does not understand. Reload the page.');
    if ('error' in ack) {
      const { code, message, issues } = ack.error;
      throw new ApiError(statusOfCode[code] ?? 500, code, message, issues ?? []);
    }
    return (ack as Extract<CommandAck<Name>, { data: unknown }>).data;
  }

  private async connect(identity: string): Promise<void> {
    if (this.identity === identity) return;
    this.disconnect();
    this.identity = identity;
    this.currentStatus.set('connecting');
    const { io } = await import('socket.io-client');
    if (this.identity !== identity) return; // signed out (or switched workspace) while loading
    const socket = io('/console', { withCredentials: true, transports: ['websocket'] });
    this.socket = socket;
    let connectedBefore = false;
    socket.on('connect', () => {
      this.currentStatus.set('online');
      const reconnected = connectedBefore;
      connectedBefore = true;
      void (reconnected ? this.catchUp() : Promise.resolve()).then(() => this.connectStream.next());
    });
    socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      this.currentStatus.set('reconnecting');
      // The hub closed the connection itself (e.g. the session ended); socket.io will not retry.
      if (reason === 'io server disconnect') this.retryAfterRefusal(socket);
    });
    socket.on('connect_error', () => {
      this.currentStatus.set('reconnecting');
      // A refused handshake is not retried by socket.io: refresh the session through the HTTP
      // interceptors (which rotate the cookie) and try again.
      if (!socket.active) this.retryAfterRefusal(socket);
    });
    socket.onAny((name: string, frame: unknown) => this.receive(name, frame));
  }

  private retryAfterRefusal(socket: Socket): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      void this.session.load().then((me) => {
        if (me !== null && this.socket === socket) socket.connect();
      });
    }, refusedRetryMs);
  }

  private disconnect(): void {
    clearTimeout(this.retryTimer);
    this.socket?.disconnect();
    this.socket = null;
    this.identity = null;
    this.lastEventId = undefined;
    this.seenEventIds.clear();
    this.replaying = false;
    this.heldBack = [];
    this.currentStatus.set('offline');
  }

  private receive(name: string, frame: unknown): void {
    const event = toConsoleEvent(name, frame);
    if (event === null) return;
    if (this.replaying) this.heldBack.push(event);
    else this.deliver(event);
  }

  private deliver(event: ConsoleEventMessage): void {
    const id = event.eventId;
    if (id !== undefined) {
      if (this.seenEventIds.has(id)) return;
      this.seenEventIds.add(id);
      if (this.seenEventIds.size > rememberedEventIds) {
        const oldest = this.seenEventIds.values().next().value;
        if (oldest !== undefined) this.seenEventIds.delete(oldest);
      }
      this.lastEventId = id;
    }
    this.eventStream.next(event);
  }

  /** After a reconnect: replay what was missed, then release the live events that came meanwhile. */
  private async catchUp(): Promise<void> {
    const afterEventId = this.lastEventId;
    if (afterEventId === undefined) {
      // Nothing seen yet, so nothing to replay from; the lists may still be stale.
      this.resyncStream.next();
      return;
    }
    this.replaying = true;
    try {
      const result = await this.command('events.replay', { afterEventId });
      for (const missed of result.events) {
        const event = toConsoleEvent(missed.type, missed);
        if (event !== null) this.deliver(event);
      }
      if (!result.complete) this.resyncStream.next();
    } catch {
      this.resyncStream.next();
    } finally {
      this.replaying = false;
      const held = this.heldBack;
      this.heldBack = [];
      for (const event of held) this.deliver(event);
    }
  }
}
