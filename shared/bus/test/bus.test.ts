import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjects, type BusEnvelope } from '@switchboard/contracts';
import { startNatsServer, type RunningNatsServer } from '@switchboard/dev';
import { AppError } from '@switchboard/errors';
import { eventually, inboundMessageFixture, testLogger } from '@switchboard/testing';
import { busHeaders, connectBus, createEnvelope, provisionStreams, streamDefinitions, type Bus } from '../src/index.ts';

// A nats-server of its own, so the streams here are not shared with other test files.
let nats: RunningNatsServer;
let dataDir: string;
let bus: Bus;
const tenantId = randomUUID();

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sb-bus-'));
  nats = await startNatsServer({ dataDir });
  bus = await connectBus({ servers: nats.url, name: 'bus-test', logger: testLogger() });
});

afterAll(async () => {
  await bus?.close();
  await nats?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function parkedMessages(consumer: string) {
  const stream = await bus.jsm.streams.get(streamDefinitions.parked.name);
  const info = await stream.info();
  const found = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const message = await stream.getMessage({ seq }).catch(() => null);
    if (message?.header.get(busHeaders.parkConsumer) === consumer) found.push(message);
  }
  return found;
}

describe('bus on a real nats-server', () => {
  it('round-trips an inbound message through JetStream with trace and tenant headers', async () => {
    const message = inboundMessageFixture();
    const envelope = createEnvelope('inbound.message', tenantId, message);
    const received: BusEnvelope<'inbound.message'>[] = [];
    const consumer = await bus.consume({
      stream: streamDefinitions.inbound.name,
      durable: 'roundtrip',
      filterSubject: subjects.all.inboundOfChannel(tenantId, message.channelId),
      types: ['inbound.message'],
      handler: async (received_) => {
        received.push(received_);
      },
    });
    const ack = await bus.publish(envelope, { channelId: message.channelId });
    expect(ack.stream).toBe('SB_INBOUND');

    await eventually(() => received.length === 1, 'the consumer to receive the message');
    expect(received[0]).toEqual(envelope);
    const stored = await (await bus.jsm.streams.get('SB_INBOUND')).getMessage({ seq: ack.seq });
    expect(stored?.header.get(busHeaders.traceId)).toBe(envelope.traceId);
    expect(stored?.header.get(busHeaders.tenantId)).toBe(tenantId);
    await consumer.stop();
  });

  it('refuses a malformed payload with its reason, parks it, and keeps consuming', async () => {
    const channelId = randomUUID();
    const subject = subjects.inbound(tenantId, channelId, 0);
    const handled: string[] = [];
    const consumer = await bus.consume({
      stream: 'SB_INBOUND',
      durable: 'malformed',
      filterSubject: subjects.all.inboundOfChannel(tenantId, channelId),
      types: ['inbound.message'],
      handler: async (envelope) => {
        handled.push(envelope.data.externalMessageId);
      },
    });

    await bus.js.publish(subject, new TextEncoder().encode('{ this is not json'));
    const badData = createEnvelope('inbound.message', tenantId, inboundMessageFixture({ channelId }));
    await bus.js.publish(subject, new TextEncoder().encode(JSON.stringify({ ...badData, data: { ...badData.data, channelType: 'fax' } })));
    const good = createEnvelope('inbound.message', tenantId, inboundMessageFixture({ channelId, externalMessageId: 'after-the-bad-ones' }));
    await bus.publish(good, { channelId });

    await eventually(() => handled.includes('after-the-bad-ones'), 'the valid message after two bad ones');
    expect(handled).toEqual(['after-the-bad-ones']);
    const parked = await eventually(async () => {
      const found = await parkedMessages('malformed');
      return found.length === 2 ? found : undefined;
    }, 'both bad messages to be parked');
    const reasons = parked.map((message) => message.header.get(busHeaders.parkReason));
    expect(reasons[0]).toMatch(/^not JSON/);
    expect(reasons[1]).toMatch(/channelType/);
    expect(parked[0]?.header.get(busHeaders.parkSubject)).toBe(subject);
    await consumer.stop();
  });

  it('stores a message published twice with the same Nats-Msg-Id once', async () => {
    const message = inboundMessageFixture();
    const dedupeKey = `${message.channelId}:${message.externalMessageId}`;
    const first = await bus.publish(createEnvelope('inbound.message', tenantId, message), { channelId: message.channelId, msgId: dedupeKey });
    // A reconnect replay: a new envelope around the same channel message.
    const second = await bus.publish(createEnvelope('inbound.message', tenantId, message), { channelId: message.channelId, msgId: dedupeKey });
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.seq).toBe(first.seq);

    const handled: string[] = [];
    const consumer = await bus.consume({
      stream: 'SB_INBOUND',
      durable: 'dedupe',
      filterSubject: subjects.all.inboundOfChannel(tenantId, message.channelId),
      types: ['inbound.message'],
      handler: async (envelope) => {
        handled.push(envelope.id);
      },
    });
    await eventually(() => handled.length >= 1, 'the message');
    const info = await bus.jsm.consumers.info('SB_INBOUND', 'dedupe');
    await eventually(async () => (await bus.jsm.consumers.info('SB_INBOUND', 'dedupe')).num_ack_pending === 0, 'the ack');
    expect(handled).toHaveLength(1);
    expect(info.num_pending).toBe(0);
    await consumer.stop();
  });

  it('retries a failing handler and parks the message after the last attempt', async () => {
    const message = inboundMessageFixture();
    let attempts = 0;
    const consumer = await bus.consume({
      stream: 'SB_INBOUND',
      durable: 'failing',
      filterSubject: subjects.all.inboundOfChannel(tenantId, message.channelId),
      types: ['inbound.message'],
      maxDeliver: 3,
      retryDelayMs: () => 10,
      handler: async () => {
        attempts += 1;
        throw new Error('database unavailable');
      },
    });
    await bus.publish(createEnvelope('inbound.message', tenantId, message), { channelId: message.channelId });
    const parked = await eventually(async () => {
      const found = await parkedMessages('failing');
      return found.length === 1 ? found : undefined;
    }, 'the failing message to be parked');
    expect(attempts).toBe(3);
    expect(parked[0]?.header.get(busHeaders.parkReason)).toBe('handler failed 3 times: database unavailable');
    await consumer.stop();
  });

  it('parks a message whose tenant header disagrees with its envelope', async () => {
    const message = inboundMessageFixture();
    const subject = subjects.inbound(tenantId, message.channelId, 0);
    const handled: string[] = [];
    const consumer = await bus.consume({
      stream: 'SB_INBOUND', durable: 'spoofed', filterSubject: subjects.all.inboundOfChannel(tenantId, message.channelId), types: ['inbound.message'],
      handler: async (envelope) => { handled.push(envelope.id); },
    });
    const headers = natsHeaders();
    headers.set(busHeaders.tenantId, randomUUID());
    await bus.js.publish(subject, new TextEncoder().encode(JSON.stringify(createEnvelope('inbound.message', tenantId, message))), { headers });
    const parked = await eventually(async () => {
      const found = await parkedMessages('spoofed');
      return found.length === 1 ? found : undefined;
    }, 'the spoofed message to be parked');
    expect(parked[0]?.header.get(busHeaders.parkReason)).toMatch(/does not match envelope tenant/);
    expect(handled).toEqual([]);
    await consumer.stop();
  });

  it('refuses to publish an invalid payload, naming the field', async () => {
    const envelope = createEnvelope('inbound.message', tenantId, { ...inboundMessageFixture(), sentAt: 'not a date' });
    await expect(bus.publish(envelope, { channelId: envelope.data.channelId })).rejects.toSatisfy(
      (error: unknown) => error instanceof AppError && error.code === 'SB_ERR_VALIDATION' && /\/sentAt/.test(error.message),
    );
  });

  it('provisions streams idempotently on every start', async () => {
    await provisionStreams(bus.jsm, Object.values(streamDefinitions));
    await provisionStreams(bus.jsm, Object.values(streamDefinitions));
    const names: string[] = [];
    for await (const name of bus.jsm.streams.names()) names.push(name);
    expect(names.sort()).toEqual(['SB_DELIVERY', 'SB_EVENTS', 'SB_INBOUND', 'SB_KNOWLEDGE', 'SB_OUTBOUND', 'SB_PARKED']);
  });
});
