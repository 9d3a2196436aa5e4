import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { createEnvelope, serveRequests, type Bus } from '@switchboard/bus';
import { ChannelCommandReply, ChannelCommandRequest, subjects, type ChannelState } from '@switchboard/contracts';
import type { Orm } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import { createSecretBox, deriveKeys } from '@switchboard/security';
import type { Logger } from 'pino';
import type { Connector, ConnectorStatus } from '../core/connector.ts';
import { publishInbound } from '../core/inbound-publisher.ts';
import { postgresMediaKeeper } from '../core/media-keeper.ts';
import { TelegramConnector } from './telegram.connector.ts';

export interface TelegramSessionsOptions {
  bus: Bus;
  orm: Orm;
  logger: Logger;
  /** `SECRET_KEY`: opens the sealed bot tokens. */
  secretKey: string;
  /** `TELEGRAM_API_ROOT`. */
  apiRoot: string;
  /** The connector role's map of held channels; the outbound dispatcher sends through it. */
  sessions: Map<string, Connector>;
  /** How often channels added, removed or suspended since are picked up (default 30 s; 0: only at start). */
  refreshIntervalMs?: number;
  /** Seconds one long poll waits (default 30). */
  pollTimeoutSeconds?: number;
  /** Names this node in `channel.status` (default the host name). */
  node?: string;
  /** `MEDIA_MAX_BYTES` (default 16 MiB). */
  mediaMaxBytes?: number;
}

export interface TelegramSessions {
  /** Starts the bots of channels added since, stops those removed or suspended, restarts those edited. */
  refresh(): Promise<void>;
  /**
   * Asks for a refresh soon, at most one every few seconds: for a reply to a channel this node
   * does not hold yet (added since the last refresh), so it need not wait for the interval.
   */
  refreshSoon(): void;
  stop(): Promise<void>;
}

interface ChannelRow {
  id: string;
  tenant_id: string;
  settings: { mode?: 'webhook' | 'polling'; allowGroups?: boolean; account?: string } | null;
  credentials_sealed: string;
}

/** What a running bot was started from: an edit of its token, mode or groups changes it. */
const fingerprintOf = (row: ChannelRow) => `${JSON.stringify(row.settings)}|${row.credentials_sealed}`;

/**
 * The connector role's Telegram bots: one `TelegramConnector` per active Telegram channel of
 * every workspace, read through `telegram_channels()` (a security-definer lookup, so this role
 * needs no platform scope). Polling channels poll; webhook channels only send, since their
 * updates reach the hub. Each bot's state goes to its workspace's consoles as `channel.status`.
 * Channels are read again every `refreshIntervalMs`, and at once when the hub says a channel was
 * edited or removed (`settings` or `stop` on `sb.req.telegram.<tenant>`): every node hears it,
 * since every node runs the bots, and the first to have refreshed answers with the bot's state.
 */
export async function startTelegramSessions(options: TelegramSessionsOptions): Promise<TelegramSessions> {
  const { bus, orm, sessions } = options;
  const log = options.logger.child({ component: 'telegram-sessions' });
  const box = createSecretBox(deriveKeys(options.secretKey).encryptionKey);
  const node = options.node ?? hostname();
  /** The channels this node runs, with what each was started from. */
  const held = new Map<string, string>();
  let stopped = false;

  const publishStatus = (row: ChannelRow, state: ChannelState, reason: string | undefined, account: string | undefined) => {
    const data = {
      channelId: row.id,
      channelType: 'telegram' as const,
      state,
      ...(reason === undefined ? {} : { reason: reason.slice(0, 500) }),
      ...(account === undefined ? {} : { account: account.slice(0, 100) }),
      node: node.slice(0, 200),
      at: new Date().toISOString(),
    };
    bus.publish(createEnvelope('channel.status', row.tenant_id, data)).catch((error: unknown) => log.warn({ err: error, channelId: row.id }, 'could not publish a channel status'));
  };

  const startOne = async (row: ChannelRow) => {
    let token: string;
    try {
      token = box.open(row.credentials_sealed);
    } catch (error) {
      log.error({ err: error, channelId: row.id }, 'a Telegram token cannot be opened with this SECRET_KEY');
      publishStatus(row, 'failed', 'The bot token cannot be read with this SECRET_KEY; add the channel again.', row.settings?.account);
      return;
    }
    const connector = new TelegramConnector({
      channelId: row.id,
      tenantId: row.tenant_id,
      token,
      apiRoot: options.apiRoot,
      mode: row.settings?.mode === 'webhook' ? 'webhook' : 'polling',
      allowGroups: row.settings?.allowGroups === true,
      logger: options.logger,
      ...(options.pollTimeoutSeconds === undefined ? {} : { pollTimeoutSeconds: options.pollTimeoutSeconds }),
      media: postgresMediaKeeper(options.orm, row.tenant_id, row.id, options.mediaMaxBytes ?? 16 * 1024 * 1024),
      onStatus: (status: ConnectorStatus, account) => publishStatus(row, status.state, 'reason' in status ? status.reason : undefined, account ?? row.settings?.account),
    });
    try {
      await connector.start((message) => publishInbound(bus, row.tenant_id, message).then(() => undefined));
    } catch (error) {
      // Reported as `failed` by the connector; the next refresh tries again.
      log.warn({ err: error, channelId: row.id }, 'a Telegram bot did not start');
      return;
    }
    if (stopped) {
      await connector.stop();
      return;
    }
    sessions.set(row.id, connector);
    held.set(row.id, fingerprintOf(row));
  };

  const stopOne = async (channelId: string) => {
    await sessions.get(channelId)?.stop();
    sessions.delete(channelId);
    held.delete(channelId);
  };

  let running: Promise<void> = Promise.resolve();
  const refresh = () => {
    // One refresh at a time, so a slow getMe cannot start the same bot twice.
    running = running.then(async () => {
      if (stopped) return;
      const rows = await orm.em.fork().execute<ChannelRow[]>('select * from telegram_channels()');
      const wanted = new Map(rows.map((row) => [row.id, fingerprintOf(row)]));
      // Removed, suspended or edited: an edited bot starts again from its new token and mode.
      for (const [id, fingerprint] of [...held].filter(([channelId, fingerprint]) => wanted.get(channelId) !== fingerprint)) {
        log.info({ channelId: id, edited: wanted.has(id) && wanted.get(id) !== fingerprint }, 'stopping a Telegram bot');
        await stopOne(id);
      }
      await Promise.all(rows.filter((row) => !held.has(row.id)).map(startOne));
    }).catch((error: unknown) => log.error({ err: error }, 'could not load the Telegram channels'));
    return running;
  };

  await refresh();
  const interval = options.refreshIntervalMs ?? 30_000;
  const timer = interval > 0 ? setInterval(() => void refresh(), interval) : undefined;
  timer?.unref();
  // A queue group of its own: the hub's command reaches every node, not one of them.
  const commands = serveRequests(bus.nc, subjects.all.requests('telegram'), { request: ChannelCommandRequest, response: ChannelCommandReply }, async (command, context) => {
    if (command.type !== 'settings' && command.type !== 'stop') {
      throw new AppError('SB_ERR_VALIDATION', { message: `a Telegram channel takes the commands settings and stop, not ${command.type}` });
    }
    await refresh();
    const session = sessions.get(command.channelId);
    // Another workspace's channel id gets the answer an unknown one gets.
    const bot = session instanceof TelegramConnector && session.tenantId === context.tenantId ? session : undefined;
    const status = bot?.status() ?? { state: 'stopped' as const };
    return {
      status: {
        channelId: command.channelId,
        channelType: 'telegram' as const,
        state: status.state,
        ...('reason' in status ? { reason: status.reason.slice(0, 500) } : {}),
        ...(bot?.account === undefined ? {} : { account: bot.account.slice(0, 100) }),
        node: node.slice(0, 200),
      },
    };
  }, log, `telegram-sessions.${randomUUID()}`);
  log.info({ bots: held.size }, 'Telegram bots started');

  let lastAsked = 0;
  return {
    refresh,
    refreshSoon: () => {
      if (Date.now() - lastAsked < 2_000) return;
      lastAsked = Date.now();
      void refresh();
    },
    stop: async () => {
      stopped = true;
      if (timer) clearInterval(timer);
      await commands.stop();
      await running;
      await Promise.all([...held.keys()].map(stopOne));
    },
  };
}
