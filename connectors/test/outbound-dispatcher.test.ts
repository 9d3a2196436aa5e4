import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, createEnvelope, streamDefinitions, type Bus } from '@switchboard/bus';
import type { BusEnvelope, InboundMessage, OutboundMessage } from '@switchboard/contracts';
import { startNatsServer, type RunningNatsServer } from '@switchboard/dev';
import { eventually, inboundMessageFixture, startFakeTelegramServer, testLogger, type FakeTelegramBot, type FakeTelegramServer } from '@switchboard/testing';
import { PermanentSendError, publishInbound, startOutboundDispatcher, TelegramConnector, type Connector, type SendReceipt } from '../src/index.ts';

// The connector core on a real nats-server, with a channel that fails the way real ones do.
let dataDir: string;
let nats: RunningNatsServer;
let bus: Bus;
const tenantId = randomUUID();
const channelId = randomUUID();
const reports: BusEnvelope<'delivery.reported'>[] = [];
const attempts = new Map<string, number>();
// A Telegram channel through the real telegraf, against a local server speaking the Bot API.
let telegram: FakeTelegramServer;
let bot: FakeTelegramBot;
let telegramChannel: TelegramConnector;
const telegramChannelId = randomUUID();
/** How the fake channel answers each message, by its text. */
let behaviour: (message: OutboundMessage, attempt: number) => SendReceipt;

const fakeChannel: Connector = {
  channelId, tenantId, channelType: 'telegram',
  start: async () => undefined,
  send: async (message) => {
    const attempt = (attempts.get(message.messageId) ?? 0) + 1;
    attempts.set(message.messageId, attempt);
    return behaviour(message, attempt);
  },
  status: () => ({ state: 'ready' }),
  stop: async () => undefined,
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sb-conn-'));
  nats = await startNatsServer({ dataDir });
  bus = await connectBus({ servers: nats.url, name: 'connector-test', logger: testLogger() });
  telegram = await startFakeTelegramServer();
  bot = telegram.addBot();
  telegramChannel = new TelegramConnector({ channelId: telegramChannelId, tenantId, token: bot.token, apiRoot: telegram.apiRoot, mode: 'webhook', allowGroups: false, logger: testLogger() });
  await telegramChannel.start(async () => undefined);
  const channels = new Map<string, Connector>([[channelId, fakeChannel], [telegramChannelId, telegramChannel]]);
  // A 10 ms backoff: a wait the dispatcher keeps before retrying can only come from the channel.
  await startOutboundDispatcher({ bus, logger: testLogger(), durable: 'test-connectors', connectorFor: (id) => channels.get(id), maxAttempts: 3, retryDelayMs: () => 10 });
  await bus.consume({ stream: streamDefinitions.delivery.name, durable: 'test-delivery', types: ['delivery.reported'], handler: async (envelope) => { reports.push(envelope); } });
});

afterAll(async () => {
  await bus?.close();
  await telegramChannel?.stop();
  await telegram?.close();
  await nats?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

function reply(text: string): OutboundMessage {
  return { messageId: randomUUID(), conversationId: randomUUID(), channelId, channelType: 'telegram', externalChatId: '42', text, attachments: [], author: { kind: 'bot' } };
}
const sendReply = (message: OutboundMessage) => bus.publish(createEnvelope('outbound.message', tenantId, message), { channelId, msgId: `reply:${message.messageId}` });
const reportsOf = (messageId: string) => reports.filter((report) => report.data.messageId === messageId);

describe('outbound dispatcher', () => {
  it('sends through the channel and reports it sent with the channel message id', async () => {
    behaviour = () => ({ externalMessageId: 'tg-1001' });
    const message = reply('Yes, in 2 days.');
    await sendReply(message);
    const [report] = await eventually(() => (reportsOf(message.messageId).length === 1 ? reportsOf(message.messageId) : undefined), 'the delivery report');
    expect(report?.data).toMatchObject({ status: 'sent', externalMessageId: 'tg-1001', channelId });
  });

  it('retries a failing send with backoff until it goes through', async () => {
    behaviour = (_message, attempt) => {
      if (attempt < 3) throw new Error('ETIMEDOUT');
      return { externalMessageId: 'tg-1002' };
    };
    const message = reply('second');
    await sendReply(message);
    await eventually(() => reportsOf(message.messageId).length === 1, 'the report after retries');
    expect(attempts.get(message.messageId)).toBe(3);
    expect(reportsOf(message.messageId)[0]?.data.status).toBe('sent');
  });

  it('reports a send that keeps failing as failed, with the reason, after the last attempt', async () => {
    behaviour = () => { throw new Error('Telegram answered 502'); };
    const message = reply('third');
    await sendReply(message);
    await eventually(() => reportsOf(message.messageId).length === 1, 'the failure report');
    expect(reportsOf(message.messageId)[0]?.data).toMatchObject({ status: 'failed', failureReason: 'Telegram answered 502' });
    expect(attempts.get(message.messageId)).toBe(3);
  });

  it('fails a permanently refused send at once, without retrying', async () => {
    behaviour = () => { throw new PermanentSendError('bot was blocked by the user'); };
    const message = reply('fourth');
    await sendReply(message);
    await eventually(() => reportsOf(message.messageId).length === 1, 'the failure report');
    expect(attempts.get(message.messageId)).toBe(1);
    expect(reportsOf(message.messageId)[0]?.data.failureReason).toBe('bot was blocked by the user');
  });

  it('sends a reply published twice once', async () => {
    behaviour = () => ({ externalMessageId: 'tg-1005' });
    const message = reply('fifth');
    await sendReply(message);
    await sendReply(message);
    await eventually(() => reportsOf(message.messageId).length === 1, 'the report');
    const later = reply('marker');
    await sendReply(later);
    await eventually(() => reportsOf(later.messageId).length === 1, 'the marker report');
    expect(attempts.get(message.messageId)).toBe(1);
  });
});

describe("outbound dispatcher and Telegram's flood control", () => {
  const telegramReply = (chatId: string, text: string): OutboundMessage =>
    ({ messageId: randomUUID(), conversationId: randomUUID(), channelId: telegramChannelId, channelType: 'telegram', externalChatId: chatId, text, attachments: [], author: { kind: 'bot' } });
  const sendTelegram = (message: OutboundMessage) => bus.publish(createEnvelope('outbound.message', tenantId, message), { channelId: telegramChannelId, msgId: `reply:${message.messageId}` });
  const callsWith = (text: string) => telegram.callsOf('sendMessage').filter((call) => call.params['text'] === text);

  it('sends again to a chat Telegram answered 429 no sooner than its retry_after, and sends to other chats meanwhile', async () => {
    telegram.failNext('sendMessage', { status: 429, description: 'Too Many Requests: retry after 1', retryAfter: 1 });
    const limited = telegramReply('7001', 'limited');
    await sendTelegram(limited);
    const [refused] = await eventually(() => (callsWith('limited').length === 1 ? callsWith('limited') : undefined), 'the refused attempt');
    // While the chat waits: a later reply to it, and a reply to someone else.
    const later = telegramReply('7001', 'later, same chat');
    const other = telegramReply('7002', 'another chat');
    await sendTelegram(later);
    await sendTelegram(other);

    for (const message of [limited, later, other]) {
      await eventually(() => reportsOf(message.messageId).some((report) => report.data.status === 'sent') || undefined, `"${message.text}" reported sent`);
    }
    const attempts = callsWith('limited');
    expect(attempts).toHaveLength(2);
    expect((attempts[1]?.at ?? 0) - (refused?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    // The later reply to the same chat was held without asking Telegram, then sent once.
    expect(callsWith('later, same chat')).toHaveLength(1);
    expect((callsWith('later, same chat')[0]?.at ?? 0) - (refused?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    // The other chat was not held up by the wait.
    expect(callsWith('another chat')).toHaveLength(1);
    expect(callsWith('another chat')[0]?.at).toBeLessThan(attempts[1]?.at ?? 0);
  });
});

describe('publishInbound', () => {
  it('stores the same channel message once, whatever envelope carries it', async () => {
    const message: InboundMessage = inboundMessageFixture({ channelId });
    expect(await publishInbound(bus, tenantId, message)).toEqual({ duplicate: false });
    expect(await publishInbound(bus, tenantId, message)).toEqual({ duplicate: true });
  });
});
