import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from 'vitest';
import { connectBus, createEnvelope, streamDefinitions, type Bus } from '@switchboard/bus';
import { openDatabase, type Orm } from '@switchboard/db';
import { createDatabase, dropDatabase, startNatsServer, type RunningNatsServer } from '@switchboard/dev';
import { deriveKeys } from '@switchboard/security';
import { eventually, inboundMessageFixture, testLogger, testSecretKey } from '@switchboard/testing';

// `kill -9` of the runner in the middle of a stream of customer messages: the real runner
// process (`npm run start:runner`), killed and started again on the same NATS and PostgreSQL.
// Nothing may be lost, and no bot reply may go to the channel twice.
const root = resolve(import.meta.dirname, '../../..');
const adminUrl = inject('databaseUrl');
const databaseName = `sb_crash_${randomUUID().replaceAll('-', '')}`;
const tenantId = randomUUID();
const chats = Array.from({ length: 20 }, (_, index) => `visitor-crash-${index}`);
const perChat = 10;
let dataDir: string;
let nats: RunningNatsServer;
let bus: Bus;
let orm: Orm;
let ownerUrl: string;
let admin: pg.Client;
let channelId: string;
const runners = new Set<ChildProcess>();
/** The runners' last log lines, printed when the test fails: a silent runner must say why. */
const runnerLog: string[] = [];
/** Every outbound envelope the channel's connector would receive, by message id. */
const sentToChannel = new Map<string, number>();

function startRunner(): ChildProcess {
  const child = spawn(process.execPath, ['ops/cli/bin/switchboard.mjs', 'runner'], {
    cwd: root,
    env: { ...process.env, NATS_URL: nats.url, DATABASE_URL: ownerUrl, CHROMA_URL: inject('chromaUrl'), SECRET_KEY: testSecretKey, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Both pipes are read to the end: a pipe nobody reads fills up and blocks the runner.
  const keep = (chunk: Buffer) => {
    runnerLog.push(...chunk.toString().split('\n').filter((line) => line !== '').map((line) => `[runner ${child.pid}] ${line.slice(0, 500)}`));
    runnerLog.splice(0, Math.max(0, runnerLog.length - 200));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  runners.add(child);
  child.once('exit', () => runners.delete(child));
  return child;
}

const count = async (sql: string) => Number((await admin.query<{ n: string }>(sql, [tenantId])).rows[0]?.n ?? 0);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sb-crash-'));
  nats = await startNatsServer({ dataDir });
  bus = await connectBus({ servers: nats.url, name: 'crash-test', logger: testLogger() });
  ownerUrl = await createDatabase(adminUrl, databaseName);
  ({ orm } = await openDatabase({ databaseUrl: ownerUrl, appRolePassword: deriveKeys(testSecretKey).databaseAppPassword, logger: testLogger() }));
  admin = new pg.Client({ connectionString: ownerUrl });
  await admin.connect();
  await admin.query(`insert into tenants (id, name, slug) values ($1, 'Crash Tea', $2)`, [tenantId, `crash-${tenantId.slice(0, 8)}`]);
  // A WhatsApp channel, so every reply goes to SB_OUTBOUND for a connector, where this test counts it.
  channelId = (await admin.query<{ id: string }>(`insert into channels (tenant_id, type, name) values ($1, 'whatsapp', 'WhatsApp') returning id`, [tenantId])).rows[0]?.id ?? '';
  await bus.consume({
    stream: streamDefinitions.outbound.name,
    durable: 'crash-test-channel',
    types: ['outbound.message'],
    handler: async (envelope) => {
      sentToChannel.set(envelope.data.messageId, (sentToChannel.get(envelope.data.messageId) ?? 0) + 1);
    },
  });
});

afterAll(async () => {
  for (const child of runners) child.kill('SIGKILL');
  await bus?.close();
  await admin?.end();
  await orm?.close();
  await nats?.stop();
  await dropDatabase(adminUrl, databaseName);
  await rm(dataDir, { recursive: true, force: true });
});

describe('a runner killed with kill -9 mid-stream', () => {
  it('loses no customer message and sends no bot reply twice once it is started again', { timeout: 240_000 }, async () => {
    onTestFailed(() => console.error(`the runners' last log lines:\n${runnerLog.join('\n')}`));
    const first = startRunner();
    // Every chat writes its messages in order, all chats at once, as fast as JetStream takes them.
    const publishing = Promise.all(chats.map(async (chat) => {
      for (let index = 0; index < perChat; index += 1) {
        const message = inboundMessageFixture({ channelId, externalChatId: chat, contact: { externalId: chat }, externalMessageId: `${chat}-${index}`, text: `question number ${index} about tea` });
        await bus.publish(createEnvelope('inbound.message', tenantId, message), { channelId, msgId: `in:${channelId}:${message.externalMessageId}` });
      }
    }));
    // Let the runner get part of the way, then kill it without warning.
    await eventually(async () => (await count(`select count(*) as n from messages where tenant_id = $1 and author_kind = 'bot'`)) >= 30, 'the first runner to answer some messages', { timeoutMs: 60_000 });
    first.kill('SIGKILL');
    await new Promise((resolveExit) => first.once('exit', resolveExit));
    const answeredBeforeCrash = await count(`select count(*) as n from messages where tenant_id = $1 and author_kind = 'bot'`);
    await publishing;
    expect(answeredBeforeCrash).toBeLessThan(chats.length * perChat);

    startRunner();
    const total = chats.length * perChat;
    await eventually(async () => (await count(`select count(*) as n from messages where tenant_id = $1 and author_kind = 'customer'`)) === total, 'every customer message stored', { timeoutMs: 90_000 });
    // A customer who writes again before the bot answered gets one answer to the latest message
    // (the machine drops a superseded question), so what must hold is: every chat's last
    // message is answered, and no message is answered twice.
    const lastAnswered = `select count(*) as n from messages where tenant_id = $1 and author_kind = 'bot' and external_id like 'bot:%-${perChat - 1}'`;
    await eventually(async () => (await count(lastAnswered)) === chats.length, "an answer to every chat's last message", { timeoutMs: 90_000 });
    // Quiet: the runner's partition consumers have nothing left, and no answer is in flight.
    await eventually(async () => {
      const consumers = await bus.jsm.consumers.list(streamDefinitions.inbound.name).next();
      const partitions = consumers.filter((info) => info.name.startsWith('runner-p'));
      const answering = await count(`select count(*) as n from conversations where tenant_id = $1 and snapshot -> 'value' ->> 'bot' = 'answering'`);
      return partitions.length > 0 && partitions.every((info) => info.num_pending === 0 && info.num_ack_pending === 0) && answering === 0;
    }, 'the runner to finish', { timeoutMs: 60_000 });
    const replies = (await admin.query<{ id: string }>(`select id from messages where tenant_id = $1 and author_kind = 'bot'`, [tenantId])).rows.map((row) => row.id);
    await eventually(() => replies.every((id) => sentToChannel.has(id)), 'every reply on its way to the channel', { timeoutMs: 30_000 });
    expect(await count(`select count(distinct external_id) as n from messages where tenant_id = $1 and author_kind = 'bot'`)).toBe(replies.length);
    expect([...sentToChannel.values()].every((times) => times === 1)).toBe(true);
    expect(new Set(sentToChannel.keys())).toEqual(new Set(replies));
    // Every conversation is in a state it can go on from: the bot, idle.
    const states = (await admin.query<{ status: string; step: string | null }>(`select status, snapshot -> 'value' ->> 'bot' as step from conversations where tenant_id = $1`, [tenantId])).rows;
    expect(states).toHaveLength(chats.length);
    expect(states.every((state) => state.status === 'bot' && state.step === 'idle')).toBe(true);
  });
});
