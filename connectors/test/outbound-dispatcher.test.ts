import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, createEnvelope, streamDefinitions, type Bus } from '@switchboard/bus';
import type { BusEnvelope, InboundMessage, OutboundMessage } from '@switchboard/contracts';
import { startNatsServer, type RunningNatsServer } from '@switchboard/dev';
import { eventually, inboundMessageFixture, testLogger } from '@switchboard/testing';
import { PermanentSendError, publishInbound, startOutboundDispatcher, type Connector, type SendReceipt } from '../src/index.ts';

// The connector core on a real nats-server, with a channel that fails the way real ones do.
let dataDir: string;
let nats: RunningNatsServer;
let bus: Bus;
const tenantId = randomUUID();
const channelId = randomUUID();
const reports: BusEnvelope<'delivery.reported'>[] = [];
const attempts = new Map<string, number>();
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
  await startOutboundDispatcher({ bus, logger: testLogger(), durable: 'test-connectors', connectorFor: (id) => (id === channelId ? fakeChannel : undefined), maxAttempts: 3, retryDelayMs: () => 10 });
  await bus.consume({ stream: streamDefinitions.delivery.name, durable: 'test-delivery', types: ['delivery.reported'], handler: async (envelope) => { reports.push(envelope); } });
});

afterAll(async () => {
  await bus?.close();
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

describe('publishInbound', () => {
  it('stores the same channel message once, whatever envelope carries it', async () => {
    const message: InboundMessage = inboundMessageFixture({ channelId });
    expect(await publishInbound(bus, tenantId, message)).toEqual({ duplicate: false });
    expect(await publishInbound(bus, tenantId, message)).toEqual({ duplicate: true });
  });
});
