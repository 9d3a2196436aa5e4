import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { connectBus, createEnvelope } from '@switchboard/bus';
import { checkSchema, InboundMessage, subjects, type InboundMessage as Inbound } from '@switchboard/contracts';
import { startNatsServer } from '@switchboard/dev';
import { measure, printComparison } from './measure.ts';

const tenantId = randomUUID();
const channelId = randomUUID();

function inbound(index: number): Inbound {
  return {
    channelId,
    channelType: 'webchat',
    externalMessageId: `bench-${index}`,
    externalChatId: 'visitor-bench',
    contact: { externalId: 'visitor-bench', name: 'Bench' },
    text: 'Hello, I would like to know whether you ship to Casablanca and how long it takes.',
    attachments: [],
    isGroup: false,
    sentAt: new Date().toISOString(),
  };
}

/** Runs `count` tasks with at most `inFlight` outstanding at once. */
async function pipeline(count: number, inFlight: number, task: (index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < count) await task(next++);
  }));
}

/**
 * The bus against raw JetStream on the same nats-server in the same run: publishing (awaited,
 * with 100 in flight) and consuming with explicit ack. What the bus adds is envelope building,
 * schema validation on both ends, headers and an awaited ack.
 */
export async function benchBus(scale: number): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sb-bench-'));
  const nats = await startNatsServer({ dataDir });
  const logger = pino({ level: 'silent' });
  const bus = await connectBus({ servers: nats.url, name: 'bench', logger });
  const raw = await connect({ servers: nats.url });
  const js = jetstream(raw);
  const jsm = await jetstreamManager(raw);
  await jsm.streams.add({ name: 'RAW', subjects: ['raw.>'] });
  const subject = subjects.all.inboundOfChannel(tenantId, channelId);
  const count = 2_000 * scale;
  const bytes = new TextEncoder().encode(JSON.stringify(createEnvelope('inbound.message', tenantId, inbound(0))));
  try {
    const rawPublish = await measure('raw js.publish (pre-encoded)', count, () =>
      pipeline(count, 100, (i) => js.publish('raw.in', bytes, { msgID: `raw-${i}` })));
    const busPublish = await measure('bus.publish (validate + envelope)', count, () =>
      pipeline(count, 100, (i) => bus.publish(createEnvelope('inbound.message', tenantId, inbound(i)), { channelId, msgId: `bus-${i}` })));
    printComparison(`JetStream publish, ${count} messages, 100 in flight`, rawPublish, [busPublish]);

    await jsm.consumers.add('RAW', { durable_name: 'raw', ack_policy: AckPolicy.Explicit });
    const rawConsumer = await js.consumers.get('RAW', 'raw');
    const rawConsume = await measure('raw consume + ack', count, async () => {
      const messages = await rawConsumer.consume({ max_messages: 256 });
      let seen = 0;
      for await (const message of messages) {
        message.ack();
        if (++seen === count) break;
      }
    });
    let handled = 0;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const busConsume = await measure('bus.consume (decode + validate + ack)', count, async () => {
      const handle = await bus.consume({
        stream: 'SB_INBOUND', durable: 'bench', filterSubject: subject, types: ['inbound.message'],
        handler: async () => {
          if (++handled === count) done();
        },
      });
      await finished;
      await handle.stop();
    });
    printComparison(`JetStream consume, ${count} messages`, rawConsume, [busConsume]);

    const message = inbound(1);
    const checks = 50_000 * scale;
    const parse = await measure('JSON.parse of an envelope', checks, async () => {
      for (let i = 0; i < checks; i++) JSON.parse(new TextDecoder().decode(bytes));
    });
    const validate = await measure('checkSchema(InboundMessage)', checks, async () => {
      for (let i = 0; i < checks; i++) checkSchema(InboundMessage, message);
    });
    printComparison(`Validation, ${checks} messages`, parse, [validate]);
  } finally {
    await raw.close();
    await bus.close();
    await nats.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
