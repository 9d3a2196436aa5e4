import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { connectBus, createEnvelope } from '@switchboard/bus';
import { normaliseTelegramUpdate, type AuthenticatedSession, type ChannelView } from '@switchboard/contracts';
import { openDatabase } from '@switchboard/db';
import { createDatabase, startNatsServer, startPostgres } from '@switchboard/dev';
import { build } from '@switchboard/hub';
import { createMailer } from '@switchboard/mail';
import { deriveKeys } from '@switchboard/security';
import { startFakeTelegramServer } from '@switchboard/testing';
import { measure, printComparison } from './measure.ts';

const unlimited = { limit: 1_000_000_000, windowMs: 60_000 };
/** Telegram's default `max_connections` for a webhook: how many calls it has in flight at once. */
const telegramInFlight = 40;

/** Runs `count` tasks with at most `inFlight` outstanding at once. */
async function pipeline(count: number, inFlight: number, task: (index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < count) await task(next++);
  }));
}

/**
 * Telegram ingestion: updates/second from Telegram's webhook call (the real hub: secret checked,
 * body validated, normalised, published and acked on `SB_INBOUND`) against raw JetStream
 * publishes of the same envelope on the same nats-server, all with Telegram's 40 calls in
 * flight. The hub answers only after JetStream acked, so the last answer marks the last update
 * on the bus. Measured twice: through `inject` (the hub's own cost) and over HTTP, where the
 * HTTP client runs in this process and takes its share of the same CPU. Own nats-server and
 * PostgreSQL; a few seconds at scale 1.
 */
export async function benchTelegramIngest(scale: number): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sb-bench-tg-'));
  const logger = pino({ level: 'silent' });
  const cleanup: Array<() => Promise<unknown>> = [() => rm(dataDir, { recursive: true, force: true })];
  try {
    const [nats, postgres] = await Promise.all([startNatsServer({ dataDir }), startPostgres({ dataDir, ephemeral: true })]);
    cleanup.unshift(() => nats.stop(), () => postgres.stop());
    const telegram = await startFakeTelegramServer();
    cleanup.unshift(() => telegram.close());
    const secretKey = randomBytes(32).toString('hex');
    const databaseUrl = await createDatabase(postgres.url, 'sb_bench_tg');
    const { orm } = await openDatabase({ databaseUrl, appRolePassword: deriveKeys(secretKey).databaseAppPassword, logger });
    cleanup.unshift(() => orm.close());
    const bus = await connectBus({ servers: nats.url, name: 'bench-telegram', logger });
    cleanup.unshift(() => bus.close());
    const mailer = createMailer({ from: 'Bench <bench@localhost>', outboxDir: join(dataDir, 'mail'), logger });
    cleanup.unshift(() => mailer.close());
    const publicName = 'http://switchboard.bench';
    const app = await build({
      // No knowledge base in this bench: an address nothing listens on.
      logger, infrastructure: { bus, orm, chromaUrl: 'http://127.0.0.1:9' }, probes: [], publicUrl: publicName, secretKey, mailer,
      apiPerIpLimit: unlimited, apiPerTenantLimit: unlimited, telegramApiRoot: telegram.apiRoot, webhookBaseUrl: publicName,
    });
    cleanup.unshift(() => app.close());
    const hubUrl = await app.listen({ port: 0, host: '127.0.0.1' });

    const signup = await app.inject({ method: 'POST', url: '/api/v1/auth/signup', payload: { tenantName: 'Bench shop', name: 'Bench owner', email: `bench-${randomUUID().slice(0, 8)}@example.test`, password: 'correct horse battery staple' } });
    const session = signup.json<AuthenticatedSession>();
    const bot = telegram.addBot();
    const added = await app.inject({ method: 'POST', url: '/api/v1/channels', headers: { authorization: `Bearer ${session.accessToken}` }, payload: { type: 'telegram', name: 'Bench bot', token: bot.token, mode: 'webhook' } });
    const channel = added.json<ChannelView>();
    const webhook = telegram.webhookOf(bot.token);
    if (added.statusCode !== 201 || !webhook?.secretToken) throw new Error(`could not add the bench's Telegram channel: ${added.statusCode} ${added.body}`);
    const url = webhook.url.replace(publicName, hubUrl);
    const update = (index: number) => ({
      update_id: index,
      message: { message_id: index, date: Math.floor(Date.now() / 1000), chat: { id: 1_000_000 + (index % 500), type: 'private' }, from: { id: 1_000_000 + (index % 500), is_bot: false, first_name: 'Bench' }, text: 'Hello, do you ship to Casablanca, and how long does it take?' },
    });

    const count = 2_000 * scale;
    const raw = await connect({ servers: nats.url, name: 'bench-telegram-raw' });
    cleanup.unshift(() => raw.close());
    const jsm = await jetstreamManager(raw);
    await jsm.streams.add({ name: 'RAW_TG', subjects: ['rawtg.>'] });
    const js = jetstream(raw);
    const first = normaliseTelegramUpdate(update(0), { channelId: channel.id, allowGroups: false });
    if (first === undefined) throw new Error("the bench's update does not normalise");
    const bytes = new TextEncoder().encode(JSON.stringify(createEnvelope('inbound.message', session.me.tenant?.id ?? '', first)));
    const rawPublish = await measure('raw js.publish (pre-encoded envelope)', count, () =>
      pipeline(count, telegramInFlight, (i) => js.publish('rawtg.in', bytes, { msgID: `raw-${i}` })));
    // Warm the hub's channel lookup and HTTP connections first, as a running hub would be.
    await pipeline(100, 10, (i) => post(url, webhook.secretToken ?? '', update(10 * count + i)));
    const path = new URL(url).pathname;
    const injected = await measure('webhook → SB_INBOUND, in-process (no socket)', count, () =>
      pipeline(count, telegramInFlight, async (i) => {
        const response = await app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': webhook.secretToken ?? '' }, payload: update(i + 1) });
        if (response.statusCode !== 200) throw new Error(`the webhook answered ${response.statusCode}`);
      }));
    const overHttp = await measure('webhook → SB_INBOUND, over HTTP (client in this process)', count, () =>
      pipeline(count, telegramInFlight, (i) => post(url, webhook.secretToken ?? '', update(count + 1000 + i))));
    printComparison(`Telegram ingestion, ${count} updates, ${telegramInFlight} calls in flight`, rawPublish, [injected, overHttp]);
  } finally {
    for (const step of cleanup) await step().catch(() => undefined);
  }
}

async function post(url: string, secret: string, body: object): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret }, body: JSON.stringify(body) });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`the webhook answered ${response.status}`);
}
