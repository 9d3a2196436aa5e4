import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultBotAiSettings, defaultConversationSettingsView, type ActionList, type ActionView, type AiAnswer, type AiUsageReport, type BotAiSettingsView, type MessageView } from '@switchboard/contracts';
import { eventually, startFakeOpenAiServer, type FakeOpenAiServer } from '@switchboard/testing';
import { command, LiveStack, record, type Workspace } from './support/live-stack.ts';

// A workspace's own OpenAI-compatible provider, end to end: set over REST with its key (sealed,
// never returned), used by the runner's AI actor for the widget's customers and the console's
// preview, metered in the usage report. The real openai SDK talks to a local server that speaks
// the wire protocol.
let stack: LiveStack;
let shop: Workspace;
let other: Workspace;
let server: FakeOpenAiServer;
const ownKey = 'sk-shop-own-key-0123456789abcdef';

const modelSays = (reply: string, actions: unknown[] = []) => ({
  type: 'chat' as const,
  text: JSON.stringify({ intent: 'reply', confidence: 0.9, reply, actions }),
  usage: { prompt_tokens: 300, completion_tokens: 40, total_tokens: 340 },
});

beforeAll(async () => {
  server = await startFakeOpenAiServer({ apiKey: ownKey });
  stack = await LiveStack.start();
  shop = await stack.signUp('bot-shop');
  other = await stack.signUp('bot-other');
});

beforeEach(() => server.reset());

afterAll(async () => {
  await stack?.close();
  await server?.close();
});

const widgetAsks = (workspace: Workspace, text: string) => stack.botAnswers(workspace, text);

describe("a workspace's own AI provider", () => {
  it('runs offline by default (no OPENAI_BASE_URL), and says so', async () => {
    const settings = await stack.api<BotAiSettingsView>(shop.token, 'GET', '/api/v1/bot/ai-settings');
    expect(settings).toMatchObject({ provider: 'platform', apiKeySet: false, activeProvider: 'offline' });
  });

  it('keeps the key sealed and never returns it', async () => {
    const saved = await stack.api<BotAiSettingsView>(shop.token, 'PUT', '/api/v1/bot/ai-settings', {
      ...defaultBotAiSettings, provider: 'openai-compatible', baseUrl: server.baseURL, model: 'gpt-4o-mini', apiKey: ownKey,
      personaName: 'Mina', instructions: 'Always mention free gift wrapping.', temperature: 0.2, allowedActions: ['task'],
    });
    expect(saved).toMatchObject({ provider: 'openai-compatible', apiKeySet: true, activeProvider: 'openai:gpt-4o-mini', personaName: 'Mina' });
    expect(JSON.stringify(saved)).not.toContain(ownKey);
    const [row] = await stack.sql<{ ai_api_key_sealed: string; ai_settings: unknown }>('select ai_api_key_sealed, ai_settings from tenants where id = $1', [shop.tenantId]);
    expect(row?.ai_api_key_sealed).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(ownKey);
  });

  it("answers the workspace's customers through it, with its persona, temperature and key", async () => {
    server.enqueue(modelSays('Green tea ships tomorrow, with free gift wrapping.'));
    const reply = await widgetAsks(shop, 'When does green tea ship?');
    expect(reply.text).toBe('Green tea ships tomorrow, with free gift wrapping.');
    const [call] = server.requests;
    expect(call?.authorization).toBe(`Bearer ${ownKey}`);
    expect(call?.body).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.2 });
    const system = String((call?.body.messages as Array<{ content: string }>)[0]?.content);
    expect(system).toContain('You are Mina');
    expect(system).toContain('Always mention free gift wrapping.');
  });

  it('lets an admin preview the bot as configured, stored nowhere, with only the actions the workspace allows', async () => {
    server.enqueue(modelSays('Yes, we ship to Rabat in 2 days.', [
      { kind: 'task', summary: 'Check the Rabat courier', fields: {} },
      { kind: 'order', summary: 'Order green tea', fields: { quantity: 2 } },
    ]));
    const before = await stack.sql<{ n: string }>('select count(*) as n from messages where tenant_id = $1', [shop.tenantId]);
    const answer = await stack.api<AiAnswer>(shop.token, 'POST', '/api/v1/bot/preview', { text: 'Do you ship to Rabat?' });
    expect(answer).toMatchObject({ reply: 'Yes, we ship to Rabat in 2 days.', source: 'openai:gpt-4o-mini' });
    // `order` is not in the workspace's allowed actions: the model cannot widen the list.
    expect(answer.actions).toEqual([{ kind: 'task', summary: 'Check the Rabat courier', fields: {} }]);
    expect(await stack.sql('select count(*) as n from messages where tenant_id = $1', [shop.tenantId])).toEqual(before);
  });

  it('puts the actions the bot proposes before an agent, who confirms or rejects each once, audited', async () => {
    const agentConsole = await stack.console(shop.token);
    const seen = record(agentConsole, ['action.proposed', 'action.confirmed', 'action.rejected']);
    server.enqueue(modelSays('I have noted your return request; a colleague will confirm it.', [
      { kind: 'task', summary: 'Arrange the return of order 1042', fields: { order: '1042' } },
      { kind: 'crm_note', summary: 'Customer unhappy with the packaging', fields: {} },
    ]));
    const reply = await widgetAsks(shop, 'I want to return order 1042');
    const proposed = await eventually(() => {
      const actions = seen.filter((event) => event.name === 'action.proposed').map((event) => (event.payload as { data: { action: ActionView } }).data.action);
      return actions.length === 1 ? actions : undefined;
    }, 'the proposed action on the console');
    // crm_note is not in this workspace's allowed actions (only `task` is).
    expect(proposed).toEqual([expect.objectContaining({ kind: 'task', summary: 'Arrange the return of order 1042', fields: { order: '1042' }, status: 'proposed', conversationId: reply.conversationId })]);
    const listed = await stack.api<ActionList>(shop.token, 'GET', `/api/v1/conversations/${reply.conversationId}/actions`);
    expect(listed.items.map((action) => action.status)).toEqual(['proposed']);
    const actionId = proposed[0]?.id ?? '';
    // Another workspace cannot decide it, and learns nothing of it.
    const foreign = await stack.app.inject({ method: 'POST', url: `/api/v1/actions/${actionId}/confirm`, headers: { authorization: `Bearer ${other.token}` } });
    expect(foreign.statusCode).toBe(404);
    const confirmed = await stack.api<ActionView>(shop.token, 'POST', `/api/v1/actions/${actionId}/confirm`);
    expect(confirmed).toMatchObject({ status: 'confirmed', decidedBy: shop.ownerId });
    await eventually(() => seen.some((event) => event.name === 'action.confirmed'), 'the confirmation on the console');
    const again = await stack.app.inject({ method: 'POST', url: `/api/v1/actions/${actionId}/reject`, headers: { authorization: `Bearer ${shop.token}` }, payload: {} });
    expect(again.statusCode).toBe(409);
    const audit = await stack.sql<{ action: string; actor_user_id: string }>(`select action, actor_user_id from audit_log where target_id = $1`, [actionId]);
    expect(audit).toEqual([{ action: 'action.confirmed', actor_user_id: shop.ownerId }]);
    agentConsole.disconnect();
  });

  it("reports the workspace's usage per day and model, and another workspace's report stays empty", async () => {
    const report = await stack.api<AiUsageReport>(shop.token, 'GET', '/api/v1/bot/usage?days=7');
    expect(report.month.used).toBe(1_020);
    expect(report.month.budget).toBe(2_000_000);
    expect(report.days).toEqual([expect.objectContaining({ model: 'gpt-4o-mini', calls: 3, failed: 0, tokensIn: 900, tokensOut: 120 })]);
    expect(report.days[0]?.costUsd).toBeCloseTo((900 * 0.15 + 120 * 0.6) / 1e6, 10);
    const theirs = await stack.api<AiUsageReport>(other.token, 'GET', '/api/v1/bot/usage');
    expect(theirs.month.used).toBe(0);
    expect(theirs.days).toEqual([]);
  });

  it('streams the reply to the widget and the console as the model writes it, then stores it once', async () => {
    const full = 'Our green tea ships tomorrow morning from Casablanca, with free gift wrapping.';
    server.enqueue({ ...modelSays(full), fragments: 12 });
    const agentConsole = await stack.console(shop.token);
    const onConsole = record(agentConsole, ['reply.streaming']);
    const widget = await stack.visitor({ key: shop.widgetKey, visitorId: `v_${randomUUID().replaceAll('-', '')}` });
    const onWidget = record(widget, ['reply.streaming', 'message.created']);
    await command(widget, 'message.send', { text: 'When does green tea ship?', clientId: `c_${randomUUID().replaceAll('-', '').slice(0, 20)}` });
    const stored = await eventually(
      () => onWidget.filter((event) => event.name === 'message.created').map((event) => (event.payload as { message: MessageView }).message).find((message) => message.author.kind === 'bot'),
      "the bot's stored reply",
    );
    expect(stored.text).toBe(full);
    const widgetStream = onWidget.filter((event) => event.name === 'reply.streaming').map((event) => event.payload as { text: string; done: boolean });
    // The first words went out before the model had finished; the last update is the whole reply.
    expect(widgetStream.length).toBeGreaterThanOrEqual(2);
    expect(widgetStream[0]?.done).toBe(false);
    expect(full.startsWith(widgetStream[0]?.text ?? 'x')).toBe(true);
    expect((widgetStream[0]?.text ?? '').length).toBeLessThan(full.length);
    expect(widgetStream.at(-1)).toEqual({ text: full, done: true });
    const consoleStream = await eventually(() => {
      const events = onConsole.map((event) => (event.payload as { data: { conversationId: string; text: string; done: boolean } }).data);
      return events.some((event) => event.done) ? events : undefined;
    }, 'the stream on the console');
    expect(consoleStream.every((event) => event.conversationId === stored.conversationId)).toBe(true);
    expect(consoleStream.at(-1)).toMatchObject({ text: full, done: true });
    widget.disconnect();
    agentConsole.disconnect();
  });

  it("leaves other workspaces on their own provider", async () => {
    const reply = await widgetAsks(other, 'When does green tea ship?');
    expect(reply.text).not.toContain('gift wrapping');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses an OpenAI-compatible provider without its base URL, naming the field, and changes nothing', async () => {
    const response = await stack.app.inject({
      method: 'PUT', url: '/api/v1/bot/ai-settings', headers: { authorization: `Bearer ${shop.token}` },
      payload: { ...defaultBotAiSettings, provider: 'openai-compatible' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'SB_ERR_VALIDATION', issues: [{ path: '/baseUrl' }] } });
    expect((await stack.api<BotAiSettingsView>(shop.token, 'GET', '/api/v1/bot/ai-settings')).baseUrl).toBe(server.baseURL);
  });

  it('refuses business hours in a time zone that does not exist, or a period that ends before it starts', async () => {
    const put = (businessHours: unknown) => stack.app.inject({
      method: 'PUT', url: '/api/v1/conversation-settings', headers: { authorization: `Bearer ${shop.token}` },
      payload: { ...defaultConversationSettingsView, businessHours },
    });
    const zone = await put({ timezone: 'Europe/Atlantis', periods: [] });
    expect(zone.statusCode).toBe(400);
    expect(zone.json()).toMatchObject({ error: { issues: [{ path: 'body/businessHours/timezone' }] } });
    const backwards = await put({ timezone: 'Europe/Paris', periods: [{ day: 1, from: '18:00', to: '09:00' }] });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json()).toMatchObject({ error: { issues: [{ path: 'body/businessHours/periods/0/to' }] } });
    const fine = await put({ timezone: 'Europe/Paris', periods: [{ day: 1, from: '09:00', to: '18:00' }] });
    expect(fine.statusCode).toBe(200);
  });

  it('removes the key on request', async () => {
    const current = await stack.api<BotAiSettingsView>(shop.token, 'GET', '/api/v1/bot/ai-settings');
    const { apiKeySet: _set, activeProvider: _active, ...settings } = current;
    const saved = await stack.api<BotAiSettingsView>(shop.token, 'PUT', '/api/v1/bot/ai-settings', { ...settings, removeApiKey: true });
    expect(saved.apiKeySet).toBe(false);
  });
});
