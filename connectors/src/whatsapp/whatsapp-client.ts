/**
 * The part of whatsapp-web.js's `Client` the connector uses, as plain structural types. The real
 * client is adapted to it in `webjs-client-factory.ts`; tests hand the supervisor a fake that
 * emits the same events with the same payload shapes. Nothing outside connectors/src/whatsapp/
 * sees these types.
 */

/** `Message.id`: `_serialized` is the id WhatsApp gives the message (stable across replays). */
export interface WaMessageId {
  _serialized: string;
  fromMe?: boolean;
}

export interface WaMedia {
  mimetype: string;
  /** Base64, as whatsapp-web.js's `MessageMedia` holds it. */
  data: string;
  filename?: string | null;
  filesize?: number | null;
}

/** A received or sent message (`message`, `message_create`, `message_ack` payloads). */
export interface WaMessage {
  id: WaMessageId;
  /** Chat the message belongs to for inbound messages: `<number>@c.us` or `<id>@g.us`. */
  from: string;
  to: string;
  /** In groups: the member who wrote it. */
  author?: string;
  body: string;
  /** `chat`, `image`, `document`, `audio`, `ptt`, `video`, `sticker`, `location`, … */
  type: string;
  /** Seconds since the epoch. */
  timestamp: number;
  fromMe: boolean;
  hasMedia: boolean;
  hasQuotedMsg: boolean;
  /** The sender's own display name, when WhatsApp sends it. */
  _data?: { notifyName?: string; mimetype?: string; filename?: string; size?: number; caption?: string };
  getQuotedMessage(): Promise<WaMessage | undefined>;
  downloadMedia(): Promise<WaMedia | undefined>;
}

export interface WaChat {
  id: { _serialized: string };
  name?: string;
  isGroup: boolean;
}

export interface WaContact {
  id: { _serialized: string };
  name?: string;
  pushname?: string;
  isMyContact?: boolean;
  isGroup?: boolean;
  isUser?: boolean;
}

/** whatsapp-web.js `MessageAck`: -1 error, 0 pending, 1 server, 2 device, 3 read, 4 played. */
export type WaAck = -1 | 0 | 1 | 2 | 3 | 4;

/** The events of whatsapp-web.js's `Client` the supervisor and the connector listen to, with their payloads. */
export interface WaEvents {
  qr: [qr: string];
  authenticated: [session?: unknown];
  auth_failure: [message: string];
  ready: [];
  disconnected: [reason: string];
  change_state: [state: string];
  message: [message: WaMessage];
  message_create: [message: WaMessage];
  message_ack: [message: WaMessage, ack: WaAck];
}

export interface WaSendOptions {
  quotedMessageId?: string;
  caption?: string;
}

/** The client as the connector drives it. */
export interface WhatsAppClient {
  on<Event extends keyof WaEvents>(event: Event, listener: (...args: WaEvents[Event]) => void): unknown;
  removeAllListeners(): unknown;
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  logout(): Promise<void>;
  getState(): Promise<string | null>;
  sendMessage(chatId: string, content: string | WaMedia, options?: WaSendOptions): Promise<{ id: WaMessageId }>;
  getChats(): Promise<WaChat[]>;
  getContacts(): Promise<WaContact[]>;
  /** The connected account once ready (`wid._serialized` is `<number>@c.us`). */
  readonly info: { wid: { _serialized: string; user?: string }; pushname?: string } | undefined;
  /** The pid of the client's Chromium, to report its memory; undefined when there is none. */
  browserPid(): number | undefined;
}

/** Where a session's auth lives: whatsapp-web.js's LocalAuth keeps it in `<dataPath>/session-<clientId>`. */
export interface WhatsAppClientOptions {
  channelId: string;
  /** LocalAuth's `dataPath`. */
  authDataPath: string;
  /** LocalAuth's `clientId` (the channel id). */
  clientId: string;
}

/** Builds one client per session start; the supervisor calls it again on every restart. */
export type WhatsAppClientFactory = (options: WhatsAppClientOptions) => WhatsAppClient;

/** The folder LocalAuth (and so Chromium's profile) keeps a session in. */
export function sessionDirOf(options: Pick<WhatsAppClientOptions, 'authDataPath' | 'clientId'>): string {
  return `${options.authDataPath}/session-${options.clientId}`;
}
