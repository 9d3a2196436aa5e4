import { AppError } from '@switchboard/errors';

/** A bot as getMe describes it. */
export interface TelegramBotIdentity {
  id: number;
  username: string;
}

/**
 * The Bot API calls the hub makes (getMe when a channel is added or its token changes, setWebhook
 * and deleteWebhook as its mode changes or it is removed), over plain HTTP. The hub does not load
 * telegraf for them: the SDK belongs to the connector, and each call is a JSON POST.
 */
export class TelegramBotApi {
  constructor(private readonly apiRoot: string, private readonly timeoutMs = 10_000) {}

  /** The bot behind `token`; a token Telegram refuses is `SB_ERR_CHANNEL_CREDENTIALS` naming `token`. */
  async getMe(token: string): Promise<TelegramBotIdentity> {
    const result = await this.call(token, 'getMe', {});
    const bot = result as { id?: unknown; username?: unknown };
    if (typeof bot.id !== 'number' || typeof bot.username !== 'string') {
      throw new AppError('SB_ERR_DEPENDENCY_DOWN', { message: 'Telegram answered getMe with something that is not a bot.' });
    }
    return { id: bot.id, username: bot.username };
  }

  /** Points the bot's updates at `url`; Telegram will send `secretToken` with each. */
  async setWebhook(token: string, url: string, secretToken: string): Promise<void> {
    await this.call(token, 'setWebhook', { url, secret_token: secretToken, allowed_updates: ['message'] });
  }

  /** Stops Telegram posting the bot's updates anywhere: for polling, or once the channel is removed. */
  async deleteWebhook(token: string): Promise<void> {
    await this.call(token, 'deleteWebhook', {});
  }

  private async call(token: string, method: string, payload: object): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.apiRoot}/bot${token}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      // The message of a fetch error can hold the URL, and the URL holds the token: keep neither.
      throw new AppError('SB_ERR_DEPENDENCY_DOWN', { message: `Telegram's Bot API could not be reached for ${method}; try again later.`, cause: new Error(error instanceof Error ? error.name : 'fetch failed') });
    }
    const body = await response.json().catch(() => undefined) as { ok?: boolean; result?: unknown; description?: string } | undefined;
    if (response.ok && body?.ok === true) return body.result;
    // 401 is a wrong token; 404 is what Telegram answers for a token of the wrong shape.
    if (response.status === 401 || response.status === 404) {
      throw new AppError('SB_ERR_CHANNEL_CREDENTIALS', {
        message: 'Telegram refused this bot token; copy it again from @BotFather.',
        issues: [{ path: 'body/token', message: 'was refused by Telegram' }],
      });
    }
    if (response.status >= 400 && response.status < 500) {
      throw new AppError('SB_ERR_CHANNEL_CREDENTIALS', {
        message: `Telegram refused ${method}: ${String(body?.description ?? response.status).slice(0, 200)}`,
        issues: [{ path: method === 'getMe' ? 'body/token' : 'body/mode', message: `was refused by Telegram (${response.status})` }],
      });
    }
    throw new AppError('SB_ERR_DEPENDENCY_DOWN', { message: `Telegram's Bot API answered ${response.status} to ${method}; try again later.` });
  }
}
