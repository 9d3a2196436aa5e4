import { readFile } from 'node:fs/promises';
import { mediaIdOf, type ChannelState, type InboundMessage, type OutboundMessage } from '@switchboard/contracts';
import type { Logger } from 'pino';
import { createActor, type Actor } from 'xstate';
import { PermanentSendError, type Connector, type ConnectorStatus, type SendReceipt } from '../core/connector.ts';
import type { MediaKeeper } from '../core/media-keeper.ts';
import type { WaAck, WaMedia, WaMessage, WhatsAppClient, WhatsAppClientFactory } from './whatsapp-client.ts';
import { noRules, normaliseWhatsAppMessage, phoneOf, type WhatsAppChannelRules } from './whatsapp-normalizer.ts';
import { sessionStateOf, whatsAppBackoff, whatsAppSessionMachine } from './whatsapp-session.machine.ts';

/** A session's state as `channel.status` carries it. */
export interface SessionStatus {
  state: ChannelState;
  reason?: string;
  account?: string;
  rssBytes?: number;
}

/** What whatsapp-web.js's acks mean for an outbound message. */
const deliveryOfAck: Partial<Record<WaAck, 'sent' | 'delivered' | 'read'>> = { 1: 'sent', 2: 'delivered', 3: 'read', 4: 'read' };

export interface WhatsAppConnectorOptions {
  tenantId: string;
  channelId: string;
  clientFactory: WhatsAppClientFactory;
  /** LocalAuth's data path for this node. */
  authDataPath: string;
  logger: Logger;
  maxAttempts?: number;
  backoffMs?: (attempt: number) => number;
  rules?: WhatsAppChannelRules;
  onStatus?: (status: SessionStatus) => void;
  onQr?: (qr: string) => void;
  /** An ack from WhatsApp for a message this connector sent. */
  onDelivery?: (report: { messageId: string; externalMessageId: string; status: 'sent' | 'delivered' | 'read' }) => void;
  /** The business wrote in a chat from its own phone: a person took the chat over. */
  onHumanTakeover?: (externalChatId: string) => void;
  /**
   * How long this connector refuses bot replies in a chat after the business last wrote in it
   * from its phone (ms, default 1 minute). The lasting pause is the conversation's: the phone's
   * message moves it to the queue, where the bot is silent until an agent gives it back. This
   * guard only stops a bot answer that was already on its way.
   */
  takeoverPauseMs?: number;
  /** Where received media is kept; without it media is described only. */
  media?: MediaKeeper;
  /** The clock, for the pause's end (tests move it). */
  now?: () => number;
}

const SENT_MEMORY = 10_000;

/**
 * One WhatsApp channel: a supervised whatsapp-web.js session (see `whatsapp-session.machine.ts`)
 * behind the `Connector` interface. Inbound messages are normalised with the channel's group
 * rules; bot replies honour the whitelist and a human takeover (the business answering from its
 * own phone pauses the bot in that chat); WhatsApp's acks become delivery reports.
 */
export class WhatsAppConnector implements Connector {
  readonly channelType = 'whatsapp' as const;
  readonly channelId: string;
  readonly tenantId: string;
  rules: WhatsAppChannelRules;

  private actor: Actor<typeof whatsAppSessionMachine> | undefined;
  private client: WhatsAppClient | undefined;
  private readonly closing = new Set<Promise<void>>();
  /** WhatsApp id of each message we sent → our message id, for acks and to tell our sends from the phone's. */
  private readonly sentIds = new Map<string, string>();
  /** Our message id → WhatsApp's, so a retried send after a lost report is not sent twice. */
  private readonly receipts = new Map<string, string>();
  /** Texts being sent right now per chat: whatsapp-web.js may emit `message_create` before `sendMessage` resolves. */
  private readonly inFlight = new Map<string, string[]>();
  /** Chat → when the bot may answer there again (the business's last message from its phone + the pause). */
  private readonly pausedChats = new Map<string, number>();
  private lastStatus = '';
  private lastQr: string | undefined;
  private statusChain: Promise<void> = Promise.resolve();
  private inbound: Promise<void> = Promise.resolve();
  private inboundQueued = 0;

  constructor(private readonly options: WhatsAppConnectorOptions) {
    this.channelId = options.channelId;
    this.tenantId = options.tenantId;
    this.rules = options.rules ?? noRules;
  }

  async start(onInbound: (message: InboundMessage) => Promise<void>): Promise<void> {
    if (this.actor) {
      this.actor.send({ type: 'session.start' });
      return;
    }
    const log = this.options.logger.child({ component: 'whatsapp', channelId: this.channelId });
    this.actor = createActor(whatsAppSessionMachine, {
      input: {
        channelId: this.channelId,
        maxAttempts: this.options.maxAttempts ?? 5,
        backoffMs: this.options.backoffMs ?? whatsAppBackoff,
        createClient: () => {
          const client = this.options.clientFactory({ channelId: this.channelId, authDataPath: this.options.authDataPath, clientId: this.channelId });
          this.client = client;
          return client;
        },
        attach: (client) => this.attach(client, onInbound, log),
        track: (closing) => {
          this.closing.add(closing);
          void closing.finally(() => this.closing.delete(closing));
        },
      },
    });
    this.actor.subscribe({
      next: (snapshot) => this.publish(snapshot),
      error: (error) => log.error({ err: error }, 'whatsapp session supervisor stopped on an error'),
    });
    this.actor.start();
  }

  status(): ConnectorStatus {
    const snapshot = this.actor?.getSnapshot();
    if (!snapshot) return { state: 'stopped' };
    const state = sessionStateOf(snapshot.value);
    if (state === 'qr') return { state, qr: snapshot.context.qr ?? '' };
    if (state === 'disconnected' || state === 'reconnecting' || state === 'failed') return { state, reason: snapshot.context.reason ?? 'unknown' };
    return { state: state === 'authenticated' ? 'starting' : state };
  }

  /** The state, reason and account the console shows, with Chromium's memory when there is a browser. */
  async sessionStatus(): Promise<SessionStatus> {
    const snapshot = this.actor?.getSnapshot();
    if (!snapshot) return { state: 'stopped' };
    const state = sessionStateOf(snapshot.value);
    const rssBytes = state === 'stopped' || state === 'failed' ? undefined : await rssOf(this.client?.browserPid());
    return {
      state,
      ...(snapshot.context.reason && ['disconnected', 'reconnecting', 'failed'].includes(state) ? { reason: snapshot.context.reason } : {}),
      ...(snapshot.context.account ? { account: snapshot.context.account } : {}),
      ...(rssBytes === undefined ? {} : { rssBytes }),
    };
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    const done = this.receipts.get(message.messageId);
    if (done) return { externalMessageId: done };
    const client = this.client;
    const state = this.actor ? sessionStateOf(this.actor.getSnapshot().value) : 'stopped';
    if (!client || state !== 'ready') throw new Error(`the WhatsApp session is not connected (${state})`);
    const chatId = message.externalChatId;
    if (message.author.kind === 'bot') {
      if (this.isPaused(chatId)) throw new PermanentSendError('not sent: the bot is paused in this chat because the business answered from its own phone');
      const phone = phoneOf(chatId);
      if (this.rules.whitelist.length > 0 && (phone === undefined || !this.rules.whitelist.includes(phone))) {
        throw new PermanentSendError('not sent: this number is not on the channel\'s whitelist for bot replies');
      }
    }
    const quoted = message.replyToExternalId ? { quotedMessageId: message.replyToExternalId } : {};
    let last: string | undefined;
    const sendOne = async (content: string | WaMedia, caption?: string) => {
      const marker = typeof content === 'string' ? content : (caption ?? '');
      this.inFlight.set(chatId, [...(this.inFlight.get(chatId) ?? []), marker]);
      try {
        const sent = await client.sendMessage(chatId, content, { ...quoted, ...(caption ? { caption } : {}) });
        this.remember(sent.id._serialized, message.messageId);
        last = sent.id._serialized;
      } finally {
        const pending = this.inFlight.get(chatId) ?? [];
        pending.splice(pending.indexOf(marker), 1);
        if (pending.length === 0) this.inFlight.delete(chatId);
      }
    };
    const withUrl = message.attachments.filter((attachment) => attachment.url);
    if (withUrl.length === 0) {
      if (!message.text) throw new PermanentSendError('not sent: the message has neither text nor a media URL');
      await sendOne(message.text);
    }
    for (const [index, attachment] of withUrl.entries()) {
      const media = await this.mediaFor(attachment.url ?? '', attachment.mimeType, attachment.fileName);
      await sendOne(media, index === 0 ? (attachment.caption ?? message.text) : attachment.caption);
    }
    const externalMessageId = last ?? '';
    this.receipts.set(message.messageId, externalMessageId);
    return { externalMessageId };
  }

  /** An outbound file's bytes: from the media store (an agent's upload), or fetched from a public URL. */
  private async mediaFor(url: string, mimeType: string, fileName: string | undefined): Promise<WaMedia> {
    if (mediaIdOf(url) === undefined) return fetchMedia(url, mimeType, fileName);
    const file = await this.options.media?.read(url);
    if (!file) throw new PermanentSendError('not sent: the attached file is no longer kept');
    if (file.bytes.byteLength > MEDIA_MAX_BYTES) throw new PermanentSendError('not sent: the attachment is larger than WhatsApp\'s 16 MB media limit');
    const name = fileName ?? file.fileName;
    return { mimetype: file.mimeType, data: file.bytes.toString('base64'), ...(name ? { filename: name } : {}), filesize: file.bytes.byteLength };
  }

  /** Groups or contacts of the connected account. */
  async peers(kind: 'groups' | 'contacts'): Promise<Array<{ id: string; name?: string; enabled?: boolean }>> {
    const client = this.client;
    if (!client || this.status().state !== 'ready') throw new Error('the WhatsApp session is not connected');
    if (kind === 'groups') {
      return (await client.getChats()).filter((chat) => chat.isGroup).map((chat) => ({
        id: chat.id._serialized, ...(chat.name ? { name: chat.name.slice(0, 255) } : {}), enabled: this.rules.enabledGroups.includes(chat.id._serialized),
      }));
    }
    return (await client.getContacts()).filter((contact) => contact.isUser !== false && contact.isGroup !== true && contact.id._serialized.endsWith('@c.us')).map((contact) => {
      const name = contact.name ?? contact.pushname;
      return { id: contact.id._serialized, ...(name ? { name: name.slice(0, 255) } : {}) };
    });
  }

  /** Starts again after a stop or a failure (a fresh client, with the saved login). */
  restart(): void {
    this.actor?.send({ type: 'session.start' });
  }

  /** Stops the session and waits until its Chromium has exited. */
  async stop(): Promise<void> {
    this.actor?.send({ type: 'session.stop' });
    await this.settled();
  }

  /** Logs the account out of WhatsApp (the saved login is deleted) and stops. */
  async logout(): Promise<void> {
    const actor = this.actor;
    if (!actor) return;
    actor.send({ type: 'session.logout' });
    await new Promise<void>((resolve) => {
      const check = () => actor.getSnapshot().value === 'stopped';
      if (check()) return resolve();
      const subscription = actor.subscribe(() => {
        if (check()) {
          subscription.unsubscribe();
          resolve();
        }
      });
    });
    await this.settled();
  }

  /** Resolves when every client this session built has been destroyed. */
  async settled(): Promise<void> {
    while (this.closing.size > 0) await Promise.all([...this.closing]);
  }

  private attach(client: WhatsAppClient, onInbound: (message: InboundMessage) => Promise<void>, log: Logger): () => void {
    let attached = true;
    client.on('message', (message) => {
      // The account's own messages arrive as `message_create` (below), never as customers'.
      if (attached && !message.fromMe) this.take(message, onInbound, log);
    });
    client.on('message_create', (message) => {
      if (attached && this.isFromPhone(message)) {
        this.pause(message.to);
        this.take(message, onInbound, log);
      }
    });
    client.on('message_ack', (message, ack) => {
      const messageId = this.sentIds.get(message.id._serialized);
      const status = deliveryOfAck[ack];
      if (attached && messageId && status) this.options.onDelivery?.({ messageId, externalMessageId: message.id._serialized, status });
    });
    return () => {
      attached = false;
    };
  }

  /**
   * Hands a message on: normalised, its media kept, in the order WhatsApp gave them. Only a
   * message that waits on WhatsApp (a quoted message to look up, media to download) queues, and
   * from one on the following messages queue behind it; otherwise nothing waits.
   */
  private take(message: WaMessage, onInbound: (message: InboundMessage) => Promise<void>, log: Logger): void {
    const failed = (error: unknown) => log.warn({ err: error, externalMessageId: message.id._serialized }, 'could not take a WhatsApp message in');
    const handle = () => normaliseWhatsAppMessage(this.channelId, message, this.rules)
      .then((inbound) => (inbound ? this.keepMedia(message, inbound, log) : undefined))
      .then((inbound) => {
        if (inbound) onInbound(inbound).catch(failed);
      }, failed);
    if (this.inboundQueued === 0 && !message.hasQuotedMsg && !message.hasMedia) {
      void handle();
      return;
    }
    this.inboundQueued += 1;
    this.inbound = this.inbound.then(handle).finally(() => {
      this.inboundQueued -= 1;
    });
  }

  /**
   * Downloads a message's media into the media store and points its attachment there. WhatsApp
   * keeps media on its servers for a limited time, so it is fetched now, not when first viewed.
   * A file too large, or one WhatsApp no longer has, stays described without bytes: the message
   * is never held back or lost for its media.
   */
  private async keepMedia(message: WaMessage, inbound: InboundMessage, log: Logger): Promise<InboundMessage> {
    const keeper = this.options.media;
    const [attachment] = inbound.attachments;
    if (!keeper || !attachment || !message.hasMedia) return inbound;
    if (attachment.sizeBytes !== undefined && attachment.sizeBytes > keeper.maxBytes) return inbound;
    const source = `${inbound.externalMessageId}#0`;
    try {
      let url = await keeper.find(source);
      if (url === undefined) {
        const media = await message.downloadMedia();
        if (!media) return inbound;
        const bytes = Buffer.from(media.data, 'base64');
        if (bytes.byteLength > keeper.maxBytes) return inbound;
        url = await keeper.keep(source, { mimeType: media.mimetype || attachment.mimeType, fileName: media.filename ?? attachment.fileName, bytes });
      }
      return { ...inbound, attachments: [{ ...attachment, url }, ...inbound.attachments.slice(1)] };
    } catch (error) {
      log.warn({ err: error, externalMessageId: inbound.externalMessageId }, 'could not keep a WhatsApp message\'s media; the message is taken in without it');
      return inbound;
    }
  }

  /**
   * `message_create` fires for every message the account writes: ours (already known, or being
   * sent right now) and the phone's. Only the phone's, in a personal chat, are a person taking over.
   */
  private isFromPhone(message: WaMessage): boolean {
    if (!message.fromMe || this.sentIds.has(message.id._serialized)) return false;
    if (this.inFlight.get(message.to)?.includes(message.body)) return false;
    return !message.to.endsWith('@g.us') && message.to !== 'status@broadcast';
  }

  /** The bot stops answering in a chat the business just wrote in from its phone. */
  private pause(chatId: string): void {
    const wasPaused = this.isPaused(chatId);
    // Each message from the phone restarts the pause: the person is still in the conversation.
    this.pausedChats.delete(chatId);
    this.pausedChats.set(chatId, this.now() + (this.options.takeoverPauseMs ?? 60_000));
    if (this.pausedChats.size > SENT_MEMORY) this.pausedChats.delete(this.pausedChats.keys().next().value ?? '');
    if (!wasPaused) this.options.onHumanTakeover?.(chatId);
  }

  /** Whether the bot is paused in a chat because the business answered from its phone. */
  isPaused(externalChatId: string): boolean {
    const until = this.pausedChats.get(externalChatId);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.pausedChats.delete(externalChatId);
    return false;
  }

  /** Lets the bot answer in a chat again. */
  resume(externalChatId: string): void {
    this.pausedChats.delete(externalChatId);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private remember(externalId: string, messageId: string): void {
    this.sentIds.set(externalId, messageId);
    if (this.sentIds.size > SENT_MEMORY) this.sentIds.delete(this.sentIds.keys().next().value ?? '');
    if (this.receipts.size > SENT_MEMORY) this.receipts.delete(this.receipts.keys().next().value ?? '');
  }

  private publish(snapshot: ReturnType<Actor<typeof whatsAppSessionMachine>['getSnapshot']>): void {
    const state = sessionStateOf(snapshot.value);
    const statusKey = `${state}|${snapshot.context.reason ?? ''}`;
    if (statusKey !== this.lastStatus) {
      this.lastStatus = statusKey;
      // In order: a slow /proc read must not let an older state overtake a newer one.
      const status = this.sessionStatus();
      this.statusChain = this.statusChain.then(async () => this.options.onStatus?.(await status)).catch(() => undefined);
    }
    const qr = state === 'qr' ? snapshot.context.qr : undefined;
    if (qr && qr !== this.lastQr) this.options.onQr?.(qr);
    this.lastQr = qr;
  }
}

/** RSS of a process from /proc (Linux), best effort. */
async function rssOf(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}

const MEDIA_MAX_BYTES = 16 * 1024 * 1024;

/** Outbound media is fetched from its URL (our media store or a public one) and sent as bytes. */
async function fetchMedia(url: string, mimeType: string, fileName: string | undefined): Promise<WaMedia> {
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`could not fetch the attachment (${response.status})`);
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.byteLength > MEDIA_MAX_BYTES) throw new PermanentSendError('not sent: the attachment is larger than WhatsApp\'s 16 MB media limit');
  return { mimetype: mimeType, data: bytes.toString('base64'), ...(fileName ? { filename: fileName } : {}), filesize: bytes.byteLength };
}
