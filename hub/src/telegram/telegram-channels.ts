import type { EntityManager } from '@mikro-orm/postgresql';
import type { CreateTelegramChannelRequest, UpdateTelegramChannelRequest } from '@switchboard/contracts';
import type { Orm } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import { telegramWebhookSecret, verifyTelegramWebhookSecret, type DerivedKeys, type SecretBox } from '@switchboard/security';
import type { TelegramBotApi, TelegramBotIdentity } from './telegram-bot-api.ts';

/** What `channels.settings` holds for a Telegram channel. */
export interface TelegramChannelSettings {
  mode: 'webhook' | 'polling';
  allowGroups: boolean;
  botId: number;
  /** `@username`, as the console shows it. */
  account: string;
}

/** A Telegram channel as the webhook route needs it, after its secret checked out. */
export interface TelegramWebhookChannel {
  id: string;
  tenantId: string;
  allowGroups: boolean;
  tenantActive: boolean;
}

export interface TelegramChannelsOptions {
  orm: Orm;
  keys: Pick<DerivedKeys, 'telegramWebhookKey'>;
  secretBox: SecretBox;
  api: TelegramBotApi;
  /** `PUBLIC_URL` when set; without it a webhook cannot be registered with Telegram. */
  webhookBaseUrl: string | undefined;
}

/** A stored channel row, as `returning *` answers it; the route makes the API's view from it. */
type ChannelRecord = Record<string, unknown> & { id: string };

/** An edit as stored, and the token of the bot it let go of, whose webhook must be removed. */
export interface TelegramEdit {
  row: ChannelRecord;
  releasedToken: string | undefined;
}

const notFound = () => new AppError('SB_ERR_NOT_FOUND', { message: 'No Telegram channel has this id.' });

/**
 * Telegram channels in the hub: adding one (getMe, the token sealed, setWebhook when the hub
 * has a public address), editing it (token, mode, name, groups, with Telegram told before the
 * change is stored), letting its bot go when it is removed, and what the webhook route needs
 * (the per-channel secret, the channel found without a signed-in user).
 */
export class TelegramChannels {
  private readonly cache = new Map<string, { at: number; channel: Promise<TelegramWebhookChannel | undefined> }>();

  constructor(private readonly options: TelegramChannelsOptions, private readonly ttlMs = 30_000) {}

  /** The path Telegram posts a channel's updates to. */
  static webhookPath(channelId: string): string {
    return `/api/v1/webhooks/telegram/${channelId}`;
  }

  verifySecret(channelId: string, given: string | undefined): boolean {
    return verifyTelegramWebhookSecret(this.options.keys, channelId, given);
  }

  /** The bot behind a token, asked before any transaction opens (a network call may take seconds). */
  checkToken(token: string): Promise<TelegramBotIdentity> {
    return this.options.api.getMe(token);
  }

  /**
   * Adds a Telegram channel in the caller's tenant transaction, for a bot `checkToken` found.
   * When setWebhook fails the transaction rolls back, so a refused channel leaves no row.
   */
  async create(em: EntityManager, tenantId: string, request: CreateTelegramChannelRequest, bot: TelegramBotIdentity): Promise<Record<string, unknown>> {
    const settings: TelegramChannelSettings = { mode: request.mode, allowGroups: request.allowGroups ?? false, botId: bot.id, account: `@${bot.username}` };
    await this.refuseTakenBot(em, bot, undefined);
    const [row] = await em.execute<ChannelRecord[]>(
      `insert into channels (tenant_id, type, name, settings, credentials_sealed) values (?, 'telegram', ?, ?, ?) returning *`,
      [tenantId, request.name, JSON.stringify(settings), this.options.secretBox.seal(request.token)],
    );
    if (!row) throw new Error('inserting a channel returned no row');
    const base = this.options.webhookBaseUrl;
    if (request.mode === 'webhook' && base !== undefined) {
      await this.options.api.setWebhook(request.token, `${base}${TelegramChannels.webhookPath(row.id)}`, telegramWebhookSecret(this.options.keys, row.id));
    }
    return row;
  }

  /**
   * Edits a Telegram channel in the caller's tenant transaction; `bot` is what `checkToken` found
   * for a new token. A new token or mode is told to Telegram before the transaction commits
   * (setWebhook with the channel's secret in webhook mode when the hub has a public address,
   * deleteWebhook for polling, so that getUpdates works), so a refusal leaves the channel as it
   * was. A token of another bot is taken only if that bot is no other channel of the workspace.
   */
  async update(em: EntityManager, channelId: string, request: UpdateTelegramChannelRequest, bot: TelegramBotIdentity | undefined): Promise<TelegramEdit> {
    const [current] = await em.execute<Array<ChannelRecord & { settings: TelegramChannelSettings; credentials_sealed: string | null }>>(
      `select * from channels where id = ? and type = 'telegram' and removed_at is null for update`,
      [channelId],
    );
    if (!current) throw notFound();
    const before = current.settings;
    const storedToken = this.openToken(current.credentials_sealed);
    const botChanged = bot !== undefined && bot.id !== before.botId;
    if (bot !== undefined && botChanged) await this.refuseTakenBot(em, bot, channelId);
    const tokenChanged = request.token !== undefined && request.token !== storedToken;
    const after: TelegramChannelSettings = {
      mode: request.mode ?? before.mode,
      allowGroups: request.allowGroups ?? before.allowGroups,
      botId: bot?.id ?? before.botId,
      account: bot === undefined ? before.account : `@${bot.username}`,
    };
    const [row] = await em.execute<ChannelRecord[]>(
      `update channels set name = coalesce(?, name), settings = ?, credentials_sealed = coalesce(?, credentials_sealed), updated_at = now() where id = ? returning *`,
      [request.name ?? null, JSON.stringify(after), tokenChanged && request.token !== undefined ? this.options.secretBox.seal(request.token) : null, channelId],
    );
    if (!row) throw notFound();
    if (tokenChanged || after.mode !== before.mode) {
      const token = request.token ?? storedToken;
      if (token === undefined) {
        throw new AppError('SB_ERR_CHANNEL_CREDENTIALS', {
          message: "The stored bot token cannot be read with this server's SECRET_KEY; give the token again to change the mode.",
          issues: [{ path: 'body/token', message: 'is needed: the stored one cannot be read' }],
        });
      }
      const base = this.options.webhookBaseUrl;
      if (after.mode === 'polling') await this.options.api.deleteWebhook(token);
      else if (base !== undefined) await this.options.api.setWebhook(token, `${base}${TelegramChannels.webhookPath(channelId)}`, telegramWebhookSecret(this.options.keys, channelId));
    }
    // The bot let go of still posts to this channel's address with this channel's secret until
    // its webhook goes: the caller removes it once the edit is stored.
    return { row, releasedToken: botChanged && before.mode === 'webhook' ? storedToken : undefined };
  }

  /**
   * After a channel was removed or let go of its bot: Telegram stops posting the bot's updates
   * here. Best effort, as the change stands either way (the webhook route refuses a removed
   * channel); answers what could not be done, in words for the admin, or undefined.
   */
  async releaseBot(channelId: string, token: string | undefined): Promise<string | undefined> {
    this.forget(channelId);
    if (token === undefined) return "The bot's token could not be read with this server's SECRET_KEY, so Telegram was not asked to stop sending its updates; Switchboard refuses them. Revoke the token with @BotFather to stop them at the source.";
    try {
      await this.options.api.deleteWebhook(token);
      return undefined;
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'it failed';
      return `Telegram was not told to stop sending the bot's updates (${reason}); Switchboard refuses them. To stop them at the source, revoke the bot's token with @BotFather.`;
    }
  }

  /** The bot token sealed in a channel row, or undefined when there is none or this SECRET_KEY cannot open it. */
  openToken(sealed: unknown): string | undefined {
    if (typeof sealed !== 'string') return undefined;
    try {
      return this.options.secretBox.open(sealed);
    } catch {
      return undefined;
    }
  }

  /** Drops what the webhook route cached about a channel, after it changed here. */
  forget(channelId: string): void {
    this.cache.delete(channelId);
  }

  /** The channel a webhook call is for, cached briefly: Telegram may post many updates a second. */
  byId(channelId: string): Promise<TelegramWebhookChannel | undefined> {
    const hit = this.cache.get(channelId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.channel;
    const channel = this.load(channelId);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(channelId, { at: Date.now(), channel });
    channel.catch(() => this.cache.delete(channelId));
    return channel;
  }

  /**
   * One bot, one channel: two channels of the same bot would fight over its updates (Telegram
   * answers a second poller 409, and a second setWebhook silently takes the first one's place).
   */
  private async refuseTakenBot(em: EntityManager, bot: TelegramBotIdentity, except: string | undefined): Promise<void> {
    const [existing] = await em.execute<Array<{ id: string }>>(
      `select id from channels where type = 'telegram' and removed_at is null and (settings ->> 'botId')::bigint = ? and id is distinct from ?`,
      [bot.id, except ?? null],
    );
    if (existing) {
      throw new AppError('SB_ERR_CONFLICT', { message: `The bot @${bot.username} is already a channel of this workspace.`, issues: [{ path: 'body/token', message: 'belongs to a bot that is already a channel' }] });
    }
  }

  private async load(channelId: string): Promise<TelegramWebhookChannel | undefined> {
    const [row] = await this.options.orm.em.fork().execute<Array<{ id: string; tenant_id: string; settings: Partial<TelegramChannelSettings> | null; tenant_status: string }>>(
      'select * from telegram_webhook_channel(?)',
      [channelId],
    );
    if (!row) return undefined;
    return { id: row.id, tenantId: row.tenant_id, allowGroups: row.settings?.allowGroups === true, tenantActive: row.tenant_status === 'active' };
  }
}
