import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { inject } from 'vitest';
import { startAiService, startDeliveryPipeline, startInboundPipeline, tenantSettingsSource, type InboundPipeline } from '@switchboard/actors';
import { connectBus, type Bus, type ConsumerHandle } from '@switchboard/bus';
import type { AuthenticatedSession, ChannelList, KnowledgeDocumentList, KnowledgeDocumentView, MessageView, WidgetAuth } from '@switchboard/contracts';
import { openDatabase, type Orm } from '@switchboard/db';
import { createDatabase, dropDatabase, startNatsServer, type RunningNatsServer } from '@switchboard/dev';
import { build, type HubOptions } from '@switchboard/hub';
import { KnowledgeIngestion, KnowledgeStore, LocalEmbedder } from '@switchboard/knowledge';
import { createMailer, type Mailer } from '@switchboard/mail';
import { deriveKeys, hashPassword } from '@switchboard/security';
import { eventually, testLogger, testSecretKey } from '@switchboard/testing';

export const password = 'correct horse battery staple';

/** A signed-up workspace: its owner's session and its webchat channel's public key. */
export interface Workspace {
  tenantId: string;
  ownerId: string;
  token: string;
  widgetKey: string;
  channelId: string;
}

/**
 * The whole message path on real services: a nats-server of this file's own (so no other test
 * file's runner consumes its streams), a database of its own, the hub listening on a free port
 * with its sockets, and the runner (conversation actors, AI actor, delivery reports).
 */
export class LiveStack {
  app!: FastifyInstance;
  url!: string;
  bus!: Bus;
  orm!: Orm;
  nats!: RunningNatsServer;
  runner: InboundPipeline | undefined;
  private admin!: pg.Client;
  private mailer!: Mailer;
  private dataDir!: string;
  private databaseName = `sb_e2e_${randomUUID().replaceAll('-', '')}`;
  private readonly sockets = new Set<Socket>();
  private readonly runnerParts: ConsumerHandle[] = [];
  /** Whether the runner runs the knowledge worker (tests of the worker start their own). */
  private knowledgeWorker = true;

  static async start(options: Partial<HubOptions> & { sweepIntervalMs?: number; knowledgeWorker?: boolean } = {}): Promise<LiveStack> {
    const stack = new LiveStack();
    await stack.boot(options);
    return stack;
  }

  private async boot(options: Partial<HubOptions> & { sweepIntervalMs?: number; knowledgeWorker?: boolean }): Promise<void> {
    this.dataDir = await mkdtemp(join(tmpdir(), 'sb-e2e-'));
    this.nats = await startNatsServer({ dataDir: this.dataDir });
    const ownerUrl = await createDatabase(inject('databaseUrl'), this.databaseName);
    ({ orm: this.orm } = await openDatabase({ databaseUrl: ownerUrl, appRolePassword: deriveKeys(testSecretKey).databaseAppPassword, logger: testLogger() }));
    this.admin = new pg.Client({ connectionString: ownerUrl });
    await this.admin.connect();
    this.bus = await connectBus({ servers: this.nats.url, name: 'e2e', logger: testLogger() });
    this.mailer = createMailer({ from: 'Switchboard <no-reply@switchboard.test>', outboxDir: join(this.dataDir, 'mail'), logger: testLogger() });
    const { sweepIntervalMs, knowledgeWorker, ...hubOptions } = options;
    this.knowledgeWorker = knowledgeWorker ?? true;
    this.app = await build({
      logger: testLogger(),
      infrastructure: { bus: this.bus, orm: this.orm, chromaUrl: inject('chromaUrl') },
      probes: [],
      publicUrl: 'http://switchboard.test',
      secretKey: testSecretKey,
      mailer: this.mailer,
      apiPerIpLimit: { limit: 100_000, windowMs: 60_000 },
      trustProxy: true,
      ...hubOptions,
    });
    this.url = await this.app.listen({ port: 0, host: '127.0.0.1' });
    await this.startRunner(sweepIntervalMs);
  }

  /** Starts the runner's consumers (again, after `stopRunner`). */
  async startRunner(sweepIntervalMs = 0): Promise<void> {
    const settingsFor = tenantSettingsSource(this.orm, 0);
    // The AI actor as the runner hosts it: per-workspace provider, knowledge base, token budget.
    this.runnerParts.push(startAiService({
      bus: this.bus, orm: this.orm, chromaUrl: inject('chromaUrl'), secretKey: testSecretKey, settingsFor,
      timeoutMs: 5_000, monthlyTokens: 2_000_000, mailer: this.mailer, logger: testLogger(),
    }));
    this.runnerParts.push(await startDeliveryPipeline(this.bus, this.orm));
    if (this.knowledgeWorker) {
      const worker = new KnowledgeIngestion({ bus: this.bus, orm: this.orm, store: new KnowledgeStore({ url: inject('chromaUrl'), embedder: new LocalEmbedder() }), logger: testLogger(), sweepIntervalMs: 0 });
      await worker.start();
      this.runnerParts.push(worker);
    }
    this.runner = await startInboundPipeline({ bus: this.bus, orm: this.orm, logger: testLogger(), settingsFor, sweepIntervalMs });
  }

  async stopRunner(): Promise<void> {
    await this.runner?.stop();
    for (const part of this.runnerParts.splice(0)) await part.stop();
    this.runner = undefined;
  }

  /** SQL as the database owner, past row-level security: to check what is stored. */
  async sql<Row extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.admin.query<Row>(text, params)).rows;
  }

  /** Suspends a workspace the way the super admin's route does, in the platform scope. */
  async suspend(tenantId: string): Promise<void> {
    await this.admin.query('begin');
    await this.admin.query(`select set_config('app.platform', 'on', true)`);
    await this.admin.query(`update tenants set status = 'suspended', suspended_at = now() where id = $1`, [tenantId]);
    await this.admin.query('commit');
  }

  /** Signs up a new workspace through the API and finds its webchat channel. */
  async signUp(label = randomUUID().slice(0, 8)): Promise<Workspace> {
    const response = await this.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      headers: { 'x-forwarded-for': `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` },
      payload: { tenantName: `Shop ${label}`, name: `Owner ${label}`, email: `owner-${label}@example.test`, password },
    });
    if (response.statusCode !== 201) throw new Error(`signup failed: ${response.statusCode} ${response.body}`);
    const session = response.json<AuthenticatedSession>();
    const tenantId = session.me.tenant?.id ?? '';
    const channels = await this.api<ChannelList>(session.accessToken, 'GET', '/api/v1/channels');
    const webchat = channels.items.find((channel) => channel.type === 'webchat');
    if (!webchat?.publicKey) throw new Error('the new workspace has no webchat channel');
    return { tenantId, ownerId: session.me.user.id, token: session.accessToken, widgetKey: webchat.publicKey, channelId: webchat.id };
  }

  /** Adds an agent to a workspace directly (invitations have their own tests) and signs them in. */
  async addAgent(workspace: Workspace, name = `Agent ${randomUUID().slice(0, 4)}`): Promise<{ userId: string; token: string; name: string }> {
    const email = `agent-${randomUUID().slice(0, 8)}@example.test`;
    const [user] = await this.sql<{ id: string }>(`insert into users (email, name, password_hash, email_verified_at) values ($1, $2, $3, now()) returning id`, [email, name, await hashPassword(password)]);
    await this.sql(`insert into memberships (tenant_id, user_id, role) values ($1, $2, 'agent')`, [workspace.tenantId, user?.id]);
    const login = await this.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'x-forwarded-for': `10.8.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` }, payload: { email, password } });
    const session = login.json<AuthenticatedSession>();
    if (session.status !== 'authenticated') throw new Error(`agent login failed: ${login.body}`);
    return { userId: user?.id ?? '', token: session.accessToken, name };
  }

  /** A REST call with a Bearer token; throws on a non-2xx answer unless `expect` names the status. */
  async api<T>(token: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown): Promise<T> {
    const response = await this.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
    if (response.statusCode >= 300) throw Object.assign(new Error(`${method} ${url}: ${response.statusCode} ${response.body}`), { statusCode: response.statusCode, body: response.body });
    return (response.body === '' ? undefined : response.json()) as T;
  }

  /** Uploads a file to the knowledge base as multipart/form-data; the raw response, whatever its status. */
  async uploadFile(token: string, file: { name: string; bytes: Uint8Array; mediaType?: string }, source?: string) {
    return this.upload(token, '/api/v1/knowledge/files', file, source === undefined ? {} : { source });
  }

  /** Posts a file (field `file`, after `fields`) as multipart/form-data; the raw response, whatever its status. */
  async upload(token: string, url: string, file: { name: string; bytes: Uint8Array; mediaType?: string }, fields: Record<string, string> = {}) {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('file', new Blob([file.bytes], { type: file.mediaType ?? 'application/octet-stream' }), file.name);
    return this.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, payload: form });
  }

  /** Waits until the background worker has indexed every document of the workspace, and returns them. */
  async knowledgeSettled(token: string, count: number): Promise<KnowledgeDocumentView[]> {
    return eventually(async () => {
      const { items } = await this.api<KnowledgeDocumentList>(token, 'GET', '/api/v1/knowledge');
      return items.length === count && items.every((item) => item.status === 'ready' || item.status === 'failed') && items;
    }, `${count} knowledge documents ready`, { timeoutMs: 30_000 });
  }

  /** What the bot answers a new widget visitor of `workspace` who asks `text` (the stored message). */
  async botAnswers(workspace: Workspace, text: string): Promise<MessageView> {
    const widget = await this.visitor({ key: workspace.widgetKey, visitorId: `v_${randomUUID().replaceAll('-', '')}` });
    const seen = record(widget, ['message.created']);
    await command(widget, 'message.send', { text, clientId: `c_${randomUUID().replaceAll('-', '').slice(0, 20)}` });
    const reply = await eventually(
      () => seen.map((event) => (event.payload as { message: MessageView }).message).find((message) => message.author.kind === 'bot'),
      "the bot's reply",
    );
    widget.disconnect();
    return reply;
  }

  /** A console socket signed in with `token`, connected. */
  async console(token: string): Promise<Socket> {
    return this.connect('/console', { token });
  }

  /** A storefront visitor's widget socket, connected. */
  async visitor(auth: WidgetAuth, headers: Record<string, string> = {}): Promise<Socket> {
    return this.connect('/widget', auth, headers);
  }

  connect(namespace: string, auth: object, headers: Record<string, string> = {}): Promise<Socket> {
    const socket = connectSocket(`${this.url}${namespace}`, { auth, transports: ['websocket'], reconnection: false, extraHeaders: headers, forceNew: true });
    this.sockets.add(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (error) => reject(error));
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.disconnect();
    await this.stopRunner();
    await this.app?.close();
    await this.mailer?.close();
    await this.bus?.close();
    await this.admin?.end();
    await this.orm?.close();
    await this.nats?.stop();
    await dropDatabase(inject('databaseUrl'), this.databaseName);
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

/** Sends a socket command and returns its ack's data, or throws its error (with `code`). */
export async function command<T = unknown>(socket: Socket, name: string, payload: unknown = {}): Promise<T> {
  const answer = (await socket.timeout(15_000).emitWithAck(name, payload)) as { data: T } | { error: { code: string; message: string } };
  if ('error' in answer) throw Object.assign(new Error(`${answer.error.code}: ${answer.error.message}`), { code: answer.error.code });
  return answer.data;
}

/** Collects every event of `names` a socket receives, in order. */
export function record(socket: Socket, names: readonly string[]): Array<{ name: string; payload: unknown }> {
  const seen: Array<{ name: string; payload: unknown }> = [];
  for (const name of names) socket.on(name, (payload: unknown) => seen.push({ name, payload }));
  return seen;
}
