import { setTimeout as sleep } from 'node:timers/promises';
import {
  checkSchema,
  mediaIdOf,
  normaliseTelegramUpdate,
  TELEGRAM_FILE_PREFIX,
  telegramMessageRef,
  TelegramUpdate,
  type Attachment,
  type InboundMessage,
  type OutboundMessage,
} from '@switchboard/contracts';
import type { Logger } from 'pino';
import { Telegraf, TelegramError } from 'telegraf';
import { PermanentSendError, RetryLaterError, type Connector, type ConnectorStatus, type SendReceipt } from '../core/connector.ts';
import type { MediaKeeper } from '../core/media-keeper.ts';

export interface TelegramConnectorOptions {
  channelId: string;
  tenantId: string;
  /** The bot token, opened from `channels.credentials_sealed` by the caller. */
  token: string;
  /** Bot API address (`TELEGRAM_API_ROOT`): Telegram's, a self-hosted Bot API server, or a test's fake. */
  apiRoot: string;
  /**
   * `polling` reads updates with `getUpdates`; `webhook` only sends, because Telegram posts the
   * updates to the hub's webhook route.
   */
  mode: 'polling' | 'webhook';
  allowGroups: boolean;
  logger: Logger;
  /** Seconds one `getUpdates` long poll may wait (default 30). */
  pollTimeoutSeconds?: number;
  /** Wait after a failed poll or a failed hand-off to the bus (default 1000 ms, doubling to 30 s). */
  retryDelayMs?: number;
  /** Called on every state change, with the bot's `@username` once known. */
  onStatus?: (status: ConnectorStatus, account: string | undefined) => void;
  /** Where agents' uploads are read from when they are sent. */
  media?: MediaKeeper;
}

/** Bot API answers that no retry can fix: the chat is gone, blocked us, or the token was revoked. */
const permanentCodes = new Set([400, 401, 403, 404]);

/**
 * A Telegram bot through the real telegraf, behind the `Connector` interface: telegraf's types
 * stay in this file. Polling runs its own `getUpdates` loop rather than `bot.launch()`, so the
 * offset moves past an update only once `onInbound` has put it on the bus; an update whose
 * hand-off failed is fetched again, and the bus's dedupe key makes that harmless.
 */
export class TelegramConnector implements Connector {
  readonly channelType = 'telegram' as const;
  readonly channelId: string;
  readonly tenantId: string;
  private readonly bot: Telegraf;
  private readonly log: Logger;
  private current: ConnectorStatus = { state: 'stopped' };
  private username: string | undefined;
  private abort = new AbortController();
  private polling: Promise<void> | undefined;
  /** Chats Telegram's flood control closed (its 429 `retry_after`), with when they open again. */
  private readonly floodWaits = new Map<string, number>();

  constructor(private readonly options: TelegramConnectorOptions) {
    this.channelId = options.channelId;
    this.tenantId = options.tenantId;
    this.bot = new Telegraf(options.token, { telegram: { apiRoot: options.apiRoot, webhookReply: false } });
    this.log = options.logger.child({ component: 'telegram', channelId: options.channelId });
  }

  /** The bot's `@username`, once `start` has asked Telegram. */
  get account(): string | undefined {
    return this.username;
  }

  async start(onInbound: (message: InboundMessage) => Promise<void>): Promise<void> {
    this.abort = new AbortController();
    this.setStatus({ state: 'starting' });
    try {
      const me = await this.bot.telegram.getMe();
      this.username = `@${me.username}`;
      // A bot with a webhook set cannot poll; polling mode takes the bot back from any webhook.
      if (this.options.mode === 'polling') await this.bot.telegram.deleteWebhook();
    } catch (error) {
      this.setStatus({ state: 'failed', reason: describe(error) });
      throw error;
    }
    if (this.options.mode === 'polling') this.polling = this.poll(onInbound, this.abort.signal);
    this.setStatus({ state: 'ready' });
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    const chatId = message.externalChatId;
    // A later reply to a chat Telegram told us to leave alone waits too: sent now, it would be
    // refused again, and it would reach the customer before the reply that is waiting.
    const waitMs = this.floodWaitOf(chatId);
    if (waitMs > 0) throw new RetryLaterError(`Telegram asked to wait before sending to this chat again (${Math.ceil(waitMs / 1000)} s left)`, waitMs);
    const replyTo = message.replyToExternalId ? telegramMessageRef(message.replyToExternalId) : undefined;
    const reply = replyTo && replyTo.chatId === chatId
      ? { reply_parameters: { message_id: replyTo.messageId, allow_sending_without_reply: true } }
      : {};
    const [only, ...more] = message.attachments;
    // One attachment with a short text goes as one message with a caption, as a person would send it.
    const captioned = only !== undefined && more.length === 0 && message.text !== undefined && message.text.length <= 1024;
    const sent: number[] = [];
    try {
      if (message.text !== undefined && !captioned) sent.push((await this.bot.telegram.sendMessage(chatId, message.text, reply)).message_id);
      for (const attachment of message.attachments) {
        const caption = captioned ? message.text : attachment.caption;
        const extra = { ...(sent.length === 0 ? reply : {}), ...(caption === undefined ? {} : { caption }) };
        const media = await this.mediaOf(attachment);
        const result = attachment.kind === 'image'
          ? await this.bot.telegram.sendPhoto(chatId, media, extra)
          : await this.bot.telegram.sendDocument(chatId, media, extra);
        sent.push(result.message_id);
      }
    } catch (error) {
      if (error instanceof TelegramError) {
        if (permanentCodes.has(error.code)) throw new PermanentSendError(`Telegram refused the message: ${error.description}`, { cause: error });
        const retryAfter = error.code === 429 ? error.parameters?.retry_after : undefined;
        if (retryAfter !== undefined && retryAfter > 0) {
          this.closeChatFor(chatId, retryAfter * 1000);
          throw new RetryLaterError(`Telegram answered 429: ${error.description}`, retryAfter * 1000, { cause: error });
        }
      }
      throw error; // 5xx, network, a 429 without retry_after: the dispatcher retries with backoff
    }
    if (sent.length === 0) throw new PermanentSendError('the message has neither text nor attachments');
    return { externalMessageId: `${chatId}:${sent[0]}` };
  }

  /**
   * A file to send: a Telegram file id as is, a file of the media store (an agent's upload) as
   * its bytes, any other URL fetched by telegraf and uploaded.
   */
  private async mediaOf(attachment: Attachment): Promise<string | { url: string; filename?: string } | { source: Buffer; filename?: string }> {
    const url = attachment.url;
    if (url === undefined) throw new PermanentSendError('an attachment without a url cannot be sent');
    if (url.startsWith(TELEGRAM_FILE_PREFIX)) return url.slice(TELEGRAM_FILE_PREFIX.length);
    const filename = attachment.fileName ? { filename: attachment.fileName } : {};
    if (mediaIdOf(url) === undefined) return { url, ...filename };
    const file = await this.options.media?.read(url);
    if (!file) throw new PermanentSendError('not sent: the attached file is no longer kept');
    return { source: file.bytes, ...(attachment.fileName ?? file.fileName ? { filename: attachment.fileName ?? file.fileName } : {}) };
  }

  /** The content of a file a customer sent (an attachment `url` of `telegram-file:<id>`), through getFile. */
  async download(attachment: Pick<Attachment, 'url'>): Promise<Buffer> {
    if (!attachment.url?.startsWith(TELEGRAM_FILE_PREFIX)) throw new TypeError('not a Telegram file reference');
    const link = await this.bot.telegram.getFileLink(attachment.url.slice(TELEGRAM_FILE_PREFIX.length));
    const response = await fetch(link);
    if (!response.ok) throw new Error(`Telegram answered ${response.status} for a file download`);
    return Buffer.from(await response.arrayBuffer());
  }

  status(): ConnectorStatus {
    return this.current;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.polling;
    this.polling = undefined;
    this.setStatus({ state: 'stopped' });
  }

  /** How long Telegram still wants this chat left alone (ms; 0 when it may be sent to). */
  private floodWaitOf(chatId: string): number {
    const until = this.floodWaits.get(chatId);
    if (until === undefined) return 0;
    const left = until - Date.now();
    if (left <= 0) this.floodWaits.delete(chatId);
    return Math.max(0, left);
  }

  private closeChatFor(chatId: string, waitMs: number): void {
    if (this.floodWaits.size >= 10_000) {
      // Bounded: past waits are dropped first; a map still full of live ones starts over.
      for (const [chat, until] of this.floodWaits) if (until <= Date.now()) this.floodWaits.delete(chat);
      if (this.floodWaits.size >= 10_000) this.floodWaits.clear();
    }
    this.floodWaits.set(chatId, Date.now() + waitMs);
  }

  private async poll(onInbound: (message: InboundMessage) => Promise<void>, signal: AbortSignal): Promise<void> {
    const baseDelay = this.options.retryDelayMs ?? 1000;
    let offset = 0;
    let failures = 0;
    const backOff = async () => {
      failures += 1;
      await sleep(Math.min(30_000, baseDelay * 2 ** (failures - 1)), undefined, { signal }).catch(() => undefined);
    };
    while (!signal.aborted) {
      let updates: unknown[];
      try {
        // telegraf types `signal` as the abort-controller polyfill's AbortSignal; node-fetch takes Node's.
        updates = await this.bot.telegram.callApi('getUpdates', { timeout: this.options.pollTimeoutSeconds ?? 30, offset, allowed_updates: ['message'] }, { signal: signal as never });
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof TelegramError && (error.code === 401 || error.code === 409)) {
          // A revoked token or a webhook set elsewhere: polling cannot go on until someone acts.
          this.setStatus({ state: 'failed', reason: describe(error) });
          return;
        }
        this.log.warn({ err: error }, 'getUpdates failed; retrying');
        await backOff();
        continue;
      }
      try {
        for (const update of updates) {
          const inbound = this.normalise(update);
          if (inbound !== undefined) await onInbound(inbound);
          offset = (update as { update_id: number }).update_id + 1;
        }
        failures = 0;
      } catch (error) {
        // Not confirmed: the next getUpdates returns this update again.
        this.log.warn({ err: error }, 'could not hand a Telegram update to the bus; it will be fetched again');
        await backOff();
      }
    }
  }

  private normalise(update: unknown): InboundMessage | undefined {
    const checked = checkSchema(TelegramUpdate, update);
    if (!checked.ok) {
      this.log.warn({ issues: checked.issues.slice(0, 5) }, 'skipped a Telegram update that does not match the Bot API shape');
      return undefined;
    }
    return normaliseTelegramUpdate(checked.value, { channelId: this.channelId, allowGroups: this.options.allowGroups });
  }

  private setStatus(status: ConnectorStatus): void {
    this.current = status;
    this.options.onStatus?.(status, this.username);
  }
}


function describe(error: unknown): string {
  if (error instanceof TelegramError) return `Telegram answered ${error.code}: ${error.description}`;
  return error instanceof Error ? error.message : String(error);
}
