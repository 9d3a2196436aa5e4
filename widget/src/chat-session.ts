import { io, type Socket } from 'socket.io-client';
import type { Static } from 'typebox';
import type { AckOf, WidgetAuth, WidgetMessages, WidgetSendResult, WidgetUploadResult, widgetCommands, widgetEvents } from '@switchboard/contracts';
import type { ConversationLog, PendingMessage } from './conversation-log.ts';
import { OutgoingFiles, type UploadPiece } from './outgoing-files.ts';
import { TypingSignal } from './typing-signal.ts';

type EventOf<E extends keyof typeof widgetEvents> = Static<(typeof widgetEvents)[E]>;
type CommandOf<C extends keyof typeof widgetCommands> = Static<(typeof widgetCommands)[C]>;
type ServerEvents = { [E in keyof typeof widgetEvents]: (payload: EventOf<E>) => void };
interface ClientCommands {
  'message.send': (payload: CommandOf<'message.send'>, ack: (result: AckOf<WidgetSendResult>) => void) => void;
  'messages.fetch': (payload: CommandOf<'messages.fetch'>, ack: (result: AckOf<WidgetMessages>) => void) => void;
  'file.upload': (payload: UploadPiece, ack: (result: AckOf<WidgetUploadResult>) => void) => void;
  'typing.start': (payload: CommandOf<'typing.start'>) => void;
  'typing.stop': (payload: CommandOf<'typing.stop'>) => void;
}

/** `idle` until the first connect; `reconnecting` while Socket.IO retries; `unavailable` for good. */
export type ConnectionState = 'idle' | 'connecting' | 'online' | 'reconnecting' | 'unavailable';

const ackTimeoutMs = 15_000;
/** A file piece (512 KiB) may take a while on a slow mobile link. */
const uploadAckTimeoutMs = 60_000;
const fetchPageSize = 100;
/** A typing indicator the hub never stopped (a lost `typing.stopped`) goes away on its own. */
const typingExpiryMs = 8_000;
/** How long to wait before asking again after the hub refused the connection as rate limited. */
const refusedRetryMs = 15_000;

export interface ChatSessionOptions {
  hubOrigin: string;
  /** Read on every (re)connect, so that `identify()` takes effect on the next handshake. */
  auth: () => WidgetAuth;
  log: ConversationLog;
  /** The visitor has a conversation now (its id, when the hub said which). */
  onConversation: (conversationId: string | undefined) => void;
  /** A bot, agent or system message arrived live (for the unread badge). */
  onIncoming: () => void;
}

/**
 * The visitor's connection to the hub's `/widget` namespace. It keeps the log in step with the
 * hub across reconnects (catch-up fetch after the last message held, resend of unacknowledged
 * messages with their original clientId) and tells subscribers whenever something changed.
 */
export class ChatSession {
  connection: ConnectionState = 'idle';
  agentName: string | undefined;
  /** Who is typing: null for nobody, '' when the hub named no one (the bot). */
  typing: string | null = null;
  /** The bot's reply as it is being written; null when none is. */
  streaming: string | null = null;
  readonly typingSignal = new TypingSignal((typing) => this.signalTyping(typing));
  /** Files attached to the message being written, uploading as soon as they are picked. */
  readonly files = new OutgoingFiles((piece) => this.uploadPiece(piece), () => this.changed());
  private socket: Socket<ServerEvents, ClientCommands> | undefined;
  private readonly listeners = new Set<() => void>();
  private typingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: ChatSessionOptions) {}

  subscribe(listener: () => void): void {
    this.listeners.add(listener);
  }

  /** Opens the socket once; Socket.IO reconnects it from then on. */
  connect(): void {
    if (this.socket !== undefined || this.connection === 'unavailable') return;
    const socket: Socket<ServerEvents, ClientCommands> = io(`${this.options.hubOrigin}/widget`, {
      transports: ['websocket'],
      reconnection: true,
      reconnectionDelay: 1_000,
      reconnectionDelayMax: 15_000,
      autoConnect: false,
      auth: (send) => send(this.options.auth()),
    });
    this.socket = socket;
    this.listen(socket);
    this.connection = 'connecting';
    this.changed();
    socket.connect();
  }

  /** Starts over under a new identity: a different visitor may have a different conversation. */
  restart(): void {
    const wasConnected = this.socket !== undefined;
    this.socket?.disconnect();
    this.socket = undefined;
    this.options.log.clear();
    this.agentName = undefined;
    this.typing = null;
    this.streaming = null;
    if (this.connection !== 'unavailable') this.connection = 'idle';
    if (wasConnected) this.connect();
    else this.changed();
  }

  /** Marks the chat closed for good (suspended tenant, hub's `widget.unavailable`). */
  makeUnavailable(): void {
    this.connection = 'unavailable';
    this.typing = null;
    this.typingSignal.stop();
    this.socket?.disconnect();
    this.changed();
  }

  /** Sends the text and the uploaded files; call it only when `files.busy` is false. */
  send(text: string): void {
    const pending = this.options.log.queue(text, this.files.take());
    this.typingSignal.stop();
    this.changed();
    this.transmit(pending);
  }

  retry(clientId: string): void {
    const pending = this.options.log.pending(clientId);
    if (pending === undefined) return;
    pending.state = 'sending';
    this.changed();
    this.transmit(pending);
  }

  private transmit(pending: PendingMessage): void {
    const socket = this.socket;
    if (socket === undefined) return this.connect(); // sent by the flush on connect
    if (!socket.connected) return;
    pending.attempt += 1;
    const attempt = pending.attempt;
    const files = pending.files.map((file) => file.clientId);
    const payload = { clientId: pending.clientId, ...(pending.text ? { text: pending.text } : {}), ...(files.length > 0 ? { files } : {}) };
    socket.timeout(ackTimeoutMs).emit('message.send', payload, (error, result) => {
      if (pending.attempt !== attempt) return;
      if (error) {
        // Disconnected meanwhile: it stays `sending` and goes again on reconnect.
        if (socket.connected) pending.state = 'failed';
      } else if ('error' in result) {
        if (result.error.code === 'SB_ERR_TENANT_SUSPENDED') return this.makeUnavailable();
        pending.state = 'failed';
      } else {
        this.options.log.acknowledge(pending.clientId, result.data.id);
        this.options.onConversation(undefined);
      }
      this.changed();
    });
  }

  /** Sends one file piece once the socket is up (the first file may be picked before it is). */
  private async uploadPiece(piece: UploadPiece): Promise<AckOf<WidgetUploadResult>> {
    if (this.socket === undefined) this.connect();
    const socket = this.socket;
    if (socket === undefined || this.connection === 'unavailable') throw new Error('the chat is unavailable');
    return socket.timeout(uploadAckTimeoutMs).emitWithAck('file.upload', piece);
  }

  private listen(socket: Socket<ServerEvents, ClientCommands>): void {
    const log = this.options.log;
    socket.on('connect', () => {
      this.connection = 'online';
      const after = log.lastMessageId();
      if (after !== undefined) void this.catchUp(socket, after);
      for (const pending of log.unacknowledged()) this.transmit(pending);
      this.changed();
    });
    socket.on('disconnect', (reason) => {
      if (this.socket !== socket || this.connection === 'unavailable') return;
      this.connection = 'reconnecting';
      this.typing = null;
      // The hub closing the socket itself stops Socket.IO's retries; ask again later.
      if (reason === 'io server disconnect') setTimeout(() => this.socket === socket && socket.connect(), refusedRetryMs);
      this.changed();
    });
    socket.on('connect_error', (error) => {
      if (error.message.startsWith('SB_ERR_TENANT_SUSPENDED')) return this.makeUnavailable();
      if (!socket.active) {
        // Refused by the hub's handshake rather than a network failure: no automatic retry.
        if (!error.message.startsWith('SB_ERR_RATE_LIMITED')) return this.makeUnavailable();
        setTimeout(() => this.socket === socket && socket.connect(), refusedRetryMs);
      }
      this.connection = 'reconnecting';
      this.changed();
    });
    socket.on('session.ready', (session) => {
      log.upsert(Array.isArray(session.messages) ? session.messages : []);
      this.agentName = session.agentName;
      if (session.conversationId !== undefined) this.options.onConversation(session.conversationId);
      this.changed();
    });
    socket.on('message.created', ({ message }) => {
      const added = log.upsert([message]);
      if (added.some((item) => item.author.kind !== 'customer')) {
        this.typing = null;
        this.streaming = null;
        this.options.onIncoming();
      }
      this.changed();
    });
    socket.on('message.updated', ({ message }) => {
      log.upsert([message]);
      this.changed();
    });
    socket.on('typing.started', ({ authorName }) => {
      this.typing = typeof authorName === 'string' ? authorName : '';
      clearTimeout(this.typingTimer);
      this.typingTimer = setTimeout(() => {
        this.typing = null;
        this.changed();
      }, typingExpiryMs);
      this.changed();
    });
    socket.on('reply.streaming', ({ text }) => {
      // Shown until the stored message arrives (`done` only ends the stream, not the wait).
      if (text !== '') this.streaming = text;
      this.changed();
    });
    socket.on('typing.stopped', () => {
      clearTimeout(this.typingTimer);
      this.typing = null;
      this.changed();
    });
    socket.on('agent.joined', ({ agentName }) => {
      this.agentName = agentName;
      log.addNotice(`${agentName} joined the chat`);
      this.changed();
    });
    socket.on('agent.left', () => {
      log.addNotice(`${this.agentName ?? 'The agent'} left the chat`);
      this.agentName = undefined;
      this.changed();
    });
    socket.on('widget.unavailable', () => this.makeUnavailable());
  }

  /** Fetches what arrived while disconnected, a page at a time. */
  private async catchUp(socket: Socket<ServerEvents, ClientCommands>, afterMessageId: string): Promise<void> {
    let after = afterMessageId;
    for (let page = 0; page < 20 && socket.connected; page++) {
      let result: AckOf<WidgetMessages>;
      try {
        result = await socket.timeout(ackTimeoutMs).emitWithAck('messages.fetch', { afterMessageId: after, limit: fetchPageSize });
      } catch {
        return; // timed out or disconnected: the next connect catches up again
      }
      if ('error' in result || !Array.isArray(result.data.messages)) return;
      const added = this.options.log.upsert(result.data.messages);
      if (added.some((message) => message.author.kind !== 'customer')) this.options.onIncoming();
      this.changed();
      const last = result.data.messages.at(-1);
      if (result.data.messages.length < fetchPageSize || last === undefined) return;
      after = last.id;
    }
  }

  private signalTyping(typing: boolean): void {
    if (this.socket?.connected) this.socket.emit(typing ? 'typing.start' : 'typing.stop', {});
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
