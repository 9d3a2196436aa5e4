import type { Msg, Subscription } from '@nats-io/transport-node';
import { createEnvelope, type Bus } from '@switchboard/bus';
import { ChannelCommandRequest, checkSchema, describeIssues, subjects, tenantOfSubject, type ChannelCommandReply, type WhatsAppSettings } from '@switchboard/contracts';
import { withTenant, type Orm } from '@switchboard/db';
import { AppError, isAppError } from '@switchboard/errors';
import type { Logger } from 'pino';
import type { Connector } from '../core/connector.ts';
import { publishInbound } from '../core/inbound-publisher.ts';
import { postgresMediaKeeper } from '../core/media-keeper.ts';
import { SessionLeases } from './session-lease.ts';
import type { SessionVault } from './session-vault.ts';
import { sessionDirOf, type WhatsAppClientFactory } from './whatsapp-client.ts';
import type { WhatsAppChannelRules } from './whatsapp-normalizer.ts';
import { WhatsAppConnector, type SessionStatus } from './whatsapp.connector.ts';

export interface WhatsAppSessionsOptions {
  bus: Bus;
  orm: Orm;
  logger: Logger;
  /** The outbound dispatcher's map of the channels this node holds. */
  sessions: Map<string, Connector>;
  /** This node's name in leases and in `channel.status`. */
  node: string;
  /** LocalAuth's data path: one `session-<channel id>` folder per session. */
  authDataPath: string;
  clientFactory: WhatsAppClientFactory;
  vault: SessionVault;
  /** The most sessions (Chromiums) this node runs. */
  maxSessions: number;
  leaseTtlMs?: number;
  /** How often leases are renewed, rules reloaded and unheld channels adopted (ms). */
  renewIntervalMs?: number;
  /** How often a ready session's memory is reported and its login saved (ms). */
  statusIntervalMs?: number;
  maxAttempts?: number;
  backoffMs?: (attempt: number) => number;
  /** The largest received file kept in the media store (bytes, default 16 MiB). */
  mediaMaxBytes?: number;
}

interface HeldSession {
  tenantId: string;
  connector: WhatsAppConnector;
  /** Whether it was ready since the last save, so there is a login worth keeping. */
  readySinceSave: boolean;
  /** When the lease was last confirmed (ms since the epoch). */
  leaseConfirmedAt: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The connector role's WhatsApp side: runs a session for each active WhatsApp channel this node
 * can lease (up to `maxSessions`), adopts sessions whose node died, publishes their
 * `channel.status` and `channel.qr` to the channel's tenant, and answers the hub's commands on
 * `sb.req.whatsapp.<tenant>` for the sessions it holds.
 */
export class WhatsAppSessionManager {
  private readonly held = new Map<string, HeldSession>();
  private readonly leases: SessionLeases;
  private readonly log: Logger;
  private readonly starting = new Map<string, Promise<HeldSession | undefined>>();
  private subscription: Subscription | undefined;
  private timers: NodeJS.Timeout[] = [];
  private ticking: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: WhatsAppSessionsOptions) {
    this.leases = new SessionLeases(options.orm, options.node, options.leaseTtlMs ?? 30_000);
    this.log = options.logger.child({ component: 'whatsapp-sessions', node: options.node });
  }

  /** Starts the sessions it can lease and begins answering commands. */
  async start(): Promise<void> {
    this.subscription = this.options.bus.nc.subscribe(subjects.all.requests('whatsapp'));
    void this.serve(this.subscription);
    await this.adopt();
    const renew = setInterval(() => {
      this.ticking = this.ticking.then(() => this.renew()).catch((error: unknown) => this.log.warn({ err: error }, 'could not renew WhatsApp session leases'));
    }, this.options.renewIntervalMs ?? 10_000);
    const report = setInterval(() => {
      void this.reportAndSave().catch((error: unknown) => this.log.warn({ err: error }, 'could not report or save WhatsApp sessions'));
    }, this.options.statusIntervalMs ?? 60_000);
    this.timers = [renew, report];
    this.log.info({ sessions: this.held.size, maxSessions: this.options.maxSessions, authStore: this.options.vault.kind }, 'whatsapp sessions started');
  }

  /** The channels whose session runs here. */
  heldChannels(): string[] {
    return [...this.held.keys()];
  }

  /** Stops every session (their logins saved, their leases given up) and stops answering. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.subscription?.drain();
    await this.ticking;
    await Promise.all([...this.starting.values()]);
    await Promise.all([...this.held.keys()].map((channelId) => this.stopSession(channelId, 'stop')));
  }

  /** Starts a channel's session here if this node has room and gets the lease. */
  async startSession(tenantId: string, channelId: string): Promise<HeldSession | undefined> {
    const held = this.held.get(channelId);
    if (held) {
      if (held.tenantId !== tenantId) return undefined;
      const state = held.connector.status().state;
      if (state === 'stopped' || state === 'failed') held.connector.restart();
      return held;
    }
    const pending = this.starting.get(channelId);
    if (pending) return (await pending)?.tenantId === tenantId ? pending : undefined;
    // Sessions being opened count against the ceiling too, so concurrent starts cannot overshoot it.
    if (this.stopped || this.held.size + this.starting.size >= this.options.maxSessions) return undefined;
    const starting = this.open(tenantId, channelId).finally(() => this.starting.delete(channelId));
    this.starting.set(channelId, starting);
    return starting;
  }

  private async open(tenantId: string, channelId: string): Promise<HeldSession | undefined> {
    const rules = await this.rulesOf(tenantId, channelId);
    if (rules === undefined) return undefined;
    if (!(await this.leases.acquire(tenantId, channelId))) return undefined;
    const { authDataPath, vault } = this.options;
    const restored = await vault.restore(tenantId, channelId, sessionDirOf({ authDataPath, clientId: channelId })).catch((error: unknown) => {
      this.log.warn({ err: error, channelId }, 'could not restore a saved WhatsApp login; the session will ask for a QR');
      return false;
    });
    const session: HeldSession = {
      tenantId,
      readySinceSave: false,
      leaseConfirmedAt: Date.now(),
      connector: new WhatsAppConnector({
        tenantId,
        channelId,
        clientFactory: this.options.clientFactory,
        authDataPath,
        logger: this.options.logger,
        rules,
        ...(this.options.maxAttempts === undefined ? {} : { maxAttempts: this.options.maxAttempts }),
        ...(this.options.backoffMs ? { backoffMs: this.options.backoffMs } : {}),
        onStatus: (status) => this.onStatus(session, status),
        onQr: (qr) => void this.publishQuietly(createEnvelope('channel.qr', tenantId, { channelId, qr: qr.slice(0, 4096), at: new Date().toISOString() })),
        onDelivery: (report) => void this.publishQuietly(
          createEnvelope('delivery.reported', tenantId, { messageId: report.messageId, channelId, externalMessageId: report.externalMessageId, status: report.status, at: new Date().toISOString() }),
          { channelId, msgId: `dlv:${report.messageId}:${report.status}` },
        ),
        onHumanTakeover: (externalChatId) => this.log.info({ channelId, externalChatId }, 'the business answered from its phone: the chat goes to people'),
        media: postgresMediaKeeper(this.options.orm, tenantId, channelId, this.options.mediaMaxBytes ?? 16 * 1024 * 1024),
      }),
    };
    this.held.set(channelId, session);
    this.options.sessions.set(channelId, session.connector);
    await session.connector.start(async (message) => {
      await publishInbound(this.options.bus, tenantId, message);
    });
    this.log.info({ channelId, restoredLogin: restored }, 'whatsapp session started');
    return session;
  }

  /** Stops a session here: `stop` keeps its login, `logout` deletes it, `lost` (lease gone) leaves the lease alone. */
  async stopSession(channelId: string, mode: 'stop' | 'logout' | 'lost'): Promise<void> {
    const session = this.held.get(channelId);
    if (!session) return;
    const { tenantId, connector } = session;
    const dir = sessionDirOf({ authDataPath: this.options.authDataPath, clientId: channelId });
    if (mode === 'logout') {
      await connector.logout();
      await this.options.vault.remove(tenantId, channelId, dir);
    } else {
      await connector.stop();
      // Chromium has exited, so its profile is complete on disk: the best moment to save it.
      if (session.readySinceSave && mode === 'stop') await this.save(session, channelId, dir);
    }
    this.held.delete(channelId);
    this.options.sessions.delete(channelId);
    if (mode !== 'lost') await this.leases.release(tenantId, channelId);
  }

  private onStatus(session: HeldSession, status: SessionStatus): void {
    const channelId = session.connector.channelId;
    if (status.state === 'ready') {
      session.readySinceSave = true;
      // Save as soon as the phone linked the device: a node dying now must not cost a new QR.
      void this.save(session, channelId, sessionDirOf({ authDataPath: this.options.authDataPath, clientId: channelId }));
    }
    void this.publishQuietly(createEnvelope('channel.status', session.tenantId, this.statusData(channelId, status)));
  }

  private statusData(channelId: string, status: SessionStatus) {
    return { channelId, channelType: 'whatsapp' as const, ...status, node: this.options.node.slice(0, 200), at: new Date().toISOString() };
  }

  private async save(session: HeldSession, channelId: string, dir: string): Promise<void> {
    try {
      await this.options.vault.save(session.tenantId, channelId, dir);
    } catch (error) {
      this.log.warn({ err: error, channelId }, 'could not save the WhatsApp login');
    }
  }

  private async publishQuietly(...args: Parameters<Bus['publish']>): Promise<void> {
    try {
      await this.options.bus.publish(...args);
    } catch (error) {
      this.log.warn({ err: error, type: args[0].type }, 'could not publish a WhatsApp session event');
    }
  }

  /** The channel's whitelist and group rules, or undefined when it is not an active WhatsApp channel of the tenant. */
  private async rulesOf(tenantId: string, channelId: string): Promise<WhatsAppChannelRules | undefined> {
    const [row] = await withTenant(this.options.orm.em, tenantId, (em) => em.execute<Array<{ settings: Partial<WhatsAppSettings> | null }>>(
      `select settings from channels where id = ? and type = 'whatsapp' and status = 'active'`, [channelId],
    ));
    if (!row) return undefined;
    return { whitelist: row.settings?.whitelist ?? [], enabledGroups: row.settings?.enabledGroups ?? [] };
  }

  /** Starts the active WhatsApp channels nobody holds, while there is room. */
  private async adopt(): Promise<void> {
    const channels = await this.options.orm.em.fork().execute<Array<{ id: string; tenant_id: string }>>('select * from whatsapp_channels_to_run()');
    for (const channel of channels) {
      if (this.stopped || this.held.size >= this.options.maxSessions) break;
      if (this.held.has(channel.id)) continue;
      await this.startSession(channel.tenant_id, channel.id).catch((error: unknown) => this.log.warn({ err: error, channelId: channel.id }, 'could not start a WhatsApp session'));
    }
  }

  /** Keeps the leases (a session whose lease went to another node stops here), reloads rules, adopts orphans. */
  private async renew(): Promise<void> {
    const ttl = this.options.leaseTtlMs ?? 30_000;
    const interval = this.options.renewIntervalMs ?? 10_000;
    for (const [channelId, session] of this.held) {
      if (this.stopped) return;
      let renewed: boolean;
      try {
        renewed = await this.leases.acquire(session.tenantId, channelId);
      } catch (error) {
        // The database is out of reach: keep the session only while the lease surely still runs,
        // since once it lapses another node may start the same session.
        if (Date.now() - session.leaseConfirmedAt < ttl - interval) continue;
        this.log.warn({ err: error, channelId }, 'could not renew the lease of a WhatsApp session before it lapsed; stopping it here');
        await this.stopSession(channelId, 'lost');
        continue;
      }
      if (!renewed) {
        this.log.warn({ channelId }, 'lost the lease of a WhatsApp session to another node; stopping it here');
        await this.stopSession(channelId, 'lost');
        continue;
      }
      session.leaseConfirmedAt = Date.now();
      // A failed read keeps the rules it has; a channel stopped or deleted meanwhile stops here.
      const rules = await this.rulesOf(session.tenantId, channelId).catch(() => session.connector.rules);
      if (rules === undefined) await this.stopSession(channelId, 'stop');
      else session.connector.rules = rules;
    }
    if (!this.stopped) await this.adopt();
  }

  private async reportAndSave(): Promise<void> {
    for (const [channelId, session] of this.held) {
      const status = await session.connector.sessionStatus();
      if (status.state !== 'ready') continue;
      void this.publishQuietly(createEnvelope('channel.status', session.tenantId, this.statusData(channelId, status)));
      await this.save(session, channelId, sessionDirOf({ authDataPath: this.options.authDataPath, clientId: channelId }));
    }
  }

  private async serve(subscription: Subscription): Promise<void> {
    for await (const message of subscription) void this.answer(message);
  }

  /**
   * Every node hears every command; a node answers only for a session it holds (or, for
   * `start`, one it just leased), so the first answer is the holder's and the others stay silent.
   */
  private async answer(message: Msg): Promise<void> {
    const tenantId = tenantOfSubject(message.subject);
    let reply: { data: ChannelCommandReply } | { error: { code: string; message: string } } | undefined;
    try {
      const parsed = checkSchema(ChannelCommandRequest, JSON.parse(decoder.decode(message.data)));
      if (!parsed.ok) throw new AppError('SB_ERR_VALIDATION', { message: describeIssues(parsed.issues), issues: parsed.issues });
      if (tenantId === undefined) return;
      reply = await this.command(tenantId, parsed.value);
    } catch (error) {
      const appError = isAppError(error) ? error : new AppError('SB_ERR_INTERNAL', { message: 'the WhatsApp command failed', cause: error });
      if (appError.status >= 500) this.log.error({ err: error, subject: message.subject }, 'whatsapp command failed');
      reply = { error: { code: appError.code, message: appError.message } };
    }
    if (reply) message.respond(encoder.encode(JSON.stringify(reply)));
  }

  private async command(tenantId: string, request: ChannelCommandRequest): Promise<{ data: ChannelCommandReply } | undefined> {
    const { channelId } = request;
    const status = async (session: HeldSession | undefined) => {
      const { at: _at, ...data } = this.statusData(channelId, session ? await session.connector.sessionStatus() : { state: 'stopped' });
      return data;
    };
    if (request.type === 'start') {
      const session = await this.startSession(tenantId, channelId);
      return session ? { data: { status: await status(session) } } : undefined;
    }
    const session = this.held.get(channelId);
    // Another tenant's channel is not ours to touch, and another node's is not ours to answer for.
    if (!session || session.tenantId !== tenantId) return undefined;
    switch (request.type) {
      case 'stop':
      case 'logout':
        await this.stopSession(channelId, request.type);
        return { data: { status: await status(undefined) } };
      case 'groups':
      case 'contacts':
        try {
          return { data: { status: await status(session), peers: await session.connector.peers(request.type) } };
        } catch (error) {
          throw new AppError('SB_ERR_CONFLICT', { message: 'The WhatsApp session is not connected; start it and scan the QR first.', cause: error });
        }
      case 'settings': {
        const rules = await this.rulesOf(tenantId, channelId);
        if (rules) session.connector.rules = rules;
        return { data: { status: await status(session) } };
      }
    }
  }
}

/** Starts the WhatsApp session manager of a connector node. */
export async function startWhatsAppSessions(options: WhatsAppSessionsOptions): Promise<WhatsAppSessionManager> {
  const manager = new WhatsAppSessionManager(options);
  await manager.start();
  return manager;
}
