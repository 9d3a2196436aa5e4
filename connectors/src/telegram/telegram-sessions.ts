import { hostname } from 'node:os';
import { createEnvelope, type Bus } from '@switchboard/bus';
import type { ChannelState } from '@switchboard/contracts';
import type { Orm } from '@switchboard/db';
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
  /** Starts the bots of channels added since, stops those removed or suspended. */
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

/**
 * The connector role's Telegram bots: one `TelegramConnector` per active Telegram channel of
 * every workspace, read through `telegram_channels()` (a security-definer lookup, so this role
 * needs no platform scope). Polling channels poll; webhook channels only send, since their
 * updates reach the hub. Each bot's state goes to its workspace's consoles as `channel.status`.
 */
export async function startTelegramSessions(options: TelegramSessionsOptions): Promise<TelegramSessions> {
  const { bus, orm, sessions } = options;
  const log = options.logger.child({ component: 'telegram-sessions' });
  const box = createSecretBox(deriveKeys(options.secretKey).encryptionKey);
  const node = options.node ?? hostname();
  const held = new Set<string>();
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
    held.add(row.id);
  };

  let running: Promise<void> = Promise.resolve();
  const refresh = () => {
    // One refresh at a time, so a slow getMe cannot start the same bot twice.
    running = running.then(async () => {
      if (stopped) return;
      const rows = await orm.em.fork().execute<ChannelRow[]>('select * from telegram_channels()');
      const wanted = new Set(rows.map((row) => row.id));
      for (const id of [...held].filter((channelId) => !wanted.has(channelId))) {
        await sessions.get(id)?.stop();
        sessions.delete(id);
        held.delete(id);
      }
      await Promise.all(rows.filter((row) => !held.has(row.id)).map(startOne));
    }).catch((error: unknown) => log.error({ err: error }, 'could not load the Telegram channels'));
    return running;
  };

  await refresh();
  const interval = options.refreshIntervalMs ?? 30_000;
  const timer = interval > 0 ? setInterval(() => void refresh(), interval) : undefined;
  timer?.unref();
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
      await running;
      await Promise.all([...held].map(async (id) => {
        await sessions.get(id)?.stop();
        sessions.delete(id);
      }));
      held.clear();
    },
  };
}
