import type { EntityManager } from '@mikro-orm/postgresql';
import type { CreateTelegramChannelRequest } from '@switchboard/contracts';
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

/**
 * Telegram channels in the hub: adding one (getMe, the token sealed, setWebhook when the hub
 * has a public address) and what the webhook route needs (the per-channel secret, the channel
 * found without a signed-in user).
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
    // One bot, one channel: two channels of the same bot would fight over its updates (Telegram
    // answers a second poller 409, and a second setWebhook silently takes the first one's place).
    const [existing] = await em.execute<Array<{ id: string }>>(`select id from channels where type = 'telegram' and (settings ->> 'botId')::bigint = ?`, [bot.id]);
    if (existing) {
      throw new AppError('SB_ERR_CONFLICT', { message: `The bot @${bot.username} is already a channel of this workspace.`, issues: [{ path: 'body/token', message: 'belongs to a bot that is already a channel' }] });
    }
    const [row] = await em.execute<Array<Record<string, unknown> & { id: string }>>(
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

  private async load(channelId: string): Promise<TelegramWebhookChannel | undefined> {
    const [row] = await this.options.orm.em.fork().execute<Array<{ id: string; tenant_id: string; settings: Partial<TelegramChannelSettings> | null; tenant_status: string }>>(
      'select * from telegram_webhook_channel(?)',
      [channelId],
    );
    if (!row) return undefined;
    return { id: row.id, tenantId: row.tenant_id, allowGroups: row.settings?.allowGroups === true, tenantActive: row.tenant_status === 'active' };
  }
}
