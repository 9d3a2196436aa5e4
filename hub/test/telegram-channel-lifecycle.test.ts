import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelList, ChannelRemoved, ChannelView } from '@switchboard/contracts';
import { createSecretBox, deriveKeys, telegramWebhookSecret } from '@switchboard/security';
import { testSecretKey, type FakeTelegramBot } from '@switchboard/testing';
import { addMember, bearer, signUp, startIdentityHub, type IdentityHub, type SignedUp } from './identity-harness.ts';

// Editing and removing Telegram channels over REST, on a real database, with the Bot API played
// by a local fake whose recorded calls show what Telegram was told.
let hub: IdentityHub;
let owner: SignedUp;
const publicBase = 'https://chat.example.test';
const keys = deriveKeys(testSecretKey);
const box = createSecretBox(keys.encryptionKey);

beforeAll(async () => {
  hub = await startIdentityHub('tglife', { webhookBaseUrl: publicBase });
  owner = await signUp(hub.app);
});

afterAll(async () => {
  await hub?.close();
});

const asOwner = () => bearer(hub.app, owner.session.accessToken);
const edit = (id: string, payload: Record<string, unknown>, call = asOwner()) => call({ method: 'PATCH', url: `/api/v1/channels/${id}`, payload });
const remove = (id: string, call = asOwner()) => call({ method: 'DELETE', url: `/api/v1/channels/${id}` });
const stored = async (id: string) => (await hub.admin<{ name: string; status: string; removed_at: Date | null; credentials_sealed: string | null; settings: Record<string, unknown> }>(
  'select name, status, removed_at, credentials_sealed, settings from channels where id = $1', [id]))[0];
const callsSince = (mark: number) => hub.telegram.calls.slice(mark).map((call) => ({ method: call.method, token: call.token }));
const webhookOf = (channelId: string) => ({ url: `${publicBase}/api/v1/webhooks/telegram/${channelId}`, secretToken: telegramWebhookSecret(keys, channelId) });

async function addChannel(mode: 'webhook' | 'polling', bot: FakeTelegramBot = hub.telegram.addBot()): Promise<{ bot: FakeTelegramBot; channel: ChannelView }> {
  const response = await asOwner()({ method: 'POST', url: '/api/v1/channels', payload: { type: 'telegram', name: `${mode} bot`, token: bot.token, mode } });
  if (response.statusCode !== 201) throw new Error(`adding a channel failed: ${response.statusCode} ${response.body}`);
  return { bot, channel: response.json<ChannelView>() };
}

describe('editing a Telegram channel', () => {
  it('switches a webhook bot to polling with deleteWebhook, and back with setWebhook and its secret', async () => {
    const { bot, channel } = await addChannel('webhook');
    expect(hub.telegram.webhookOf(bot.token)).toEqual(webhookOf(channel.id));

    let mark = hub.telegram.calls.length;
    const polling = await edit(channel.id, { type: 'telegram', mode: 'polling' });
    expect(polling.statusCode).toBe(200);
    expect(polling.json<ChannelView>()).toMatchObject({ id: channel.id, mode: 'polling', account: `@${bot.username}` });
    expect(callsSince(mark)).toEqual([{ method: 'deleteWebhook', token: bot.token }]);
    expect(hub.telegram.webhookOf(bot.token)).toBeUndefined();
    expect((await stored(channel.id))?.settings).toMatchObject({ mode: 'polling' });

    mark = hub.telegram.calls.length;
    const webhook = await edit(channel.id, { type: 'telegram', mode: 'webhook' });
    expect(webhook.json<ChannelView>()).toMatchObject({ mode: 'webhook' });
    expect(callsSince(mark)).toEqual([{ method: 'setWebhook', token: bot.token }]);
    expect(hub.telegram.webhookOf(bot.token)).toEqual(webhookOf(channel.id));
  });

  it('changes the name and groups without a word to Telegram', async () => {
    const { channel } = await addChannel('polling');
    const mark = hub.telegram.calls.length;
    const response = await edit(channel.id, { type: 'telegram', name: 'Atlas support', allowGroups: true });
    expect(response.json<ChannelView>()).toMatchObject({ name: 'Atlas support', allowGroups: true, mode: 'polling' });
    expect(callsSince(mark)).toEqual([]);
    expect(await stored(channel.id)).toMatchObject({ name: 'Atlas support', settings: { allowGroups: true, mode: 'polling' } });
  });

  it("takes the same bot's new token after getMe, seals it, and registers the webhook with it", async () => {
    const { bot, channel } = await addChannel('webhook');
    // @BotFather's "revoke token": the same bot, a new token.
    const renewed = hub.telegram.addBot({ id: bot.id, username: bot.username });
    const mark = hub.telegram.calls.length;
    const response = await edit(channel.id, { type: 'telegram', token: renewed.token });
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain(renewed.token);
    expect(callsSince(mark)).toEqual([{ method: 'getMe', token: renewed.token }, { method: 'setWebhook', token: renewed.token }]);
    expect(hub.telegram.webhookOf(renewed.token)).toEqual(webhookOf(channel.id));
    const row = await stored(channel.id);
    expect(box.open(row?.credentials_sealed ?? '')).toBe(renewed.token);
    expect(JSON.stringify(row)).not.toContain(renewed.token);
  });

  it('moves a channel to another bot only if that bot is no other channel, and takes the old bot off its webhook', async () => {
    const { bot: first, channel } = await addChannel('webhook');
    const { bot: taken } = await addChannel('polling');
    const refused = await edit(channel.id, { type: 'telegram', token: taken.token });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: { code: 'SB_ERR_CONFLICT', issues: [{ path: 'body/token' }] } });
    expect(box.open((await stored(channel.id))?.credentials_sealed ?? '')).toBe(first.token);

    const next = hub.telegram.addBot({ username: 'atlas_next_bot' });
    const moved = await edit(channel.id, { type: 'telegram', token: next.token });
    expect(moved.json<ChannelView>()).toMatchObject({ account: '@atlas_next_bot', mode: 'webhook' });
    expect(hub.telegram.webhookOf(next.token)).toEqual(webhookOf(channel.id));
    // The old bot would otherwise go on posting into this channel with its secret.
    expect(hub.telegram.webhookOf(first.token)).toBeUndefined();
    expect((await stored(channel.id))?.settings).toMatchObject({ botId: next.id, account: '@atlas_next_bot' });
  });

  it('refuses a token Telegram does not know with a 422 naming token, and changes nothing', async () => {
    const { bot, channel } = await addChannel('polling');
    const before = await stored(channel.id);
    const response = await edit(channel.id, { type: 'telegram', token: '42:AAnotAtokenTelegramKnows', mode: 'webhook' });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ error: { code: 'SB_ERR_CHANNEL_CREDENTIALS', issues: [{ path: 'body/token' }] } });
    expect(response.body).not.toContain('42:AAnotAtokenTelegramKnows');
    expect(await stored(channel.id)).toEqual(before);
    expect(hub.telegram.webhookOf(bot.token)).toBeUndefined();
  });

  it('leaves the channel as it was when Telegram refuses the webhook, naming mode', async () => {
    const { channel } = await addChannel('polling');
    hub.telegram.failNext('setWebhook', { status: 400, description: 'Bad Request: bad webhook: HTTPS url must be provided for webhook' });
    const response = await edit(channel.id, { type: 'telegram', mode: 'webhook', name: 'Renamed' });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ error: { code: 'SB_ERR_CHANNEL_CREDENTIALS', issues: [{ path: 'body/mode' }] } });
    expect(await stored(channel.id)).toMatchObject({ name: 'polling bot', settings: { mode: 'polling' } });
  });

  it('names the field that is wrong, before asking Telegram anything', async () => {
    const { channel } = await addChannel('polling');
    const mark = hub.telegram.calls.length;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ type: 'telegram', token: 'not a token' }, 'body/token'],
      [{ type: 'telegram', mode: 'carrier-pigeon' }, 'body/mode'],
      [{ type: 'telegram', name: '' }, 'body/name'],
      [{ type: 'telegram', allowGroups: 'yes' }, 'body/allowGroups'],
      [{ type: 'telegram', secret: 'x' }, 'body/secret'],
      [{ type: 'telegram' }, 'body'],
      [{ type: 'whatsapp', name: 'x' }, 'body/type'],
    ];
    for (const [payload, path] of cases) {
      const response = await edit(channel.id, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      const { error } = response.json<{ error: { code: string; issues: Array<{ path: string }> } }>();
      expect(error.code).toBe('SB_ERR_VALIDATION');
      expect([...new Set(error.issues.map((issue) => issue.path))], JSON.stringify(payload)).toEqual([path]);
    }
    expect(callsSince(mark)).toEqual([]);
  });

  it('does not edit a webchat channel with a Telegram body, nor a Telegram channel with a webchat one', async () => {
    const { channel } = await addChannel('polling');
    const webchat = (await asOwner()({ method: 'GET', url: '/api/v1/channels' })).json<ChannelList>().items.find((item) => item.type === 'webchat');
    expect((await edit(webchat?.id ?? '', { type: 'telegram', name: 'x' })).statusCode).toBe(404);
    expect((await edit(channel.id, { name: 'x' })).statusCode).toBe(404);
  });
});

describe('removing a Telegram channel', () => {
  it('takes it out of the list, deletes its webhook at Telegram, and refuses its webhook calls after', async () => {
    const { bot, channel } = await addChannel('webhook');
    const secret = hub.telegram.webhookOf(bot.token)?.secretToken ?? '';
    const update = { update_id: 1, message: { message_id: 1, date: 1_767_225_600, chat: { id: 77, type: 'private' }, from: { id: 77, is_bot: false, first_name: 'Omar' }, text: 'hello' } };
    const webhookCall = () => hub.app.inject({ method: 'POST', url: `/api/v1/webhooks/telegram/${channel.id}`, headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret }, payload: JSON.stringify(update) });
    expect((await webhookCall()).statusCode).toBe(200);

    const mark = hub.telegram.calls.length;
    const response = await remove(channel.id);
    expect(response.statusCode).toBe(200);
    expect(response.json<ChannelRemoved>()).toEqual({ id: channel.id, removedAt: expect.any(String), warnings: [] });
    expect(callsSince(mark)).toEqual([{ method: 'deleteWebhook', token: bot.token }]);
    expect(hub.telegram.webhookOf(bot.token)).toBeUndefined();

    const list = (await asOwner()({ method: 'GET', url: '/api/v1/channels' })).json<ChannelList>();
    expect(list.items.map((item) => item.id)).not.toContain(channel.id);
    // The token stays sealed, for the files of its conversations that are fetched when first viewed.
    expect(await stored(channel.id)).toMatchObject({ status: 'removed', removed_at: expect.any(Date), credentials_sealed: expect.stringMatching(/^v1\./) });

    // Telegram's retry of an update already on its way, after the removal: refused (the route
    // had this channel cached a moment ago), without repeating the id.
    const late = await webhookCall();
    expect(late.statusCode).toBe(404);
    expect(late.body).not.toContain(channel.id);
    expect((await remove(channel.id)).statusCode).toBe(404);
    expect((await edit(channel.id, { type: 'telegram', name: 'back' })).statusCode).toBe(404);
  });

  it('lets the bot be added again afterwards, as a new channel', async () => {
    const { bot, channel } = await addChannel('polling');
    expect((await remove(channel.id)).statusCode).toBe(200);
    const again = await addChannel('polling', bot);
    expect(again.channel.id).not.toBe(channel.id);
  });

  it('removes the channel when Telegram cannot be reached, and says its webhook may still be set', async () => {
    const { bot, channel } = await addChannel('webhook');
    hub.telegram.failNext('deleteWebhook', { status: 502, description: 'Bad Gateway' });
    const response = await remove(channel.id);
    expect(response.statusCode).toBe(200);
    const { warnings } = response.json<ChannelRemoved>();
    expect(warnings).toEqual([expect.stringContaining('Telegram was not told to stop sending')]);
    expect(warnings.join(' ')).not.toContain(bot.token);
    expect(await stored(channel.id)).toMatchObject({ status: 'removed' });
  });

  it('refuses to remove the web chat channel with a 409 that says why', async () => {
    const webchat = (await asOwner()({ method: 'GET', url: '/api/v1/channels' })).json<ChannelList>().items.find((item) => item.type === 'webchat');
    const response = await remove(webchat?.id ?? '');
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ error: { code: 'SB_ERR_CONFLICT', message: expect.stringContaining('web chat channel comes with the workspace') } });
    expect(await stored(webchat?.id ?? '')).toMatchObject({ status: 'active', removed_at: null });
  });
});

describe('who may edit and remove a channel', () => {
  it('lets only admins and owners edit or remove a channel', async () => {
    const { channel } = await addChannel('polling');
    const agent = await addMember(hub, owner.browser, 'agent');
    const asAgent = bearer(hub.app, agent.session.accessToken);
    expect((await edit(channel.id, { type: 'telegram', name: 'mine' }, asAgent)).statusCode).toBe(403);
    expect((await remove(channel.id, asAgent)).statusCode).toBe(403);
    const admin = await addMember(hub, owner.browser, 'admin');
    expect((await edit(channel.id, { type: 'telegram', name: 'by the admin' }, bearer(hub.app, admin.session.accessToken))).statusCode).toBe(200);
    expect((await remove(channel.id, bearer(hub.app, admin.session.accessToken))).statusCode).toBe(200);
  });

  it("answers another workspace's owner 404 for a channel of this one, without its id, and changes nothing at Telegram", async () => {
    const { bot, channel } = await addChannel('webhook');
    const stranger = await signUp(hub.app);
    const asStranger = bearer(hub.app, stranger.session.accessToken);
    const before = await stored(channel.id);
    const mark = hub.telegram.calls.length;
    const other = hub.telegram.addBot();
    for (const response of [
      await edit(channel.id, { type: 'telegram', mode: 'polling', name: 'taken over' }, asStranger),
      await edit(channel.id, { type: 'telegram', token: other.token }, asStranger),
      await remove(channel.id, asStranger),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(response.body).not.toContain(channel.id);
    }
    expect(await stored(channel.id)).toEqual(before);
    expect(callsSince(mark)).toEqual([]);
    expect(hub.telegram.webhookOf(bot.token)).toEqual(webhookOf(channel.id));
  });
});
