import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvelope } from '@switchboard/bus';
import { loadConfig } from '@switchboard/config';
import { normaliseTelegramUpdate, type ChannelRemoved, type ChannelStatusChanged, type ChannelView, type ConsoleFrame, type ConversationView, type MessagePage, type MessageView, type TelegramUpdate } from '@switchboard/contracts';
import { publishInbound, startConnector } from '@switchboard/connectors';
import type { RunningRole } from '@switchboard/runtime';
import { eventually, startFakeTelegramServer, testLogger, testSecretKey, type FakeTelegramBot, type FakeTelegramServer } from '@switchboard/testing';
import { command, LiveStack, record, type Workspace } from './support/live-stack.ts';

// Telegram end to end on real NATS and PostgreSQL: Telegram's webhook calls into the hub, the
// connector role polling and sending through the real telegraf, the runner's actors, and the
// consoles of two workspaces. Telegram itself is a local fake speaking the Bot API.
const publicName = 'http://switchboard.test';
let stack: LiveStack;
let telegram: FakeTelegramServer;
let connector: RunningRole | undefined;
let shopA: Workspace;
let shopB: Workspace;
let hooked: { bot: FakeTelegramBot; channel: ChannelView };
let polled: { bot: FakeTelegramBot; channel: ChannelView };
let polledB: { bot: FakeTelegramBot; channel: ChannelView };
let seenByA: Array<{ name: string; payload: unknown }>;
let seenByB: Array<{ name: string; payload: unknown }>;

let nextMessageId = 500;
const customer = { id: 4_400_100, is_bot: false, first_name: 'Karim', username: 'karim_t' };
function textUpdate(text: string, chatId = customer.id): TelegramUpdate & Record<string, unknown> {
  return { update_id: nextMessageId + 10_000, message: { message_id: nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private' }, from: { ...customer, id: chatId }, text } };
}
const externalId = (update: TelegramUpdate) => `${update.message?.chat.id}:${update.message?.message_id}`;

const consoleMessages = (seen: Array<{ name: string; payload: unknown }>) =>
  seen.filter((event) => event.name === 'message.created').map((event) => (event.payload as ConsoleFrame<'message.created'>).data.message);
const statuses = (seen: Array<{ name: string; payload: unknown }>) =>
  seen.filter((event) => event.name === 'channel.status').map((event) => (event.payload as ConsoleFrame<'channel.status'>).data as ChannelStatusChanged);
const storedCount = async (externalMessageId: string) =>
  Number((await stack.sql<{ count: string }>('select count(*) from messages where external_id = $1', [externalMessageId]))[0]?.count);

/** Delivers a webhook update the way Telegram does, to this test's hub. */
async function deliver(bot: FakeTelegramBot, update: Record<string, unknown>, secretToken?: string | null) {
  const webhook = telegram.webhookOf(bot.token);
  if (!webhook) throw new Error('the hub registered no webhook');
  return telegram.deliverWebhook(bot.token, update, { url: webhook.url.replace(publicName, stack.url), ...(secretToken === undefined ? {} : { secretToken }) });
}

async function addBot(workspace: Workspace, mode: 'webhook' | 'polling') {
  const bot = telegram.addBot();
  const channel = await stack.api<ChannelView>(workspace.token, 'POST', '/api/v1/channels', { type: 'telegram', name: `${mode} bot`, token: bot.token, mode });
  return { bot, channel };
}

beforeAll(async () => {
  telegram = await startFakeTelegramServer();
  stack = await LiveStack.start({ telegramApiRoot: telegram.apiRoot, webhookBaseUrl: publicName });
  shopA = await stack.signUp('tg-a');
  shopB = await stack.signUp('tg-b');
  hooked = await addBot(shopA, 'webhook');
  polled = await addBot(shopA, 'polling');
  polledB = await addBot(shopB, 'polling');
  const consoleA = await stack.console(shopA.token);
  const consoleB = await stack.console(shopB.token);
  seenByA = record(consoleA, ['message.created', 'channel.status']);
  seenByB = record(consoleB, ['message.created', 'channel.status']);
  // The connector role as `npm run start:connector` runs it, on this stack's bus and database.
  const config = loadConfig({ SECRET_KEY: testSecretKey, TELEGRAM_API_ROOT: telegram.apiRoot });
  connector = await startConnector(config, testLogger(), { bus: stack.bus, orm: stack.orm, chromaUrl: '', close: async () => undefined });
});

afterAll(async () => {
  await connector?.stop();
  await stack?.close();
  await telegram?.close();
});

describe('Telegram end to end', () => {
  it("reports each bot ready with its @username to its own workspace's consoles only", async () => {
    await eventually(() => statuses(seenByA).filter((status) => status.state === 'ready').length >= 2 || undefined, "A's bots ready");
    await eventually(() => statuses(seenByB).some((status) => status.state === 'ready') || undefined, "B's bot ready");
    const readyA = statuses(seenByA).filter((status) => status.state === 'ready');
    expect(new Map(readyA.map((status) => [status.channelId, status.account]))).toEqual(new Map([
      [hooked.channel.id, `@${hooked.bot.username}`],
      [polled.channel.id, `@${polled.bot.username}`],
    ]));
    expect(statuses(seenByB).map((status) => status.channelId)).not.toContain(hooked.channel.id);
    expect(statuses(seenByB).map((status) => status.channelId)).not.toContain(polled.channel.id);
    expect(statuses(seenByB).every((status) => status.channelId === polledB.channel.id)).toBe(true);
  });

  it('shows a webhook update that Telegram delivered twice in the console once, stores it once, and answers through sendMessage', async () => {
    const update = textUpdate('Salam, do you have mint tea?');
    expect(await deliver(hooked.bot, update)).toBe(200);
    expect(await deliver(hooked.bot, update)).toBe(200); // Telegram's retry after a lost answer
    const id = externalId(update);
    // The bot's answer is sent back to the chat: the message went all the way through.
    await eventually(() => telegram.callsOf('sendMessage').some((call) => call.token === hooked.bot.token && call.params['chat_id'] === String(customer.id)) || undefined, "the bot's answer at Telegram");
    expect(await storedCount(id)).toBe(1);
    expect(consoleMessages(seenByA).filter((message) => message.text === 'Salam, do you have mint tea?')).toHaveLength(1);

    // The webhook published under the channel's dedupe key: the bus already holds this message.
    const inbound = normaliseTelegramUpdate(update, { channelId: hooked.channel.id, allowGroups: false });
    if (!inbound) throw new Error('the update did not normalise');
    expect(await publishInbound(stack.bus, shopA.tenantId, inbound)).toEqual({ duplicate: true });
    // Past the bus's dedupe window only the database's unique key is left: it holds too.
    await stack.bus.publish(createEnvelope('inbound.message', shopA.tenantId, inbound), { channelId: hooked.channel.id, msgId: `replay-${randomUUID()}` });
    const marker = textUpdate('and green tea?');
    expect(await deliver(hooked.bot, marker)).toBe(200);
    await eventually(async () => (await storedCount(externalId(marker))) === 1 || undefined, 'the next message stored');
    expect(await storedCount(id)).toBe(1);
    expect(consoleMessages(seenByA).filter((message) => message.text === 'Salam, do you have mint tea?')).toHaveLength(1);
    expect(consoleMessages(seenByB).map((message) => message.text)).not.toContain('Salam, do you have mint tea?');
  });

  it('shows a polled update that Telegram replayed once, and stores it once', async () => {
    const chatId = 4_400_200;
    const update = textUpdate('Is the shop open on Friday?', chatId);
    telegram.enqueueUpdate(polled.bot.token, update);
    telegram.enqueueUpdate(polled.bot.token, update); // the same update again, as after an unconfirmed offset
    const marker = textUpdate('thanks', chatId);
    telegram.enqueueUpdate(polled.bot.token, marker);
    await eventually(async () => (await storedCount(externalId(marker))) === 1 || undefined, 'the marker stored');
    expect(await storedCount(externalId(update))).toBe(1);
    const inbound = normaliseTelegramUpdate(update, { channelId: polled.channel.id, allowGroups: false });
    if (!inbound) throw new Error('the update did not normalise');
    expect(await publishInbound(stack.bus, shopA.tenantId, inbound)).toEqual({ duplicate: true });
    await eventually(() => consoleMessages(seenByA).some((message) => message.text === 'thanks') || undefined, 'the marker in the console');
    expect(consoleMessages(seenByA).filter((message) => message.text === 'Is the shop open on Friday?')).toHaveLength(1);
    expect(consoleMessages(seenByB).map((message) => message.text)).not.toContain('Is the shop open on Friday?');
  });

  it('shows the photo a customer sent: fetched from the Bot API when first viewed, kept after, for its workspace only', async () => {
    const chatId = 4_400_250;
    const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('a torn parcel')]);
    const file = telegram.addFile(photo, { fileName: 'photo.jpg' });
    const update = textUpdate('', chatId);
    const { text: _omitted, ...withoutText } = update.message ?? { text: '' };
    const photoUpdate = { ...update, message: { ...withoutText, caption: 'look at this', photo: [{ file_id: file.fileId, file_unique_id: file.fileUniqueId, width: 90, height: 90, file_size: file.size }] } };
    expect(await deliver(hooked.bot, photoUpdate)).toBe(200);
    const [row] = await eventually(async () => {
      const rows = await stack.sql<{ id: string; conversation_id: string; attachments: Array<{ url?: string }> }>('select id, conversation_id, attachments from messages where external_id = $1', [externalId(update)]);
      return rows.length > 0 ? rows : undefined;
    }, 'the stored photo');
    // The token-free reference is stored, never the download URL (which carries the bot token).
    expect(row?.attachments[0]?.url).toBe(`telegram-file:${file.fileId}`);
    expect(JSON.stringify(row)).not.toContain(hooked.bot.token);
    const path = `/api/v1/conversations/${row?.conversation_id}/messages/${row?.id}/attachments/0`;
    const getFileCalls = () => telegram.callsOf('getFile').filter((call) => call.params['file_id'] === file.fileId).length;
    for (let view = 0; view < 2; view += 1) {
      const response = await stack.app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${shopA.token}` } });
      expect(response.statusCode).toBe(200);
      expect(response.rawPayload.equals(photo)).toBe(true);
      expect(response.headers['content-type']).toBe('image/jpeg');
      expect(response.body).not.toContain(hooked.bot.token);
    }
    // The second view came from the media store.
    expect(getFileCalls()).toBe(1);
    const other = await stack.app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${shopB.token}` } });
    expect(other.statusCode).toBe(404);
    // A file Telegram no longer has is a 404 that says so, not a 500.
    const lost = textUpdate('', chatId);
    const { text: _none, ...lostMessage } = lost.message ?? { text: '' };
    expect(await deliver(hooked.bot, { ...lost, message: { ...lostMessage, document: { file_id: 'BQACgone', file_unique_id: 'gone', file_name: 'invoice.pdf', mime_type: 'application/pdf' } } })).toBe(200);
    const [gone] = await eventually(async () => {
      const rows = await stack.sql<{ id: string; conversation_id: string }>('select id, conversation_id from messages where external_id = $1', [externalId(lost)]);
      return rows.length > 0 ? rows : undefined;
    }, 'the stored document');
    const missing = await stack.app.inject({ method: 'GET', url: `/api/v1/conversations/${gone?.conversation_id}/messages/${gone?.id}/attachments/0`, headers: { authorization: `Bearer ${shopA.token}` } });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'SB_ERR_NOT_FOUND', message: expect.stringContaining('Telegram no longer has this file') } });
  });

  it("sends an agent's reply from the console to the Telegram chat", async () => {
    const chatId = 4_400_300;
    const update = textUpdate('I need help with my order', chatId);
    expect(await deliver(hooked.bot, update)).toBe(200);
    const conversationId = await eventually(async () => (await stack.sql<{ conversation_id: string }>('select conversation_id from messages where external_id = $1', [externalId(update)]))[0]?.conversation_id, 'the conversation');
    const agentConsole = await stack.console(shopA.token);
    await command(agentConsole, 'conversation.claim', { conversationId });
    const reply = await command<{ message: MessageView }>(agentConsole, 'message.send', { conversationId, text: 'Your order ships today.', clientId: `c_${randomUUID().replaceAll('-', '').slice(0, 20)}` });
    const sent = await eventually(() => telegram.callsOf('sendMessage').find((call) => call.params['text'] === 'Your order ships today.'), 'the reply at Telegram');
    expect(sent).toMatchObject({ token: hooked.bot.token, params: { chat_id: String(chatId) } });
    await eventually(async () => (await stack.sql<{ status: string }>('select status from messages where id = $1', [reply.message.id]))[0]?.status === 'sent' || undefined, 'the reply marked sent');

    // A photo the agent uploads goes as one captioned photo, its bytes uploaded to the Bot API.
    const picture = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('the parcel, packed')]);
    const uploaded = await stack.upload(shopA.token, `/api/v1/conversations/${conversationId}/attachments`, { name: 'packed.jpg', bytes: picture, mediaType: 'image/jpeg' });
    expect(uploaded.statusCode).toBe(201);
    const { mediaId } = uploaded.json<{ mediaId: string }>();
    const withPhoto = await command<{ message: MessageView }>(agentConsole, 'message.send', { conversationId, text: 'Packed and ready.', attachments: [{ mediaId }], clientId: `c_${randomUUID().replaceAll('-', '').slice(0, 20)}` });
    const photo = await eventually(() => telegram.callsOf('sendPhoto').find((call) => call.params['caption'] === 'Packed and ready.'), 'the photo at Telegram');
    expect(photo.params['chat_id']).toBe(String(chatId));
    expect(photo.files['photo']?.content.equals(picture)).toBe(true);
    await eventually(async () => (await stack.sql<{ status: string }>('select status from messages where id = $1', [withPhoto.message.id]))[0]?.status === 'sent' || undefined, 'the photo marked sent');
  });

  it('answers through a bot added after the connector started, without waiting for the next refresh', async () => {
    const late = await addBot(shopA, 'webhook');
    const chatId = 4_400_400;
    expect(await deliver(late.bot, textUpdate('hello, new bot', chatId))).toBe(200);
    // The connector's periodic refresh is 30 s away; the reply makes it load the channel now.
    const answer = await eventually(() => telegram.callsOf('sendMessage').find((call) => call.token === late.bot.token), "the new bot's answer at Telegram");
    expect(answer.params['chat_id']).toBe(String(chatId));
  });

  it('refuses a webhook call with a wrong or missing secret and stores nothing', async () => {
    const inboundRows = async () => Number((await stack.sql<{ count: string }>(`select count(*) from messages where channel_id = $1 and direction = 'inbound'`, [hooked.channel.id]))[0]?.count);
    const before = await inboundRows();
    const forged = textUpdate('forged: send me the refund');
    expect(await deliver(hooked.bot, forged, 'not-the-secret')).toBe(401);
    expect(await deliver(hooked.bot, forged, null)).toBe(401);
    // A genuine message after the forged ones is stored; the forged one never is.
    const genuine = textUpdate('genuine message');
    expect(await deliver(hooked.bot, genuine)).toBe(200);
    await eventually(async () => (await storedCount(externalId(genuine))) === 1 || undefined, 'the genuine message stored');
    expect(await storedCount(externalId(forged))).toBe(0);
    expect(await inboundRows()).toBe(before + 1);
    expect(consoleMessages(seenByA).map((message) => message.text)).not.toContain('forged: send me the refund');
  });
});

describe('Telegram channels edited and removed, end to end', () => {
  const statesOf = (channelId: string) => statuses(seenByA).filter((status) => status.channelId === channelId).map((status) => status.state);
  const getUpdatesOf = (bot: FakeTelegramBot) => telegram.callsOf('getUpdates').filter((call) => call.token === bot.token).length;
  const conversationOf = (update: TelegramUpdate) =>
    eventually(async () => (await stack.sql<{ conversation_id: string }>('select conversation_id from messages where external_id = $1', [externalId(update)]))[0]?.conversation_id, 'the conversation stored');

  it('starts a new polling bot at once, switches it to webhook and back, and Telegram and the connector follow each switch', async () => {
    const switched = await addBot(shopA, 'polling');
    // Added after the connector started: the hub told it, no 30 s refresh needed.
    await eventually(() => statesOf(switched.channel.id).includes('ready') || undefined, 'the new polling bot ready');
    const polledFirst = textUpdate('polled before the switch', 4_400_500);
    telegram.enqueueUpdate(switched.bot.token, polledFirst);
    await eventually(async () => (await storedCount(externalId(polledFirst))) === 1 || undefined, 'the polled message stored');

    const toWebhook = await stack.api<ChannelView>(shopA.token, 'PATCH', `/api/v1/channels/${switched.channel.id}`, { type: 'telegram', mode: 'webhook' });
    expect(toWebhook.mode).toBe('webhook');
    expect(telegram.webhookOf(switched.bot.token)?.url).toBe(`${publicName}/api/v1/webhooks/telegram/${switched.channel.id}`);
    // The connector stopped the poller and started the bot again, sending only: the webhook
    // Telegram now holds never made a poll fail.
    const restarted = (states: string[]) => states.slice(states.lastIndexOf('stopped'));
    const afterSwitch = await eventually(() => {
      const states = statesOf(switched.channel.id);
      return states.includes('stopped') && restarted(states).at(-1) === 'ready' ? states : undefined;
    }, 'the bot started again');
    expect(restarted(afterSwitch)).toEqual(['stopped', 'starting', 'ready']);
    expect(afterSwitch).not.toContain('failed');
    const hooked = textUpdate('sent by webhook after the switch', 4_400_500);
    expect(await deliver(switched.bot, hooked)).toBe(200);
    await eventually(async () => (await storedCount(externalId(hooked))) === 1 || undefined, 'the webhook message stored');

    const deletes = telegram.callsOf('deleteWebhook').filter((call) => call.token === switched.bot.token).length;
    await stack.api<ChannelView>(shopA.token, 'PATCH', `/api/v1/channels/${switched.channel.id}`, { type: 'telegram', mode: 'polling' });
    expect(telegram.callsOf('deleteWebhook').filter((call) => call.token === switched.bot.token).length).toBeGreaterThan(deletes);
    expect(telegram.webhookOf(switched.bot.token)).toBeUndefined();
    const polledAgain = textUpdate('polled after switching back', 4_400_500);
    telegram.enqueueUpdate(switched.bot.token, polledAgain);
    await eventually(async () => (await storedCount(externalId(polledAgain))) === 1 || undefined, 'the polled message stored after switching back');
    expect(statesOf(switched.channel.id)).not.toContain('failed');
  });

  it("refuses another workspace's edit and removal of a channel with 404, and its bot goes on", async () => {
    for (const [method, payload] of [['PATCH', { type: 'telegram', mode: 'webhook' }], ['DELETE', undefined]] as const) {
      const refused = await stack.api(shopB.token, method, `/api/v1/channels/${polled.channel.id}`, payload).catch((error: { statusCode: number; body: string }) => error);
      expect(refused).toMatchObject({ statusCode: 404 });
      expect((refused as { body: string }).body).not.toContain(polled.channel.id);
    }
    expect(telegram.webhookOf(polled.bot.token)).toBeUndefined();
    const update = textUpdate('still polled', 4_400_600);
    telegram.enqueueUpdate(polled.bot.token, update);
    await eventually(async () => (await storedCount(externalId(update))) === 1 || undefined, 'the message stored');
  });

  it('removes a webhook bot: its webhook goes at Telegram, its conversation, messages and files stay, and a later webhook call is refused with nothing stored', async () => {
    const removed = await addBot(shopA, 'webhook');
    const { secretToken } = telegram.webhookOf(removed.bot.token) ?? {};
    const before = textUpdate('a question before the removal', 4_400_700);
    expect(await deliver(removed.bot, before)).toBe(200);
    const conversationId = await conversationOf(before);
    await eventually(() => telegram.callsOf('sendMessage').some((call) => call.token === removed.bot.token) || undefined, "the bot's answer at Telegram");
    // A photo nobody has opened yet: it is fetched from Telegram when first viewed.
    const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('the parcel label')]);
    const file = telegram.addFile(photo, { fileName: 'label.jpg' });
    const photoUpdate = textUpdate('', 4_400_700);
    const { text: _omitted, ...withoutText } = photoUpdate.message ?? { text: '' };
    expect(await deliver(removed.bot, { ...photoUpdate, message: { ...withoutText, photo: [{ file_id: file.fileId, file_unique_id: file.fileUniqueId, width: 90, height: 90, file_size: file.size }] } })).toBe(200);
    const photoMessageId = await eventually(async () => (await stack.sql<{ id: string }>('select id from messages where external_id = $1', [externalId(photoUpdate)]))[0]?.id, 'the photo stored');

    const answer = await stack.api<ChannelRemoved>(shopA.token, 'DELETE', `/api/v1/channels/${removed.channel.id}`);
    expect(answer).toEqual({ id: removed.channel.id, removedAt: expect.any(String), warnings: [] });
    expect(telegram.webhookOf(removed.bot.token)).toBeUndefined();
    expect(telegram.callsOf('deleteWebhook').some((call) => call.token === removed.bot.token)).toBe(true);
    await eventually(() => statesOf(removed.channel.id).at(-1) === 'stopped' || undefined, 'the bot reported stopped');

    // Telegram retrying an update it had queued before the webhook went: refused, not stored.
    const after = textUpdate('sent after the removal', 4_400_700);
    const late = await fetch(`${stack.url}/api/v1/webhooks/telegram/${removed.channel.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secretToken ?? '' },
      body: JSON.stringify(after),
    });
    expect(late.status).toBe(404);
    expect(await late.text()).not.toContain(removed.channel.id);
    expect(await storedCount(externalId(after))).toBe(0);

    // The history is the business's: the conversation and its messages are still there.
    const conversation = await stack.api<ConversationView>(shopA.token, 'GET', `/api/v1/conversations/${conversationId}`);
    expect(conversation.id).toBe(conversationId);
    const messages = await stack.api<MessagePage>(shopA.token, 'GET', `/api/v1/conversations/${conversationId}/messages`);
    expect(messages.items.map((message) => message.text)).toContain('a question before the removal');
    expect(messages.items.some((message) => message.direction === 'outbound')).toBe(true);
    const opened = await stack.app.inject({ method: 'GET', url: `/api/v1/conversations/${conversationId}/messages/${photoMessageId}/attachments/0`, headers: { authorization: `Bearer ${shopA.token}` } });
    expect(opened.statusCode).toBe(200);
    expect(opened.rawPayload.equals(photo)).toBe(true);
  });

  it('removes a polling bot: the connector has stopped polling it by the time the removal answers', async () => {
    const removed = await addBot(shopA, 'polling');
    await eventually(() => statesOf(removed.channel.id).includes('ready') || undefined, 'the polling bot ready');
    await stack.api<ChannelRemoved>(shopA.token, 'DELETE', `/api/v1/channels/${removed.channel.id}`);
    const polls = getUpdatesOf(removed.bot);
    const unread = textUpdate('nobody polls this any more', 4_400_800);
    telegram.enqueueUpdate(removed.bot.token, unread);
    // Another bot's message, queued after it, goes all the way through: the removed one is not polled.
    const marker = textUpdate('a marker through another bot', 4_400_801);
    telegram.enqueueUpdate(polled.bot.token, marker);
    await eventually(async () => (await storedCount(externalId(marker))) === 1 || undefined, 'the marker stored');
    expect(getUpdatesOf(removed.bot)).toBe(polls);
    expect(await storedCount(externalId(unread))).toBe(0);
    await eventually(() => statesOf(removed.channel.id).at(-1) === 'stopped' || undefined, 'the bot reported stopped');
  });
});
