import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InboundMessage, OutboundMessage } from '@switchboard/contracts';
import { eventually, startFakeTelegramServer, testLogger, type FakeTelegramBot, type FakeTelegramServer } from '@switchboard/testing';
import { PermanentSendError, RetryLaterError, type ConnectorStatus } from '../src/index.ts';
import { TelegramConnector, type TelegramConnectorOptions } from '../src/telegram/telegram.connector.ts';

// The real telegraf against a local server that speaks the Bot API, as Telegram's own cannot be
// reached from here.
let telegram: FakeTelegramServer;
let bot: FakeTelegramBot;
const running: TelegramConnector[] = [];

beforeAll(async () => {
  telegram = await startFakeTelegramServer();
  bot = telegram.addBot({ username: 'atlas_shop_bot' });
});

afterEach(async () => {
  for (const connector of running.splice(0)) await connector.stop();
});

afterAll(async () => {
  await telegram?.close();
});

function connector(overrides: Partial<TelegramConnectorOptions> = {}): TelegramConnector {
  const created = new TelegramConnector({
    channelId: randomUUID(),
    tenantId: randomUUID(),
    token: bot.token,
    apiRoot: telegram.apiRoot,
    mode: 'polling',
    allowGroups: false,
    logger: testLogger(),
    pollTimeoutSeconds: 5,
    retryDelayMs: 20,
    ...overrides,
  });
  running.push(created);
  return created;
}

async function polling(overrides: Partial<TelegramConnectorOptions> = {}) {
  const received: InboundMessage[] = [];
  const statuses: Array<{ status: ConnectorStatus; account: string | undefined }> = [];
  const bot = connector({ ...overrides, onStatus: (status, account) => statuses.push({ status, account }) });
  await bot.start(async (message) => { received.push(message); });
  return { bot, received, statuses };
}

const user = { id: 5551234, is_bot: false, first_name: 'Salma', last_name: 'B.', username: 'salma_b' };
const privateChat = { id: 5551234, type: 'private', first_name: 'Salma', username: 'salma_b' };
let messageId = 100;
const messageUpdate = (fields: Record<string, unknown>, chat: object = privateChat) => ({
  message: { message_id: messageId++, date: 1_767_225_600, chat, from: user, ...fields },
});

function reply(overrides: Partial<OutboundMessage>): OutboundMessage {
  return { messageId: randomUUID(), conversationId: randomUUID(), channelId: randomUUID(), channelType: 'telegram', externalChatId: String(privateChat.id), attachments: [], author: { kind: 'bot' }, ...overrides };
}

describe('Telegram connector', () => {
  it("asks getMe for the bot's @username, takes the bot off any webhook, and reports starting then ready", async () => {
    const { bot: started, statuses } = await polling();
    expect(started.account).toBe('@atlas_shop_bot');
    expect(started.status()).toEqual({ state: 'ready' });
    expect(statuses.map((entry) => entry.status.state)).toEqual(['starting', 'ready']);
    expect(statuses.at(-1)?.account).toBe('@atlas_shop_bot');
    expect(telegram.callsOf('deleteWebhook').some((call) => call.token === bot.token)).toBe(true);
  });

  it('reports failed, and does not start, when the token is refused', async () => {
    const statuses: ConnectorStatus[] = [];
    const refused = connector({ token: '123:not-a-real-token', onStatus: (status) => statuses.push(status) });
    await expect(refused.start(async () => undefined)).rejects.toThrow();
    expect(refused.status()).toMatchObject({ state: 'failed', reason: expect.stringContaining('401') });
    expect(statuses.map((status) => status.state)).toEqual(['starting', 'failed']);
  });

  it('turns polled text, photo, document and /start deep-link updates into inbound messages', async () => {
    const { bot: started, received } = await polling();
    const photo = telegram.addFile(Buffer.from('jpeg bytes'));
    const pdf = telegram.addFile(Buffer.from('%PDF-1.7'), { fileName: 'invoice.pdf' });
    const text = telegram.enqueueUpdate(bot.token, messageUpdate({ text: 'Do you ship to Rabat?' }));
    telegram.enqueueUpdate(bot.token, messageUpdate({ caption: 'this one', photo: [
      { file_id: 'small', file_unique_id: 's', width: 90, height: 90, file_size: 10 },
      { file_id: photo.fileId, file_unique_id: photo.fileUniqueId, width: 800, height: 800, file_size: photo.size },
    ] }));
    telegram.enqueueUpdate(bot.token, messageUpdate({ document: { file_id: pdf.fileId, file_unique_id: pdf.fileUniqueId, file_name: 'invoice.pdf', mime_type: 'application/pdf', file_size: pdf.size } }));
    telegram.enqueueUpdate(bot.token, messageUpdate({ text: '/start summer_sale-24' }));
    await eventually(() => received.length >= 4 || undefined, 'four inbound messages');

    const [first, second, third, fourth] = received;
    expect(first).toEqual({
      channelId: started.channelId,
      channelType: 'telegram',
      externalMessageId: `${privateChat.id}:${(text['message'] as { message_id: number }).message_id}`,
      externalChatId: String(privateChat.id),
      contact: { externalId: String(privateChat.id), name: 'Salma B.', username: 'salma_b' },
      text: 'Do you ship to Rabat?',
      attachments: [],
      isGroup: false,
      sentAt: '2026-01-01T00:00:00.000Z',
    });
    expect(second?.text).toBe('this one');
    expect(second?.attachments).toEqual([{ kind: 'image', mimeType: 'image/jpeg', url: `telegram-file:${photo.fileId}`, sizeBytes: photo.size }]);
    expect(third?.attachments).toEqual([{ kind: 'document', mimeType: 'application/pdf', url: `telegram-file:${pdf.fileId}`, fileName: 'invoice.pdf', sizeBytes: pdf.size }]);
    expect(fourth?.visit).toEqual({ campaign: 'summer_sale-24' });
    // The stored reference carries no bot token; the file is fetched through getFile when needed.
    expect(JSON.stringify(received)).not.toContain(bot.token);
    expect((await started.download({ url: `telegram-file:${pdf.fileId}` })).toString()).toBe('%PDF-1.7');
  });

  it('takes group messages only when the channel allows groups, and never other bots', async () => {
    const group = { id: -100200300, type: 'supergroup', title: 'Atlas buyers' };
    const closed = await polling({ allowGroups: false });
    telegram.enqueueUpdate(bot.token, messageUpdate({ text: 'group hello' }, group));
    telegram.enqueueUpdate(bot.token, { message: { message_id: messageId++, date: 1_767_225_600, chat: privateChat, from: { id: 9, is_bot: true, first_name: 'Other bot' }, text: 'spam' } });
    telegram.enqueueUpdate(bot.token, messageUpdate({ text: 'private marker' }));
    await eventually(() => closed.received.some((message) => message.text === 'private marker') || undefined, 'the private message');
    expect(closed.received.map((message) => message.text)).toEqual(['private marker']);
    await closed.bot.stop();

    const open = await polling({ allowGroups: true });
    telegram.enqueueUpdate(bot.token, messageUpdate({ text: 'group hello again' }, group));
    const [inGroup] = await eventually(() => (open.received.length > 0 ? open.received : undefined), 'the group message');
    expect(inGroup).toMatchObject({ isGroup: true, externalChatId: '-100200300', contact: { externalId: '-100200300', name: 'Atlas buyers' }, text: 'group hello again' });
  });

  it('fetches an update again when handing it to the bus failed, so it is delivered with the same id', async () => {
    const seen: InboundMessage[] = [];
    let refuse = true;
    const flaky = connector();
    await flaky.start(async (message) => {
      seen.push(message);
      if (refuse) {
        refuse = false;
        throw new Error('bus unavailable');
      }
    });
    telegram.enqueueUpdate(bot.token, messageUpdate({ text: 'are you open today?' }));
    await eventually(() => seen.length >= 2 || undefined, 'the second hand-off');
    expect(seen[1]?.externalMessageId).toBe(seen[0]?.externalMessageId);
  });

  it('sends text with reply-to, a photo by URL (uploaded as multipart) and a received file back by id', async () => {
    const webhookBot = telegram.addBot();
    const sender = connector({ mode: 'webhook', token: webhookBot.token });
    await sender.start(async () => undefined);
    const textReceipt = await sender.send(reply({ text: 'Yes, in 2 days.', replyToExternalId: `${privateChat.id}:77` }));
    const [textCall] = telegram.callsOf('sendMessage').slice(-1);
    expect(textCall?.params).toMatchObject({ chat_id: String(privateChat.id), text: 'Yes, in 2 days.', reply_parameters: { message_id: 77 } });
    expect(textReceipt.externalMessageId).toMatch(new RegExp(`^${privateChat.id}:\\d+$`));

    const stored = telegram.addFile(Buffer.from('PNGDATA'), { fileName: 'menu.png' });
    // A URL telegraf fetches itself and uploads, as for a file in our own media store.
    const fileUrl = `${telegram.apiRoot}/file/bot${bot.token}/${await pathOf(stored.fileId)}`;
    await sender.send(reply({ text: 'Our menu', attachments: [{ kind: 'image', mimeType: 'image/png', url: fileUrl, fileName: 'menu.png' }] }));
    const [photoCall] = telegram.callsOf('sendPhoto').slice(-1);
    expect(photoCall?.files['photo']).toMatchObject({ fileName: 'menu.png' });
    expect(photoCall?.files['photo']?.content.toString()).toBe('PNGDATA');
    expect(photoCall?.params['caption']).toBe('Our menu');

    await sender.send(reply({ attachments: [{ kind: 'document', mimeType: 'application/pdf', url: `telegram-file:${stored.fileId}` }] }));
    const [documentCall] = telegram.callsOf('sendDocument').slice(-1);
    expect(documentCall?.params['document']).toBe(stored.fileId);
    // A webhook-mode bot only sends: it never polls.
    expect(telegram.callsOf('getUpdates').filter((call) => call.token === webhookBot.token)).toEqual([]);
    expect(telegram.callsOf('sendDocument').at(-1)?.token).toBe(webhookBot.token);
  });

  it('maps a blocked chat and a missing chat to permanent failures, and leaves 5xx to the retries', async () => {
    const sender = connector({ mode: 'webhook' });
    await sender.start(async () => undefined);
    telegram.failNext('sendMessage', { status: 403, description: 'Forbidden: bot was blocked by the user' });
    await expect(sender.send(reply({ text: 'hello' }))).rejects.toThrow(PermanentSendError);
    telegram.failNext('sendMessage', { status: 400, description: 'Bad Request: chat not found' });
    await expect(sender.send(reply({ text: 'hello' }))).rejects.toThrow(/chat not found/);
    telegram.failNext('sendMessage', { status: 502, description: 'Bad Gateway' });
    const down = await sender.send(reply({ text: 'hello' })).catch((error: unknown) => error);
    expect(down).not.toBeInstanceOf(PermanentSendError);
    await expect(sender.send(reply({ text: 'hello' }))).resolves.toMatchObject({ externalMessageId: expect.any(String) });
  });

  it("answers Telegram's 429 with the wait it asked for, and holds later replies to that chat without asking Telegram, but not other chats'", async () => {
    const sender = connector({ mode: 'webhook' });
    await sender.start(async () => undefined);
    telegram.failNext('sendMessage', { status: 429, description: 'Too Many Requests: retry after 7', retryAfter: 7 });
    const limited = await sender.send(reply({ text: 'first' })).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(RetryLaterError);
    expect(limited).toMatchObject({ retryAfterMs: 7000, message: expect.stringContaining('429') });

    const calls = telegram.callsOf('sendMessage').length;
    const held = await sender.send(reply({ text: 'second' })).catch((error: unknown) => error);
    expect(held).toBeInstanceOf(RetryLaterError);
    expect((held as RetryLaterError).retryAfterMs).toBeGreaterThan(5000);
    expect((held as RetryLaterError).retryAfterMs).toBeLessThanOrEqual(7000);
    expect(telegram.callsOf('sendMessage')).toHaveLength(calls);

    await expect(sender.send(reply({ text: 'to someone else', externalChatId: '5559999' }))).resolves.toMatchObject({ externalMessageId: expect.stringMatching(/^5559999:/) });
    expect(telegram.callsOf('sendMessage')).toHaveLength(calls + 1);
  });
});

/** The download path of a stored file, asked the way telegraf asks: getFile. */
async function pathOf(fileId: string): Promise<string> {
  const answer = await fetch(`${telegram.apiRoot}/bot${bot.token}/getFile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ file_id: fileId }) });
  const { result } = await answer.json() as { result: { file_path: string } };
  return result.file_path;
}
