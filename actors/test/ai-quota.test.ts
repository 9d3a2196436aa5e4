import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { connectBus, type Bus } from '@switchboard/bus';
import { AiAnswer, AiRequest, subjects } from '@switchboard/contracts';
import { openDatabase, type Orm } from '@switchboard/db';
import { createDatabase, dropDatabase, startNatsServer, type RunningNatsServer } from '@switchboard/dev';
import { aiSoftLimitMail, createOutboxMailer } from '@switchboard/mail';
import { deriveKeys } from '@switchboard/security';
import { startFakeOpenAiServer, testLogger, testSecretKey, type FakeOpenAiServer } from '@switchboard/testing';
import { ConversationRateLimit, defaultResponderSettings, OpenAiProvider, startAiActor, TokenBudget } from '../src/index.ts';

// The token budget on the real PostgreSQL, metering the real openai SDK against a local server
// that speaks the OpenAI wire protocol, behind the AI actor on a real NATS.
const adminUrl = inject('databaseUrl');
const databaseName = `sb_quota_${randomUUID().replaceAll('-', '')}`;
let dataDir: string;
let nats: RunningNatsServer;
let bus: Bus;
let orm: Orm;
let admin: pg.Client;
let server: FakeOpenAiServer;
let outbox: string;
const settings = { ...defaultResponderSettings, fallback: 'Sorry, I cannot answer that now. Shall I connect you with a member of our team?' };
const schemas = { request: AiRequest, response: AiAnswer };
const modelAnswer = (reply: string) => JSON.stringify({ intent: 'reply', confidence: 0.9, reply, actions: [] });

async function newTenant(budget: number | null): Promise<string> {
  const tenantId = randomUUID();
  await admin.query('insert into tenants (id, name, slug, ai_monthly_token_budget) values ($1, $2, $3, $4)', [tenantId, 'Atlas Tea', `quota-${tenantId.slice(0, 8)}`, budget]);
  const owner = await admin.query<{ id: string }>(`insert into users (email, name, password_hash) values ($1, 'Owner', 'x') returning id`, [`owner-${tenantId.slice(0, 8)}@atlas.test`]);
  await admin.query(`insert into memberships (tenant_id, user_id, role) values ($1, $2, 'owner')`, [tenantId, owner.rows[0]?.id]);
  return tenantId;
}

const ask = (tenantId: string, text = 'Which teas do you sell?', conversationId = randomUUID()) => bus.request(subjects.request('ai', tenantId), schemas, {
  tenantId, conversationId, messageId: randomUUID(), text, history: [], isFirstMessage: false,
}, { timeoutMs: 10_000 });

const month = async (tenantId: string) => (await admin.query<{ used: string; reserved: string; notified: boolean }>(
  'select used, reserved, soft_limit_notified_at is not null as notified from ai_token_months where tenant_id = $1', [tenantId])).rows[0];
const usageRows = async (tenantId: string) => (await admin.query<{ model: string; tokens_in: number; tokens_out: number; cost_usd: string; outcome: string; conversation_id: string | null }>(
  'select model, tokens_in, tokens_out, cost_usd, outcome, conversation_id from ai_usage where tenant_id = $1 order by created_at', [tenantId])).rows;
const mailsTo = async (address: string) => {
  const files = await readdir(outbox).catch(() => [] as string[]);
  const texts = await Promise.all(files.filter((file) => file.endsWith('.eml')).map((file) => readFile(join(outbox, file), 'utf8')));
  return texts.filter((text) => text.includes(address));
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sb-quota-'));
  outbox = join(dataDir, 'mail');
  nats = await startNatsServer({ dataDir });
  bus = await connectBus({ servers: nats.url, name: 'quota-test', logger: testLogger() });
  const ownerUrl = await createDatabase(adminUrl, databaseName);
  ({ orm } = await openDatabase({ databaseUrl: ownerUrl, appRolePassword: deriveKeys(testSecretKey).databaseAppPassword, logger: testLogger() }));
  admin = new pg.Client({ connectionString: ownerUrl });
  await admin.connect();
  server = await startFakeOpenAiServer();
  const mailer = createOutboxMailer({ outboxDir: outbox, from: 'Switchboard <no-reply@localhost>', logger: testLogger() });
  const budget = new TokenBudget({
    orm,
    defaultMonthlyTokens: 1_000_000,
    onSoftLimit: async (notice) => {
      for (const to of notice.ownerEmails) await mailer.send(aiSoftLimitMail({ to, ...notice }));
    },
  });
  const provider = new OpenAiProvider({ apiKey: server.apiKey, baseURL: server.baseURL, model: 'gpt-4o-mini', maxRetries: 0 });
  startAiActor(bus, async () => settings, { provider, budget, timeoutMs: 2_000, rateLimit: new ConversationRateLimit(3, 60_000), logger: testLogger() });
});

beforeEach(() => server.reset());

afterAll(async () => {
  await bus?.close();
  await server?.close();
  await admin?.end();
  await orm?.close();
  await nats?.stop();
  await dropDatabase(adminUrl, databaseName);
  await rm(dataDir, { recursive: true, force: true });
});

describe('the AI token budget', () => {
  it("settles a call with the tokens the server counted, and logs its model, tokens and cost", async () => {
    const tenantId = await newTenant(100_000);
    const conversationId = randomUUID();
    server.enqueue({ type: 'chat', text: modelAnswer('We sell green and black tea.'), usage: { prompt_tokens: 1_000, completion_tokens: 200, total_tokens: 1_200 } });
    const answer = await ask(tenantId, 'Which teas do you sell?', conversationId);
    expect(answer).toMatchObject({ reply: 'We sell green and black tea.', source: 'openai:gpt-4o-mini' });
    expect(await month(tenantId)).toEqual({ used: '1200', reserved: '0', notified: false });
    const [row] = await usageRows(tenantId);
    // gpt-4o-mini lists at $0.15 per million tokens in and $0.60 out.
    expect(row).toEqual({ model: 'gpt-4o-mini', tokens_in: 1_000, tokens_out: 200, cost_usd: '0.00027000', outcome: 'ok', conversation_id: conversationId });
  });

  it('makes no provider call past the hard limit, and answers politely with a person offered', async () => {
    const tenantId = await newTenant(0);
    const answer = await ask(tenantId);
    expect(server.requests).toHaveLength(0);
    expect(answer).toMatchObject({ intent: 'reply', reply: settings.fallback, source: 'offline (token budget reached)' });
    expect(await usageRows(tenantId)).toEqual([]);
  });

  it('refuses a call that would pass the budget even when some is left', async () => {
    const tenantId = await newTenant(1_800);
    server.enqueue({ type: 'chat', text: modelAnswer('Green tea.'), usage: { prompt_tokens: 500, completion_tokens: 100, total_tokens: 600 } });
    await ask(tenantId);
    expect(server.requests).toHaveLength(1);
    // 600 used; the next call reserves its prompt plus room for a full answer (1,200): over 1,800.
    const second = await ask(tenantId);
    expect(server.requests).toHaveLength(1);
    expect(second.source).toBe('offline (token budget reached)');
    expect(await month(tenantId)).toMatchObject({ used: '600', reserved: '0' });
  });

  it('gives the whole reservation back when the provider fails, so a failed call uses nothing', async () => {
    const tenantId = await newTenant(100_000);
    server.enqueue({ type: 'error', status: 500, message: 'The model is overloaded.' });
    const answer = await ask(tenantId);
    expect(server.requests).toHaveLength(1);
    expect(answer.source).toBe('offline (openai:gpt-4o-mini failed)');
    expect(await month(tenantId)).toEqual({ used: '0', reserved: '0', notified: false });
    expect(await usageRows(tenantId)).toEqual([expect.objectContaining({ tokens_in: 0, tokens_out: 0, outcome: 'failed', cost_usd: '0.00000000' })]);
  });

  it("mails the owner once when the soft limit (80 %) is passed, however many calls follow", async () => {
    const tenantId = await newTenant(19_000);
    const owner = `owner-${tenantId.slice(0, 8)}@atlas.test`;
    const usage = { prompt_tokens: 5_000, completion_tokens: 1_000, total_tokens: 6_000 };
    for (let call = 0; call < 3; call += 1) server.enqueue({ type: 'chat', text: modelAnswer('Green tea.'), usage });
    await ask(tenantId);
    await ask(tenantId);
    expect(await mailsTo(owner)).toHaveLength(0); // 12,000 of 19,000: 63 %
    await ask(tenantId);
    expect(await month(tenantId)).toMatchObject({ used: '18000', notified: true }); // 94 %
    expect(await mailsTo(owner)).toHaveLength(1);
    // A call's reservation no longer fits: no more calls, and no second mail.
    await ask(tenantId);
    expect(server.requests).toHaveLength(3);
    expect(await mailsTo(owner)).toHaveLength(1);
    expect((await mailsTo(owner))[0]).toContain('94 %');
  });

  it('lets a reservation race end with the budget never overspent by reservations', async () => {
    const tenantId = await newTenant(5_000);
    // Each call reserves well over 1,200 tokens, so at most three of twenty fit at once.
    for (let call = 0; call < 20; call += 1) server.enqueue({ type: 'delay', ms: 50, then: { type: 'chat', text: modelAnswer('Yes.'), usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } } });
    const answers = await Promise.all(Array.from({ length: 20 }, () => ask(tenantId)));
    const metered = answers.filter((answer) => answer.source === 'openai:gpt-4o-mini').length;
    expect(metered).toBe(server.requests.length);
    expect(metered).toBeGreaterThan(0);
    expect(metered).toBeLessThan(20);
    expect(await month(tenantId)).toEqual({ used: String(metered * 15), reserved: '0', notified: false });
  });

  it('sends at most the per-conversation limit of customer messages to the provider', async () => {
    const tenantId = await newTenant(100_000);
    const conversationId = randomUUID();
    for (let call = 0; call < 3; call += 1) server.enqueue({ type: 'chat', text: modelAnswer('Yes.') });
    const sources: string[] = [];
    for (let message = 0; message < 5; message += 1) sources.push((await ask(tenantId, `question ${message}`, conversationId)).source);
    expect(server.requests).toHaveLength(3);
    expect(sources.slice(3)).toEqual(['offline (conversation rate limit)', 'offline (conversation rate limit)']);
    // Another conversation of the same tenant is not held back.
    server.enqueue({ type: 'chat', text: modelAnswer('Yes.') });
    expect((await ask(tenantId, 'question', randomUUID())).source).toBe('openai:gpt-4o-mini');
  });
});
