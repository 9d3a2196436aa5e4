import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectBus, createEnvelope, streamDefinitions, type Bus } from '@switchboard/bus';
import { subjects, type BusEnvelope, type InboundMessage } from '@switchboard/contracts';
import { openDatabase, type Orm } from '@switchboard/db';
import { createDatabase, dropDatabase, startNatsServer, type RunningNatsServer } from '@switchboard/dev';
import { deriveKeys } from '@switchboard/security';
import { eventually, inboundMessageFixture, testLogger, testSecretKey } from '@switchboard/testing';
import { defaultResponderSettings, mergeAiSettings, startAiActor } from '../src/index.ts';
import { startInboundPipeline } from '../src/conversation/inbound-pipeline.ts';
import { startDeliveryPipeline } from '../src/conversation/delivery-pipeline.ts';

// The runner's message path on a real nats-server and PostgreSQL: inbound on SB_INBOUND, rows
// and snapshot in one transaction, replies on SB_OUTBOUND, facts on SB_EVENTS.
const adminUrl = inject('databaseUrl');
const databaseName = `sb_pipe_${randomUUID().replaceAll('-', '')}`;
const tenantId = randomUUID();
const channelId = randomUUID();
const settings = { handoffKeywords: [], agentInactivityMs: 600_000, handoffMessage: 'Connecting you with our team.', fallbackMessage: 'Sorry.' };
let dataDir: string;
let nats: RunningNatsServer;
let bus: Bus;
let orm: Orm;
let admin: pg.Client;
let pipeline: Awaited<ReturnType<typeof startInboundPipeline>>;
const outbound: BusEnvelope<'outbound.message'>[] = [];
const events: BusEnvelope[] = [];

async function startPipeline() {
  return startInboundPipeline({ bus, orm, logger: testLogger(), settingsFor: async () => ({ conversation: settings, responder: defaultResponderSettings, ai: mergeAiSettings({}) }) });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sb-pipe-'));
  nats = await startNatsServer({ dataDir });
  bus = await connectBus({ servers: nats.url, name: 'pipeline-test', logger: testLogger() });
  const ownerUrl = await createDatabase(adminUrl, databaseName);
  ({ orm } = await openDatabase({ databaseUrl: ownerUrl, appRolePassword: deriveKeys(testSecretKey).databaseAppPassword, logger: testLogger() }));
  admin = new pg.Client({ connectionString: ownerUrl });
  await admin.connect();
  await admin.query(`insert into tenants (id, name, slug) values ($1, 'Atlas Tea', $2)`, [tenantId, `atlas-${tenantId.slice(0, 8)}`]);
  // A WhatsApp channel: its replies go to SB_OUTBOUND for the connector (the widget's go to the hub).
  await admin.query(`insert into channels (id, tenant_id, type, name) values ($1, $2, 'whatsapp', 'WhatsApp')`, [channelId, tenantId]);
  startAiActor(bus, async () => ({ ...defaultResponderSettings, faq: [{ question: 'Do you ship to Casablanca?', answer: 'Yes, in 2 days.', keywords: ['shipping'] }] }));
  await bus.consume({ stream: streamDefinitions.outbound.name, durable: 'test-outbound', types: ['outbound.message'], handler: async (envelope) => { outbound.push(envelope); } });
  await bus.consume({
    stream: streamDefinitions.events.name, durable: 'test-events',
    types: ['message.created', 'conversation.created', 'conversation.updated', 'handoff.requested', 'conversation.assigned', 'conversation.released', 'conversation.closed', 'message.updated'],
    handler: async (envelope) => { events.push(envelope); },
  });
  pipeline = await startPipeline();
  await startDeliveryPipeline(bus, orm);
});

afterAll(async () => {
  await pipeline?.stop();
  await bus?.close();
  await admin?.end();
  await orm?.close();
  await nats?.stop();
  await dropDatabase(adminUrl, databaseName);
  await rm(dataDir, { recursive: true, force: true });
});

const send = (message: InboundMessage, msgId = `${message.channelId}:${message.externalMessageId}`) =>
  bus.publish(createEnvelope('inbound.message', tenantId, message), { channelId: message.channelId, msgId });
const rows = async (externalChatId: string) =>
  (await admin.query<{ author_kind: string; text: string }>(
    `select m.author_kind, m.text from messages m join conversations c on c.id = m.conversation_id where c.external_chat_id = $1 order by m.created_at, m.id`,
    [externalChatId],
  )).rows;

describe('inbound pipeline', () => {
  it('stores the message, answers it through the AI actor and sends the reply to the channel', async () => {
    const chat = `visitor-${randomUUID()}`;
    await send(inboundMessageFixture({ channelId, externalChatId: chat, contact: { externalId: chat, name: 'Salma' }, text: 'shipping to Casablanca?' }));
    const reply = await eventually(() => outbound.find((envelope) => envelope.data.externalChatId === chat), 'the bot reply on SB_OUTBOUND');
    expect(reply.data).toMatchObject({ channelId, channelType: 'whatsapp', text: 'Hello! How can I help you today?\n\nYes, in 2 days.', author: { kind: 'bot' } });
    expect(await rows(chat)).toEqual([{ author_kind: 'customer', text: 'shipping to Casablanca?' }, { author_kind: 'bot', text: reply.data.text }]);
    const created = events.filter((event) => event.type === 'message.created' && event.data.message.conversationId === reply.data.conversationId);
    expect(created).toHaveLength(2);
  });

  it('stores a message the channel delivered twice once, and answers it once', async () => {
    const chat = `visitor-${randomUUID()}`;
    const message = inboundMessageFixture({ channelId, externalChatId: chat, contact: { externalId: chat }, text: 'hello' });
    await send(message, `first-${message.externalMessageId}`);
    await eventually(() => outbound.some((envelope) => envelope.data.externalChatId === chat), 'the first answer');
    // A reconnect replay past the JetStream dedupe window: a new Nats-Msg-Id, the same channel id.
    await send(message, `replay-${message.externalMessageId}`);
    const marker = inboundMessageFixture({ channelId, externalChatId: chat, contact: { externalId: chat }, text: 'talk to a human' });
    await send(marker);
    await eventually(async () => (await rows(chat)).length === 4, 'the marker message and its handoff reply');
    expect((await rows(chat)).map((row) => row.author_kind)).toEqual(['customer', 'bot', 'customer', 'bot']);
    await eventually(() => outbound.filter((envelope) => envelope.data.externalChatId === chat).length === 2, 'the handoff reply on SB_OUTBOUND');
    expect(outbound.filter((envelope) => envelope.data.externalChatId === chat)).toHaveLength(2);
  });

  it('hands off on request and keeps the bot silent while waiting for a person', async () => {
    const chat = `visitor-${randomUUID()}`;
    await send(inboundMessageFixture({ channelId, externalChatId: chat, contact: { externalId: chat }, text: 'أريد التحدث مع موظف' }));
    const reply = await eventually(() => outbound.find((envelope) => envelope.data.externalChatId === chat), 'the handoff reply');
    const handoff = await eventually(
      () => events.find((event) => event.type === 'handoff.requested' && event.data.conversation.id === reply.data.conversationId),
      'handoff.requested',
    );
    expect(handoff.data).toMatchObject({ reason: 'customer_request', conversation: { status: 'awaiting_agent' } });
    await send(inboundMessageFixture({ channelId, externalChatId: chat, contact: { externalId: chat }, text: 'hello?' }));
    await eventually(async () => (await rows(chat)).length === 3, 'the second customer message');
    expect((await rows(chat)).map((row) => row.author_kind)).toEqual(['customer', 'bot', 'customer']);
    const { rows: [conversation] } = await admin.query<{ status: string }>('select status from conversations where external_chat_id = $1', [chat]);
    expect(conversation?.status).toBe('awaiting_agent');
  });

  it('resumes a conversation from its stored snapshot after the runner restarts', async () => {
    const chat = `visitor-${randomUUID()}`;
    await send(inboundMessageFixture({ channelId, externalChatId: chat, contact: { externalId: chat }, text: 'talk to a human please' }));
    await eventually(async () => (await rows(chat)).length === 2, 'the handoff reply');
    await pipeline.stop();
    pipeline = await startPipeline();
    await send(inboundMessageFixture({ channelId, externalChatId: chat, contact: { externalId: chat }, text: 'still there?' }));
    await eventually(async () => (await rows(chat)).length === 3, 'the message after the restart');
    // Woken in awaiting_agent from its snapshot: the bot does not answer.
    expect((await rows(chat)).map((row) => row.author_kind)).toEqual(['customer', 'bot', 'customer']);
  });

  it("applies a connector's delivery reports to the reply, never backwards", async () => {
    const chat = `visitor-${randomUUID()}`;
    await send(inboundMessageFixture({ channelId, externalChatId: chat, contact: { externalId: chat }, text: 'hello' }));
    const reply = await eventually(() => outbound.find((envelope) => envelope.data.externalChatId === chat), 'the reply');
    const report = (status: 'sent' | 'read' | 'delivered') =>
      bus.publish(createEnvelope('delivery.reported', tenantId, { messageId: reply.data.messageId, channelId, status, at: new Date().toISOString() }), { channelId });
    await report('sent');
    await report('read');
    await report('delivered'); // late, out of order
    const statusOf = async () => (await admin.query<{ status: string }>('select status from messages where id = $1', [reply.data.messageId])).rows[0]?.status;
    await eventually(async () => (await statusOf()) === 'read', 'the read status');
    await eventually(() => events.some((event) => event.type === 'message.updated' && event.data.message.id === reply.data.messageId && event.data.message.status === 'read'), 'message.updated');
    await eventually(async () => {
      const info = await bus.jsm.consumers.info(streamDefinitions.delivery.name, 'runner-delivery');
      return info.num_pending === 0 && info.num_ack_pending === 0;
    }, 'every report to be handled');
    expect(await statusOf()).toBe('read');
  });

  it('tells the bot which files a message without text carried, rather than an empty question', async () => {
    const asked: string[] = [];
    const watcher = bus.nc.subscribe(subjects.all.requests('ai'), {
      callback: (_error, message) => {
        asked.push((JSON.parse(new TextDecoder().decode(message.data)) as { text: string }).text);
      },
    });
    const chat = `visitor-${randomUUID()}`;
    const { text: _none, ...withoutText } = inboundMessageFixture({ channelId, externalChatId: chat, contact: { externalId: chat } });
    await send({ ...withoutText, attachments: [{ kind: 'image', mimeType: 'image/jpeg', fileName: 'parcel.jpg', url: 'media:00000000-0000-4000-8000-000000000001' }] });
    await eventually(async () => (await rows(chat)).length === 2, 'the answer to the photo');
    watcher.unsubscribe();
    expect(asked).toContain('[the customer sent a photo: parcel.jpg]');
  });

  it('keeps subjects per tenant: the reply goes to this tenant and channel only', () => {
    expect(outbound.every((envelope) => envelope.tenantId === tenantId)).toBe(true);
    expect(subjects.outbound(tenantId, channelId)).toContain(tenantId);
  });
});
