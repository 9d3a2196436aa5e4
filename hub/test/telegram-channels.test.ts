import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelList, ChannelView } from '@switchboard/contracts';
import { deriveKeys, telegramWebhookSecret } from '@switchboard/security';
import { testSecretKey, type FakeTelegramBot } from '@switchboard/testing';
import { addMember, bearer, signUp, startIdentityHub, type IdentityHub, type SignedUp } from './identity-harness.ts';

// Adding Telegram bots over REST and Telegram's webhook calls, on a real database, with the
// Bot API played by a local fake.
let hub: IdentityHub;
let owner: SignedUp;
let bot: FakeTelegramBot;
const publicBase = 'https://chat.example.test';

beforeAll(async () => {
  // A low per-address API limit, to show that Telegram's webhook is not under it.
  hub = await startIdentityHub('telegram', { webhookBaseUrl: publicBase, apiPerIpLimit: { limit: 30, windowMs: 60_000 } });
  owner = await signUp(hub.app);
  bot = hub.telegram.addBot({ username: 'atlas_tea_bot' });
});

afterAll(async () => {
  await hub?.close();
});

const asOwner = () => bearer(hub.app, owner.session.accessToken);
const telegramRows = async () => hub.admin<{ id: string; credentials_sealed: string; settings: Record<string, unknown> }>(`select id, credentials_sealed, settings from channels where type = 'telegram' and tenant_id = $1`, [owner.session.me.tenant?.id]);

describe('Telegram channels over REST', () => {
  it('refuses a token Telegram does not know with a 422 naming token, and stores nothing', async () => {
    const response = await asOwner()({ method: 'POST', url: '/api/v1/channels', payload: { type: 'telegram', name: 'Bot', token: '42:AAnotAtokenTelegramKnows', mode: 'polling' } });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ error: { code: 'SB_ERR_CHANNEL_CREDENTIALS', issues: [{ path: 'body/token' }] } });
    expect(response.body).not.toContain('42:AAnotAtokenTelegramKnows');
    expect(await telegramRows()).toEqual([]);
  });

  it('refuses a token of the wrong shape before asking Telegram', async () => {
    const calls = hub.telegram.calls.length;
    const response = await asOwner()({ method: 'POST', url: '/api/v1/channels', payload: { type: 'telegram', name: 'Bot', token: 'not a token', mode: 'polling' } });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ error: { issues: Array<{ path: string }> } }>().error.issues.map((issue) => issue.path)).toEqual(['body/token']);
    expect(hub.telegram.calls).toHaveLength(calls);
  });

  it('adds a webhook bot: checks it with getMe, seals the token, registers the webhook with its secret, and never shows the token', async () => {
    const response = await asOwner()({ method: 'POST', url: '/api/v1/channels', payload: { type: 'telegram', name: 'Atlas on Telegram', token: bot.token, mode: 'webhook', allowGroups: true } });
    expect(response.statusCode).toBe(201);
    const view = response.json<ChannelView>();
    expect(view).toMatchObject({ type: 'telegram', name: 'Atlas on Telegram', account: '@atlas_tea_bot', mode: 'webhook', allowGroups: true, status: 'active' });
    expect(response.body).not.toContain(bot.token);

    const [row] = await telegramRows();
    expect(row?.credentials_sealed).toMatch(/^v1\./);
    expect(row?.credentials_sealed).not.toContain(bot.token.split(':')[1]);
    expect(JSON.stringify(row?.settings)).not.toContain(bot.token);
    expect(hub.telegram.webhookOf(bot.token)).toEqual({ url: `${publicBase}/api/v1/webhooks/telegram/${view.id}`, secretToken: telegramWebhookSecret(deriveKeys(testSecretKey), view.id) });

    const again = await asOwner()({ method: 'POST', url: '/api/v1/channels', payload: { type: 'telegram', name: 'Same bot', token: bot.token, mode: 'polling' } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'SB_ERR_CONFLICT', issues: [{ path: 'body/token' }] } });
    expect(await telegramRows()).toHaveLength(1);

    const list = await asOwner()({ method: 'GET', url: '/api/v1/channels' });
    expect(list.json<ChannelList>().items.find((channel) => channel.id === view.id)).toMatchObject({ account: '@atlas_tea_bot' });
    expect(list.body).not.toContain(bot.token);
    await hub.admin(`delete from channels where id = $1`, [view.id]);
  });

  it('stores nothing when Telegram refuses the webhook', async () => {
    const other = hub.telegram.addBot();
    hub.telegram.failNext('setWebhook', { status: 400, description: 'Bad Request: bad webhook: HTTPS url must be provided for webhook' });
    const response = await asOwner()({ method: 'POST', url: '/api/v1/channels', payload: { type: 'telegram', name: 'Bot', token: other.token, mode: 'webhook' } });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ error: { code: 'SB_ERR_CHANNEL_CREDENTIALS', issues: [{ path: 'body/mode' }] } });
    expect(await telegramRows()).toEqual([]);
  });

  it('lets only admins and owners add a channel', async () => {
    const agent = await addMember(hub, owner.browser, 'agent');
    const response = await bearer(hub.app, agent.session.accessToken)({ method: 'POST', url: '/api/v1/channels', payload: { type: 'telegram', name: 'Bot', token: bot.token, mode: 'polling' } });
    expect(response.statusCode).toBe(403);
    expect(await telegramRows()).toEqual([]);
  });
});

describe("Telegram's webhook", () => {
  let channelId: string;
  let secret: string;
  const update = (text: string) => ({ update_id: 9001, message: { message_id: 1, date: 1_767_225_600, chat: { id: 77, type: 'private' }, from: { id: 77, is_bot: false, first_name: 'Omar' }, text } });

  beforeAll(async () => {
    const polled = hub.telegram.addBot();
    const response = await asOwner()({ method: 'POST', url: '/api/v1/channels', payload: { type: 'telegram', name: 'Hooked', token: polled.token, mode: 'webhook' } });
    channelId = response.json<ChannelView>().id;
    secret = hub.telegram.webhookOf(polled.token)?.secretToken ?? '';
  });

  const call = (headers: Record<string, string>, payload: unknown, id = channelId) =>
    hub.app.inject({ method: 'POST', url: `/api/v1/webhooks/telegram/${id}`, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(payload) });

  it('refuses a call without the secret token, or with another, before reading it', async () => {
    for (const headers of [{} as Record<string, string>, { 'x-telegram-bot-api-secret-token': 'guess' }, { 'x-telegram-bot-api-secret-token': telegramWebhookSecret(deriveKeys(testSecretKey), randomUUID()) }]) {
      const response = await call(headers, update('hello'));
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ error: { code: 'SB_ERR_WEBHOOK_SECRET' } });
    }
    // Not even a malformed body gets past the secret: the check comes first.
    expect((await call({}, '{not json')).statusCode).toBe(401);
  });

  it('takes an update with the right secret, and answers 2xx to updates it ignores so Telegram stops retrying', async () => {
    expect((await call({ 'x-telegram-bot-api-secret-token': secret }, update('hello'))).json()).toEqual({ ok: true });
    expect((await call({ 'x-telegram-bot-api-secret-token': secret }, { update_id: 9002, edited_message: {} })).statusCode).toBe(200);
  });

  it('names what is wrong with a body that is not an update', async () => {
    const response = await call({ 'x-telegram-bot-api-secret-token': secret }, { update_id: 'x' });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ error: { issues: Array<{ path: string }> } }>().error.issues[0]?.path).toBe('body/update_id');
  });

  it('answers 404 for a channel that is gone, without repeating its id', async () => {
    const gone = randomUUID();
    const response = await call({ 'x-telegram-bot-api-secret-token': telegramWebhookSecret(deriveKeys(testSecretKey), gone) }, update('hello'), gone);
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain(gone);
  });

  it("is not under the per-address API limit, as Telegram calls for every workspace's bots from a few addresses", async () => {
    const address = { 'x-forwarded-for': '149.154.167.99' };
    for (let index = 0; index < 40; index++) {
      const response = await call({ ...address, 'x-telegram-bot-api-secret-token': secret }, { update_id: 20_000 + index });
      expect(response.statusCode).toBe(200);
    }
    // The rest of the API is limited for the same address: 30 calls, then 429.
    const statuses: number[] = [];
    for (let index = 0; index < 31; index++) statuses.push((await hub.app.inject({ method: 'GET', url: '/api/v1/channels', headers: address })).statusCode);
    expect(statuses.at(-1)).toBe(429);
  });
});
