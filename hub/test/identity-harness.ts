import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { inject } from 'vitest';
import { connectBus, type Bus } from '@switchboard/bus';
import { AiAnswer, AiRequest, defaultBotAiSettings, defaultConversationSettingsView, subjects, type AuthenticatedSession, type LoginResponse, type Role } from '@switchboard/contracts';
import { openDatabase, type Orm } from '@switchboard/db';
import { createDatabase, dropDatabase } from '@switchboard/dev';
import { createMailer, type Mailer } from '@switchboard/mail';
import { deriveKeys, hashPassword } from '@switchboard/security';
import { startFakeTelegramServer, startSmtpCapture, testLogger, testSecretKey, type CapturedMail, type FakeTelegramServer, type SmtpCapture } from '@switchboard/testing';
import { build, type HubOptions } from '../src/index.ts';

export const publicUrl = 'http://switchboard.test';
export const strongPassword = 'correct horse battery staple';

/** A hub with identity on a database of its own, a real SMTP capture and the superuser beside it. */
export interface IdentityHub {
  app: FastifyInstance;
  orm: Orm;
  smtp: SmtpCapture;
  /** The Bot API the hub's Telegram calls reach (a local fake: route walks must not touch the network). */
  telegram: FakeTelegramServer;
  /** SQL as the superuser, past row-level security: to seed what no route creates and check what is stored. */
  admin<Row extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Answers the tenant's AI requests in place of the runner (which hub tests do not start). */
  answerAiFor(tenantId: string): void;
  close(): Promise<void>;
}

/**
 * Starts the hub as `npm start` would, on this file's own database (migrated as the owner,
 * served as `switchboard_app`), with mail going to a real SMTP server on loopback. `extend`
 * may add routes before the app is ready.
 */
export async function startIdentityHub(
  prefix: string,
  options: Partial<HubOptions> & { extend?: (app: FastifyInstance) => void } = {},
): Promise<IdentityHub> {
  const adminUrl = inject('databaseUrl');
  const name = `sb_${prefix}_${randomUUID().replaceAll('-', '')}`;
  const ownerUrl = await createDatabase(adminUrl, name);
  const { orm } = await openDatabase({ databaseUrl: ownerUrl, appRolePassword: deriveKeys(testSecretKey).databaseAppPassword, logger: testLogger() });
  const superuser = new pg.Client({ connectionString: ownerUrl });
  await superuser.connect();
  const bus: Bus = await connectBus({ servers: inject('natsUrl'), name: `hub-${prefix}`, logger: testLogger() });
  const smtp = await startSmtpCapture();
  const telegram = await startFakeTelegramServer();
  const outboxDir = await mkdtemp(join(tmpdir(), 'sb-outbox-'));
  const mailer: Mailer = createMailer({ smtpUrl: smtp.url, from: 'Switchboard <no-reply@switchboard.test>', outboxDir, logger: testLogger() });
  const { extend, ...hubOptions } = options;
  const app = await build({
    logger: testLogger(),
    infrastructure: { bus, orm, chromaUrl: inject('chromaUrl') },
    probes: [],
    publicUrl,
    secretKey: testSecretKey,
    mailer,
    // Tests speak for many people from few addresses; the per-address API limit has its own test.
    apiPerIpLimit: { limit: 100_000, windowMs: 60_000 },
    // The tests stand in for a load balancer: each simulated person has their own X-Forwarded-For.
    trustProxy: true,
    telegramApiRoot: telegram.apiRoot,
    ...hubOptions,
  });
  extend?.(app);
  await app.ready();
  const standIns: Array<{ stop(): Promise<void> }> = [];
  return {
    app,
    orm,
    smtp,
    // The runner's AI actor is not part of a hub test: this answers one tenant's AI requests
    // (the bot preview) in its place, on that tenant's subject only, so no other test's bot is touched.
    answerAiFor: (tenantId: string) => {
      standIns.push(bus.serve(subjects.request('ai', tenantId), { request: AiRequest, response: AiAnswer }, async (request) =>
        ({ intent: 'reply' as const, confidence: 1, reply: `You asked: ${request.text}`, actions: [], source: 'hub-test stand-in' })));
    },
    telegram,
    admin: async <Row extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => (await superuser.query<Row>(sql, params)).rows,
    close: async () => {
      for (const standIn of standIns) await standIn.stop();
      await app.close();
      await mailer.close();
      await smtp.stop();
      await telegram.close();
      await bus.close();
      await superuser.end();
      await orm.close();
      await dropDatabase(adminUrl, name);
      await rm(outboxDir, { recursive: true, force: true });
    },
  };
}

let addressCounter = 0;
/** A fresh client address, so each test's limits per address start at zero. */
export function freshIp(): string {
  addressCounter += 1;
  return `10.${(addressCounter >> 16) & 255}.${(addressCounter >> 8) & 255}.${addressCounter & 255}`;
}

type Request = Omit<InjectOptions, 'headers'> & { headers?: Record<string, string> };

/**
 * A browser: keeps the cookies the hub sets (honouring their paths) and, like the console,
 * copies `sb_csrf` into `x-csrf-token` on state-changing requests unless told not to.
 */
export class BrowserClient {
  readonly ip = freshIp();
  private readonly cookies = new Map<string, { value: string; path: string }>();

  constructor(private readonly app: FastifyInstance) {}

  async request(options: Request & { csrf?: boolean }): Promise<LightMyRequestResponse> {
    const { csrf = true, headers = {}, ...rest } = options;
    const path = String(rest.url ?? '/').split('?')[0] ?? '/';
    const jar = [...this.cookies].filter(([, cookie]) => path.startsWith(cookie.path)).map(([name, cookie]) => `${name}=${cookie.value}`);
    const method = String(rest.method ?? 'GET').toUpperCase();
    const csrfToken = this.cookie('sb_csrf');
    const response = await this.app.inject({
      ...rest,
      headers: {
        'x-forwarded-for': this.ip,
        ...(jar.length > 0 ? { cookie: jar.join('; ') } : {}),
        ...(csrf && csrfToken !== undefined && !['GET', 'HEAD'].includes(method) ? { 'x-csrf-token': csrfToken } : {}),
        ...headers,
      },
    });
    for (const cookie of response.cookies) {
      const expired = cookie.value === '' || (cookie.expires !== undefined && cookie.expires.getTime() <= Date.now());
      if (expired) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, { value: cookie.value, path: cookie.path ?? '/' });
    }
    return response;
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name)?.value;
  }

  setCookie(name: string, value: string, path = '/'): void {
    this.cookies.set(name, { value, path });
  }
}

/** An API client holding a bearer token (or an API key). */
export function bearer(app: FastifyInstance, token: string, ip = freshIp()) {
  return (options: Request) => app.inject({ ...options, headers: { 'x-forwarded-for': ip, authorization: `Bearer ${token}`, ...(options.headers ?? {}) } });
}

export interface SignedUp {
  browser: BrowserClient;
  session: AuthenticatedSession;
  tenantId: string;
  userId: string;
  email: string;
}

/** Signs up a new tenant and its owner through the API, as a browser. */
export async function signUp(app: FastifyInstance, label = randomUUID().slice(0, 8)): Promise<SignedUp> {
  const browser = new BrowserClient(app);
  const email = `owner-${label}@example.test`;
  const response = await browser.request({
    method: 'POST',
    url: '/api/v1/auth/signup',
    payload: { tenantName: `Tenant ${label}`, name: `Owner ${label}`, email, password: strongPassword },
  });
  if (response.statusCode !== 201) throw new Error(`signup failed: ${response.statusCode} ${response.body}`);
  const session = response.json<AuthenticatedSession>();
  const tenantId = session.me.tenant?.id;
  if (tenantId === undefined) throw new Error('signup answered no tenant');
  return { browser, session, tenantId, userId: session.me.user.id, email };
}

/** Signs in with email and password (choosing `tenantId` when asked) and answers the session. */
export async function logIn(app: FastifyInstance, email: string, password = strongPassword, tenantId?: string): Promise<{ browser: BrowserClient; session: AuthenticatedSession }> {
  const browser = new BrowserClient(app);
  let response = await browser.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password, ...(tenantId ? { tenantId } : {}) } });
  let body = response.json<LoginResponse>();
  if (body.status === 'tenant_required' && tenantId !== undefined) {
    response = await browser.request({ method: 'POST', url: '/api/v1/auth/login', payload: { challengeToken: body.challengeToken, tenantId } });
    body = response.json<LoginResponse>();
  }
  if (body.status !== 'authenticated') throw new Error(`login did not finish: ${response.statusCode} ${response.body}`);
  return { browser, session: body };
}

/**
 * Adds a member with `role` to a tenant the way people do: the owner invites, the mail
 * arrives over SMTP, the invitee accepts as a new person. Answers their session.
 */
export async function addMember(hub: IdentityHub, owner: BrowserClient, role: 'owner' | 'admin' | 'agent', label = randomUUID().slice(0, 8)): Promise<{ browser: BrowserClient; session: AuthenticatedSession; userId: string; email: string }> {
  const email = `${role}-${label}@example.test`;
  const invited = await owner.request({ method: 'POST', url: '/api/v1/team/invitations', payload: { email, role } });
  if (invited.statusCode !== 201) throw new Error(`invite failed: ${invited.statusCode} ${invited.body}`);
  const mail = await hub.smtp.waitForMail((candidate) => candidate.to.includes(email));
  const token = linkToken(mail, 'invite');
  const browser = new BrowserClient(hub.app);
  const accepted = await browser.request({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token, name: `Member ${label}`, password: strongPassword } });
  if (accepted.statusCode !== 201) throw new Error(`accept failed: ${accepted.statusCode} ${accepted.body}`);
  const session = accepted.json<AuthenticatedSession>();
  return { browser, session, userId: session.me.user.id, email };
}

/** The token of the `${publicUrl}/<page>/<token>` link in a mail. */
export function linkToken(mail: CapturedMail, page: string): string {
  const match = new RegExp(`${publicUrl.replace(/[.]/g, '\\.')}/${page}/([A-Za-z0-9_.%-]+)`).exec(mail.text);
  if (match?.[1] === undefined) throw new Error(`no /${page}/ link in mail "${mail.subject}":\n${mail.text}`);
  return decodeURIComponent(match[1]);
}

/** Creates a super admin directly in the database (no route creates one) and signs them in. */
export async function superAdmin(hub: IdentityHub): Promise<{ browser: BrowserClient; session: AuthenticatedSession; userId: string }> {
  const email = `root-${randomUUID().slice(0, 8)}@platform.test`;
  const [row] = await hub.admin<{ id: string }>(
    `insert into users (email, name, password_hash, is_super_admin, email_verified_at) values ($1, 'Root', $2, true, now()) returning id`,
    [email, await hashPassword(strongPassword)],
  );
  const { browser, session } = await logIn(hub.app, email);
  return { browser, session, userId: row?.id ?? '' };
}

/** The role names a session's `me` reports. */
export function roleOf(session: AuthenticatedSession): Role {
  return session.me.role;
}

/**
 * A valid request body for every identity route that takes one (undefined: no body), keyed by
 * `METHOD url`. The walks over every route fail on a route missing here, so a new route is
 * walked too. `ids` fills in what a body names (a user to impersonate).
 */
export function sampleBody(route: string, ids: { userId: string }): Record<string, unknown> | undefined {
  const unique = randomUUID().slice(0, 8);
  const samples: Record<string, Record<string, unknown> | undefined> = {
    'POST /api/v1/auth/signup': { tenantName: `Sample ${unique}`, name: 'Sam Sample', email: `sample-${unique}@example.test`, password: strongPassword },
    'POST /api/v1/auth/login': { email: `sample-${unique}@example.test`, password: strongPassword },
    'POST /api/v1/auth/logout': {},
    'POST /api/v1/auth/refresh': {},
    'POST /api/v1/auth/verify-email': { token: 'a'.repeat(43) },
    'POST /api/v1/auth/verify-email/resend': undefined,
    'POST /api/v1/auth/forgot-password': { email: `sample-${unique}@example.test` },
    'POST /api/v1/auth/reset-password': { token: 'a'.repeat(43), password: strongPassword },
    'GET /api/v1/auth/invitations/:token': undefined,
    'POST /api/v1/auth/invitations/accept': { token: 'a'.repeat(43), name: 'Sam Sample', password: strongPassword },
    'GET /api/v1/me': undefined,
    'POST /api/v1/me/mfa/setup': undefined,
    'POST /api/v1/me/mfa/verify': { code: '123456' },
    'DELETE /api/v1/me/mfa': { code: '123456' },
    'GET /api/v1/team/members': undefined,
    'PATCH /api/v1/team/members/:userId': { role: 'agent' },
    'DELETE /api/v1/team/members/:userId': undefined,
    'GET /api/v1/team/invitations': undefined,
    'POST /api/v1/team/invitations': { email: `invitee-${unique}@example.test`, role: 'agent' },
    'DELETE /api/v1/team/invitations/:id': undefined,
    'GET /api/v1/tenant': undefined,
    'PATCH /api/v1/tenant': { name: `Walked ${unique}` },
    'GET /api/v1/api-keys': undefined,
    'POST /api/v1/api-keys': { name: `key ${unique}`, scopes: ['tenant.read'] },
    'DELETE /api/v1/api-keys/:id': undefined,
    'GET /api/v1/audit': undefined,
    'GET /api/v1/admin/tenants': undefined,
    'POST /api/v1/admin/tenants/:tenantId/suspend': undefined,
    'POST /api/v1/admin/tenants/:tenantId/reactivate': undefined,
    'POST /api/v1/admin/tenants/:tenantId/impersonate': { userId: ids.userId, minutes: 5 },
    'POST /api/v1/admin/impersonation/stop': undefined,
    'GET /api/v1/conversations': undefined,
    'GET /api/v1/conversations/counts': undefined,
    'GET /api/v1/conversations/:id': undefined,
    'GET /api/v1/conversations/:id/messages': undefined,
    'GET /api/v1/conversations/:id/messages/:messageId/attachments/:index': undefined,
    'POST /api/v1/conversations/:id/attachments': undefined,
    'GET /api/v1/widget/files/:token': undefined,
    'POST /api/v1/conversations/:id/read': undefined,
    'POST /api/v1/conversations/:id/claim': undefined,
    'POST /api/v1/conversations/:id/release': undefined,
    'POST /api/v1/conversations/:id/close': undefined,
    'POST /api/v1/conversations/:id/reopen': undefined,
    'POST /api/v1/conversations/:id/transfer': { agentId: ids.userId },
    'POST /api/v1/conversations/:id/messages': { text: 'Hello from the walk', clientId: `walk_${unique}` },
    'POST /api/v1/conversations/:id/notes': { text: 'A note from the walk' },
    'GET /api/v1/canned-responses': undefined,
    'POST /api/v1/canned-responses': { shortcut: `walk-${unique}`, text: 'Thanks for waiting!' },
    'PUT /api/v1/canned-responses/:id': { shortcut: `walk-${unique}`, text: 'Thanks for waiting!' },
    'DELETE /api/v1/canned-responses/:id': undefined,
    'GET /api/v1/knowledge': undefined,
    'POST /api/v1/knowledge': { source: `walk-${unique}.md`, format: 'markdown', content: '# Walk\nHello' },
    'DELETE /api/v1/knowledge/:id': undefined,
    'POST /api/v1/knowledge/query': { question: 'hello?' },
    // A JSON body where multipart is expected: refused (415) before anything is read.
    'POST /api/v1/knowledge/files': { source: `walk-${unique}.pdf` },
    // Loopback, refused by the import's address check: the walk never reaches the network.
    'POST /api/v1/knowledge/url': { url: 'http://127.0.0.1:9/walk' },
    'POST /api/v1/knowledge/reembed': undefined,
    'GET /api/v1/channels': undefined,
    'POST /api/v1/webhooks/telegram/:id': { update_id: 1 },
    'GET /api/v1/channels/:id/identity-secret': undefined,
    'PATCH /api/v1/channels/:id': { name: `Walked ${unique}` },
    'DELETE /api/v1/channels/:id': undefined,
    'POST /api/v1/channels': { type: 'whatsapp', name: `Walked ${unique}` },
    'POST /api/v1/channels/:id/start': undefined,
    'POST /api/v1/channels/:id/stop': undefined,
    'POST /api/v1/channels/:id/logout': undefined,
    'GET /api/v1/channels/:id/groups': undefined,
    'GET /api/v1/channels/:id/contacts': undefined,
    'GET /api/v1/channels/:id/whatsapp-settings': undefined,
    'PUT /api/v1/channels/:id/whatsapp-settings': { whitelist: ['212600000009'], enabledGroups: [] },
    'GET /api/v1/conversation-settings': undefined,
    'PUT /api/v1/conversation-settings': { ...defaultConversationSettingsView, handoffKeywords: ['refund'] },
    'GET /api/v1/bot/ai-settings': undefined,
    'PUT /api/v1/bot/ai-settings': { ...defaultBotAiSettings, personaName: `Walker ${unique}` },
    'POST /api/v1/bot/preview': { text: 'Do you ship to Rabat?' },
    'GET /api/v1/bot/usage': undefined,
    'GET /api/v1/conversations/:id/actions': undefined,
    'POST /api/v1/actions/:id/confirm': undefined,
    'POST /api/v1/actions/:id/reject': { reason: 'Not what the customer asked for' },
  };
  if (!(route in samples)) throw new Error(`no sample request for ${route}: add one to sampleBody so the route walks cover it`);
  return samples[route];
}
