import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sessionDirOf, type WaAck, type WaEvents, type WaMedia, type WaMessage, type WaSendOptions, type WhatsAppClient, type WhatsAppClientFactory, type WhatsAppClientOptions } from '../whatsapp-client.ts';

/** The file a linked device's keys live in, inside the session folder LocalAuth gives Chromium. */
const KEYS_FILE = 'fake-whatsapp-keys.json';

export interface FakeInboundMessage {
  id: string;
  from: string;
  body?: string;
  type?: string;
  author?: string;
  notifyName?: string;
  /** `data`: the file's bytes (default a few bytes of text); `expired`: WhatsApp no longer has it, so downloadMedia gives nothing. */
  media?: { mimetype: string; filename?: string; size?: number; data?: Buffer | string; expired?: boolean };
  quotedId?: string;
  timestamp?: number;
}

/**
 * WhatsApp's side for tests, which cannot reach WhatsApp: every client the factory builds is a
 * {@link FakeWhatsAppClient}. Like WhatsApp Web, a client finds its linked device's keys in the
 * session folder LocalAuth gives it (`<dataPath>/session-<clientId>`): with them it logs in
 * without a QR; without them it shows QRs until `scan()`, which writes the keys there. So
 * whether a restart needs a QR depends only on what the session vault kept or restored.
 */
export class FakeWhatsApp {
  readonly clients: FakeWhatsAppClient[] = [];
  /** When true, opening WhatsApp Web fails as it does without a route to web.whatsapp.com. */
  unreachable = false;
  /** Accounts the phone unlinked: their saved keys no longer log in (auth_failure). */
  readonly revoked = new Set<string>();
  private readonly waiting = new Set<() => void>();

  readonly factory: WhatsAppClientFactory = (options) => {
    const client = new FakeWhatsAppClient(this, options);
    this.clients.push(client);
    this.changed();
    return client;
  };

  /** Every client built for a channel, oldest first. */
  clientsOf(channelId: string): FakeWhatsAppClient[] {
    return this.clients.filter((client) => client.options.channelId === channelId);
  }

  /** The newest client of a channel. */
  latest(channelId: string): FakeWhatsAppClient | undefined {
    return this.clientsOf(channelId).at(-1);
  }

  /**
   * Resolves with `probe`'s first value other than undefined/false, checked whenever a fake
   * client does something (or `changed()` is called); fails after `timeoutMs`. It bounds the
   * wait; it does not assert on timing.
   */
  async until<T>(probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined && value !== false) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the fake WhatsApp never reached the awaited state: ${probe.toString().slice(0, 200)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiting.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Wakes whoever waits in {@link until}. */
  changed(): void {
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const wake of waiting) wake();
  }
}

let sequence = 0;

/** One fake whatsapp-web.js `Client`: the same events, payload shapes and methods the connector uses. */
export class FakeWhatsAppClient extends EventEmitter implements WhatsAppClient {
  readonly events: Array<{ name: keyof WaEvents; args: unknown[] }> = [];
  readonly sent: Array<{ chatId: string; content: string | WaMedia; options: WaSendOptions | undefined; id: string }> = [];
  info: WhatsAppClient['info'] = undefined;
  /** How often each received message's media was downloaded. */
  readonly downloads = new Map<string, number>();
  state: 'new' | 'qr' | 'ready' | 'destroyed' = 'new';
  loggedOut = false;
  private qrCount = 0;

  constructor(private readonly world: FakeWhatsApp, readonly options: WhatsAppClientOptions) {
    super();
  }

  private get sessionDir(): string {
    return sessionDirOf(this.options);
  }

  override emit<Event extends keyof WaEvents>(event: Event, ...args: WaEvents[Event]): boolean {
    this.events.push({ name: event, args });
    const handled = super.emit(event, ...args);
    this.world.changed();
    return handled;
  }

  async initialize(): Promise<void> {
    await Promise.resolve();
    if (this.world.unreachable) throw new Error('net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/');
    if (this.state === 'destroyed') throw new Error('Protocol error: Target closed');
    const keysFile = join(this.sessionDir, KEYS_FILE);
    if (existsSync(keysFile)) {
      const keys = JSON.parse(await readFile(keysFile, 'utf8')) as { account: string };
      if (this.world.revoked.has(keys.account)) {
        this.emit('auth_failure', 'Unable to log in. Are the session details valid?');
        return;
      }
      this.emit('authenticated');
      this.becomeReady(keys.account);
      return;
    }
    this.rotateQr();
  }

  /** WhatsApp Web shows the next QR code (it rotates about every 20 s). */
  rotateQr(): string {
    this.qrCount += 1;
    const qr = `2@fake-qr-${this.options.channelId}-${this.qrCount},${(sequence += 1)}`;
    this.state = 'qr';
    this.emit('qr', qr);
    return qr;
  }

  /** The business scans the QR with its phone: the device is linked and its keys saved. */
  async scan(account = '212600000001'): Promise<void> {
    await mkdir(this.sessionDir, { recursive: true });
    await writeFile(join(this.sessionDir, KEYS_FILE), JSON.stringify({ account }));
    // Chromium's profile holds more than the keys; the vault must carry the folder, not one file.
    await mkdir(join(this.sessionDir, 'Default', 'IndexedDB'), { recursive: true });
    await writeFile(join(this.sessionDir, 'Default', 'IndexedDB', 'wawc.db'), `device of ${account}`);
    this.emit('authenticated');
    this.becomeReady(account);
  }

  private becomeReady(account: string): void {
    this.info = { wid: { _serialized: `${account}@c.us`, user: account }, pushname: 'Fake Shop' };
    this.state = 'ready';
    this.emit('change_state', 'CONNECTED');
    this.emit('ready');
  }

  /** The connection drops (the phone went offline, WhatsApp restarted the socket…). */
  disconnect(reason = 'NAVIGATION'): void {
    this.emit('change_state', 'UNPAIRED');
    this.emit('disconnected', reason);
  }

  /** A customer's message arrives, shaped like whatsapp-web.js's `Message`. */
  receive(input: FakeInboundMessage): WaMessage {
    const message = this.message({
      id: input.id,
      from: input.from,
      to: this.info?.wid._serialized ?? 'me@c.us',
      fromMe: false,
      body: input.body ?? '',
      type: input.type ?? (input.media ? 'image' : 'chat'),
      ...(input.author ? { author: input.author } : {}),
      hasMedia: input.media !== undefined,
      quotedId: input.quotedId,
      timestamp: input.timestamp ?? Math.floor(Date.now() / 1000),
      data: { ...(input.notifyName ? { notifyName: input.notifyName } : {}), ...(input.media ? { mimetype: input.media.mimetype, filename: input.media.filename, size: input.media.size } : {}) },
      ...(input.media?.expired ? {} : { content: input.media?.data === undefined ? Buffer.from('fake media') : Buffer.from(input.media.data) }),
    });
    this.downloads.set(input.id, 0);
    this.emit('message', message);
    this.emit('message_create', message);
    return message;
  }

  /** The business writes from its own phone: whatsapp-web.js reports it as `message_create`, fromMe. */
  phoneSends(chatId: string, body: string): WaMessage {
    const message = this.message({ id: `true_${chatId}_PHONE${(sequence += 1)}`, from: this.info?.wid._serialized ?? 'me@c.us', to: chatId, fromMe: true, body, type: 'chat', hasMedia: false, timestamp: Math.floor(Date.now() / 1000), data: {} });
    this.emit('message_create', message);
    return message;
  }

  /** WhatsApp reports progress on a message we sent. */
  ack(externalId: string, ack: WaAck): void {
    const sent = this.sent.find((entry) => entry.id === externalId);
    if (!sent) throw new Error(`no message ${externalId} was sent`);
    this.emit('message_ack', this.message({ id: externalId, from: this.info?.wid._serialized ?? 'me@c.us', to: sent.chatId, fromMe: true, body: typeof sent.content === 'string' ? sent.content : '', type: 'chat', hasMedia: false, timestamp: Math.floor(Date.now() / 1000), data: {} }), ack);
  }

  async sendMessage(chatId: string, content: string | WaMedia, options?: WaSendOptions): Promise<{ id: { _serialized: string; fromMe: boolean } }> {
    if (this.state !== 'ready') throw new Error('Evaluation failed: the page is not ready');
    const id = `true_${chatId}_3EB0${(sequence += 1).toString(16).toUpperCase().padStart(16, '0')}`;
    this.sent.push({ chatId, content, options, id });
    // Like whatsapp-web.js, the message's own message_create can fire before sendMessage resolves.
    this.emit('message_create', this.message({ id, from: this.info?.wid._serialized ?? 'me@c.us', to: chatId, fromMe: true, body: typeof content === 'string' ? content : (options?.caption ?? ''), type: typeof content === 'string' ? 'chat' : 'image', hasMedia: typeof content !== 'string', timestamp: Math.floor(Date.now() / 1000), data: {} }));
    await Promise.resolve();
    return { id: { _serialized: id, fromMe: true } };
  }

  async getChats(): Promise<Array<{ id: { _serialized: string }; name?: string; isGroup: boolean }>> {
    return [
      { id: { _serialized: '120363000000000001@g.us' }, name: 'Wholesale buyers', isGroup: true },
      { id: { _serialized: '212600000009@c.us' }, name: 'Salma', isGroup: false },
    ];
  }

  async getContacts(): Promise<Array<{ id: { _serialized: string }; name?: string; pushname?: string; isUser: boolean; isGroup: boolean }>> {
    return [
      { id: { _serialized: '212600000009@c.us' }, name: 'Salma', isUser: true, isGroup: false },
      { id: { _serialized: '120363000000000001@g.us' }, name: 'Wholesale buyers', isUser: false, isGroup: true },
    ];
  }

  async getState(): Promise<string | null> {
    return this.state === 'ready' ? 'CONNECTED' : null;
  }

  async logout(): Promise<void> {
    if (this.state !== 'ready') throw new Error('Cannot read properties of null (reading \'evaluate\')');
    this.loggedOut = true;
    // LocalAuth.logout(): the session folder goes.
    await rm(this.sessionDir, { recursive: true, force: true });
    this.state = 'destroyed';
  }

  async destroy(): Promise<void> {
    this.state = 'destroyed';
    this.world.changed();
  }

  browserPid(): number | undefined {
    // No Chromium: the test process stands in, so memory reporting has a real /proc entry.
    return this.state === 'ready' ? process.pid : undefined;
  }

  private message(fields: { id: string; from: string; to: string; fromMe: boolean; body: string; type: string; author?: string; hasMedia: boolean; quotedId?: string | undefined; timestamp: number; data: WaMessage['_data']; content?: Buffer }): WaMessage {
    const { quotedId, data, content, ...rest } = fields;
    return {
      ...rest,
      id: { _serialized: fields.id, fromMe: fields.fromMe },
      hasQuotedMsg: quotedId !== undefined,
      _data: data ?? {},
      getQuotedMessage: async () => (quotedId === undefined ? undefined : this.message({ ...fields, id: quotedId, quotedId: undefined })),
      downloadMedia: async () => {
        this.downloads.set(fields.id, (this.downloads.get(fields.id) ?? 0) + 1);
        if (!fields.hasMedia || content === undefined) return undefined;
        return { mimetype: data?.mimetype ?? 'application/octet-stream', data: content.toString('base64'), filename: data?.filename ?? null, filesize: content.byteLength };
      },
    };
  }
}
