import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { connectBus, createEnvelope } from '@switchboard/bus';
import { publishInbound, WhatsAppConnector } from '@switchboard/connectors';
import { FakeWhatsApp } from '@switchboard/connectors/testing';
import { startNatsServer } from '@switchboard/dev';
import { measure, printComparison } from './measure.ts';

const IN_FLIGHT = 100;

/**
 * WhatsApp ingestion: messages/second from a whatsapp-web.js `message` event (a fake client
 * emits it; WhatsApp is out of reach) through the real connector's normalisation and group
 * rules to a stored, deduplicated `SB_INBOUND` message on a real nats-server, next to raw
 * JetStream publishes of the same size with the same dedupe header, 100 in flight each.
 */
export async function benchWhatsAppIngestion(scale: number): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sb-bench-wa-'));
  const nats = await startNatsServer({ dataDir: join(dataDir, 'nats') });
  const logger = pino({ level: 'silent' });
  const bus = await connectBus({ servers: nats.url, name: 'bench-whatsapp', logger });
  const raw = await connect({ servers: nats.url });
  const js = jetstream(raw);
  await (await jetstreamManager(raw)).streams.add({ name: 'RAW_WA', subjects: ['rawwa.>'] });
  const tenantId = randomUUID();
  const channelId = randomUUID();
  const count = 2_000 * scale;
  const whatsApp = new FakeWhatsApp();
  let stored = 0;
  let wake: () => void = () => undefined;
  const connector = new WhatsAppConnector({
    tenantId, channelId, clientFactory: whatsApp.factory, authDataPath: join(dataDir, 'whatsapp'), logger,
  });
  try {
    await connector.start(async (message) => {
      await publishInbound(bus, tenantId, message);
      stored += 1;
      wake();
    });
    const client = await whatsApp.until(() => whatsApp.latest(channelId)?.state === 'qr' && whatsApp.latest(channelId));
    await client.scan('212600000001');
    await whatsApp.until(() => connector.status().state === 'ready');
    const text = 'Salam, do you ship to Casablanca and how long does it take?';
    const bytes = new TextEncoder().encode(JSON.stringify(createEnvelope('inbound.message', tenantId, {
      channelId, channelType: 'whatsapp', externalMessageId: 'false_212600000009@c.us_3EB0000000000000', externalChatId: '212600000009@c.us',
      contact: { externalId: '212600000009@c.us', name: 'Salma', phone: '212600000009' }, text, attachments: [], isGroup: false, sentAt: new Date().toISOString(),
    })));

    const rawPublish = await measure('raw js.publish (pre-encoded)', count, async () => {
      let next = 0;
      await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
        while (next < count) {
          const i = next++;
          await js.publish('rawwa.in', bytes, { msgID: `in:${channelId}:raw-${i}` });
        }
      }));
    });
    const ingestion = await measure('client `message` → normalise → SB_INBOUND', count, async () => {
      for (let i = 0; i < count; i++) {
        while (i - stored >= IN_FLIGHT) await new Promise<void>((resolve) => (wake = resolve));
        client.receive({ id: `false_212600000009@c.us_3EB0${i.toString(16).padStart(16, '0')}`, from: '212600000009@c.us', body: text, notifyName: 'Salma' });
      }
      while (stored < count) await new Promise<void>((resolve) => (wake = resolve));
    });
    printComparison(`WhatsApp ingestion, ${count} messages, ${IN_FLIGHT} in flight`, rawPublish, [ingestion]);
  } finally {
    await connector.stop();
    await raw.close();
    await bus.close();
    await nats.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
