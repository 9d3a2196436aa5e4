import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectBus, createEnvelope, type Bus } from '@switchboard/bus';
import { CONVERSATION_PARTITIONS, ConversationCommandReply, ConversationCommandRequest, conversationPartition, subjects } from '@switchboard/contracts';
import { openDatabase, type Orm } from '@switchboard/db';
import { createDatabase, dropDatabase, startNatsServer, type RunningNatsServer } from '@switchboard/dev';
import { deriveKeys } from '@switchboard/security';
import { eventually, inboundMessageFixture, testLogger, testSecretKey } from '@switchboard/testing';
import { defaultResponderSettings, mergeAiSettings, startAiActor } from '../src/index.ts';
import { startInboundPipeline, type InboundPipeline } from '../src/conversation/inbound-pipeline.ts';

// Conversations partitioned across runners (ARCHITECTURE.md: one owner per conversation at a
// time), on a real nats-server and PostgreSQL: two runners split the partitions, each
// conversation lives in the runner owning its partition only, agents' commands reach that
// runner, and a runner that leaves hands its partitions to the other.
const adminUrl = inject('databaseUrl');
const databaseName = `sb_parts_${randomUUID().replaceAll('-', '')}`;
const tenantId = randomUUID();
const channelId = randomUUID();
const settings = { handoffKeywords: [], agentInactivityMs: 600_000, handoffMessage: 'Connecting you with our team.', fallbackMessage: 'Sorry.' };
const lease = { ttlMs: 1_500, tickMs: 100 };
let dataDir: string;
let nats: RunningNatsServer;
let bus: Bus;
let orm: Orm;
let admin: pg.Client;
const runners: InboundPipeline[] = [];

const start = async (node: string) => {
  const runner = await startInboundPipeline({
    bus, orm, logger: testLogger(), node, partitionLease: lease, sweepIntervalMs: 0,
    settingsFor: async () => ({ conversation: settings, responder: defaultResponderSettings, ai: mergeAiSettings({}) }),
  });
  runners.push(runner);
  return runner;
};
const keyOf = (chat: string) => JSON.stringify([tenantId, channelId, chat]);
const send = (chat: string, text: string) => {
  const message = inboundMessageFixture({ channelId, externalChatId: chat, contact: { externalId: chat }, text });
  return bus.publish(createEnvelope('inbound.message', tenantId, message), { channelId, msgId: `${channelId}:${message.externalMessageId}` });
};
const stored = async (chat: string) => Number((await admin.query<{ n: string }>(
  `select count(*) as n from messages m join conversations c on c.id = m.conversation_id where c.external_chat_id = $1`, [chat])).rows[0]?.n ?? 0);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sb-parts-'));
  nats = await startNatsServer({ dataDir });
  bus = await connectBus({ servers: nats.url, name: 'partitions-test', logger: testLogger() });
  const ownerUrl = await createDatabase(adminUrl, databaseName);
  ({ orm } = await openDatabase({ databaseUrl: ownerUrl, appRolePassword: deriveKeys(testSecretKey).databaseAppPassword, logger: testLogger() }));
  admin = new pg.Client({ connectionString: ownerUrl });
  await admin.connect();
  await admin.query(`insert into tenants (id, name, slug) values ($1, 'Atlas Tea', $2)`, [tenantId, `atlas-${tenantId.slice(0, 8)}`]);
  await admin.query(`insert into channels (id, tenant_id, type, name) values ($1, $2, 'whatsapp', 'WhatsApp')`, [channelId, tenantId]);
  startAiActor(bus, async () => defaultResponderSettings);
});

afterAll(async () => {
  for (const runner of runners) await runner.stop().catch(() => undefined);
  await bus?.close();
  await admin?.end();
  await orm?.close();
  await nats?.stop();
  await dropDatabase(adminUrl, databaseName);
  await rm(dataDir, { recursive: true, force: true });
});

describe('conversation partitions across runners', () => {
  it('splits the partitions between two runners, and hosts each conversation in its owner only', async () => {
    const first = await start('runner-a');
    expect(first.partitions()).toHaveLength(CONVERSATION_PARTITIONS);
    const second = await start('runner-b');
    // The first gives half back once it sees the second; the second takes them.
    await eventually(() => first.partitions().length === CONVERSATION_PARTITIONS / 2 && second.partitions().length === CONVERSATION_PARTITIONS / 2, 'an even split');
    expect(new Set([...first.partitions(), ...second.partitions()]).size).toBe(CONVERSATION_PARTITIONS);

    const chats = Array.from({ length: 24 }, (_, index) => `visitor-split-${index}`);
    for (const chat of chats) await send(chat, 'hello');
    for (const chat of chats) await eventually(async () => (await stored(chat)) === 2, `${chat} answered`);
    for (const chat of chats) {
      const owner = first.partitions().includes(conversationPartition(channelId, chat)) ? first : second;
      const other = owner === first ? second : first;
      expect(owner.host.isLive(keyOf(chat)), chat).toBe(true);
      expect(other.host.isLive(keyOf(chat)), chat).toBe(false);
    }
    // Both runners did some of the work.
    expect(chats.some((chat) => first.host.isLive(keyOf(chat)))).toBe(true);
    expect(chats.some((chat) => second.host.isLive(keyOf(chat)))).toBe(true);

    // An agent's command reaches the runner owning the conversation, whichever it is.
    for (const chat of chats.slice(0, 6)) {
      const [conversation] = (await admin.query<{ id: string }>('select id from conversations where external_chat_id = $1', [chat])).rows;
      const reply = await bus.request(subjects.conversationCommands(tenantId, conversationPartition(channelId, chat)), { request: ConversationCommandRequest, response: ConversationCommandReply },
        { type: 'close', conversationId: conversation?.id ?? '', agentId: randomUUID() }, { timeoutMs: 5_000 });
      expect(reply.conversation.status).toBe('closed');
    }

    // The second runner leaves: the first takes every partition and goes on with its conversations.
    const leaving = second.partitions();
    await second.stop();
    runners.splice(runners.indexOf(second), 1);
    await eventually(() => first.partitions().length === CONVERSATION_PARTITIONS, 'every partition back with the first runner');
    const moved = chats.filter((chat) => leaving.includes(conversationPartition(channelId, chat)) && !chats.slice(0, 6).includes(chat));
    expect(moved.length).toBeGreaterThan(0);
    for (const chat of moved) await send(chat, 'still there?');
    for (const chat of moved) await eventually(async () => (await stored(chat)) === 4, `${chat} answered by the runner that took it over`);
  });
});
