import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundMessage, OutboundMessage } from '@switchboard/contracts';
import { eventually, testLogger } from '@switchboard/testing';
import { PermanentSendError } from '../src/core/connector.ts';
import { FakeWhatsApp, type FakeWhatsAppClient } from '../src/testing.ts';
import { WhatsAppConnector } from '../src/whatsapp/whatsapp.connector.ts';

// Sending through a WhatsApp session: text, media from a URL, reply-to, the whitelist and the
// pause after the business answered from its phone, and acks as delivery reports.
let authDataPath: string;
let media: Server;
let mediaUrl: string;

beforeAll(async () => {
  authDataPath = await mkdtemp(join(tmpdir(), 'sb-wa-send-'));
  media = createServer((request, response) => {
    if (request.url === '/menu.pdf') response.writeHead(200, { 'content-type': 'application/pdf' }).end(Buffer.from('%PDF-1.4 menu'));
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', resolve));
  mediaUrl = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => media.close(resolve));
  await rm(authDataPath, { recursive: true, force: true });
});

let clock = Date.now();

async function readyConnector(whitelist: string[] = []) {
  const whatsApp = new FakeWhatsApp();
  const deliveries: Array<{ messageId: string; status: string }> = [];
  const takeovers: string[] = [];
  const inbound: InboundMessage[] = [];
  const connector = new WhatsAppConnector({
    tenantId: randomUUID(), channelId: randomUUID(), clientFactory: whatsApp.factory, authDataPath, logger: testLogger(),
    rules: { whitelist, enabledGroups: [] },
    onDelivery: (report) => deliveries.push(report),
    onHumanTakeover: (chatId) => takeovers.push(chatId),
    takeoverPauseMs: 3_600_000,
    now: () => clock,
  });
  await connector.start(async (message) => {
    inbound.push(message);
  });
  const client: FakeWhatsAppClient = await whatsApp.until(() => whatsApp.latest(connector.channelId)?.state === 'qr' && whatsApp.latest(connector.channelId));
  await client.scan();
  await whatsApp.until(() => connector.status().state === 'ready');
  return { connector, client, deliveries, takeovers, inbound };
}

const outbound = (connector: WhatsAppConnector, overrides: Partial<OutboundMessage> = {}): OutboundMessage => ({
  messageId: randomUUID(), conversationId: randomUUID(), channelId: connector.channelId, channelType: 'whatsapp',
  externalChatId: '212600000009@c.us', text: 'Your order ships today.', attachments: [], author: { kind: 'agent', name: 'Nadia' }, ...overrides,
});

describe('sending through a WhatsApp session', () => {
  it('sends text with reply-to and media from a URL, and reports acks as sent, delivered and read', async () => {
    const { connector, client, deliveries, takeovers } = await readyConnector();
    const reply = outbound(connector, { replyToExternalId: 'false_212600000009@c.us_Q1' });
    const receipt = await connector.send(reply);
    expect(client.sent[0]).toMatchObject({ chatId: '212600000009@c.us', content: 'Your order ships today.', options: { quotedMessageId: 'false_212600000009@c.us_Q1' }, id: receipt.externalMessageId });
    // A retried send (its report was lost) is not sent twice.
    expect(await connector.send(reply)).toEqual(receipt);
    expect(client.sent).toHaveLength(1);

    const withMenu = outbound(connector, { text: 'Here is the menu', attachments: [{ kind: 'document', mimeType: 'application/pdf', url: `${mediaUrl}/menu.pdf`, fileName: 'menu.pdf' }] });
    await connector.send(withMenu);
    expect(client.sent[1]?.content).toEqual({ mimetype: 'application/pdf', data: Buffer.from('%PDF-1.4 menu').toString('base64'), filename: 'menu.pdf', filesize: 13 });
    expect(client.sent[1]?.options).toEqual({ caption: 'Here is the menu' });
    await expect(connector.send(outbound(connector, { attachments: [{ kind: 'image', mimeType: 'image/png', url: `${mediaUrl}/missing.png` }] }))).rejects.toThrow('could not fetch the attachment (404)');

    client.ack(receipt.externalMessageId, 2);
    client.ack(receipt.externalMessageId, 3);
    client.ack(receipt.externalMessageId, 0);
    expect(deliveries).toEqual([
      { messageId: reply.messageId, externalMessageId: receipt.externalMessageId, status: 'delivered' },
      { messageId: reply.messageId, externalMessageId: receipt.externalMessageId, status: 'read' },
    ]);
    // Our own sends came back as message_create fromMe and were not taken for the business's phone.
    expect(takeovers).toEqual([]);
    await connector.stop();
  });

  it("holds the bot's replies back from numbers off the whitelist, never an agent's", async () => {
    const { connector, client } = await readyConnector(['212600000010']);
    await expect(connector.send(outbound(connector, { author: { kind: 'bot' } }))).rejects.toBeInstanceOf(PermanentSendError);
    await connector.send(outbound(connector, { author: { kind: 'bot' }, externalChatId: '212600000010@c.us' }));
    await connector.send(outbound(connector));
    expect(client.sent.map((sent) => sent.chatId)).toEqual(['212600000010@c.us', '212600000009@c.us']);
    await connector.stop();
  });

  it('hands on what the business wrote from its phone, and holds bot replies back in that chat only, for a while', async () => {
    const { connector, client, takeovers, inbound } = await readyConnector();
    const phone = client.phoneSends('212600000009@c.us', 'I will handle this one');
    expect(takeovers).toEqual(['212600000009@c.us']);
    await eventually(() => inbound.length === 1, "the phone's message");
    // The customer is the contact (no name: on this message WhatsApp's name is the business's).
    expect(inbound[0]).toMatchObject({
      externalMessageId: phone.id._serialized, externalChatId: '212600000009@c.us', text: 'I will handle this one',
      contact: { externalId: '212600000009@c.us', phone: '212600000009' }, fromBusiness: true, isGroup: false,
    });
    expect(inbound[0]?.contact.name).toBeUndefined();
    await expect(connector.send(outbound(connector, { author: { kind: 'bot' } }))).rejects.toThrow(/paused/);
    await connector.send(outbound(connector, { author: { kind: 'bot' }, externalChatId: '212600000011@c.us' }));
    await connector.send(outbound(connector));
    expect(client.sent.map((sent) => sent.chatId)).toEqual(['212600000011@c.us', '212600000009@c.us']);
    // Another message from the phone half an hour later keeps the person in charge for another hour.
    clock += 1_800_000;
    client.phoneSends('212600000009@c.us', 'Still here');
    clock += 3_000_000;
    await expect(connector.send(outbound(connector, { author: { kind: 'bot' } }))).rejects.toThrow(/paused/);
    expect(takeovers).toEqual(['212600000009@c.us']);
    clock += 700_000;
    await connector.send(outbound(connector, { author: { kind: 'bot' } }));
    expect(client.sent).toHaveLength(3);
    // Only the phone's two messages were handed on; what this connector sent never comes back as the business's.
    expect(inbound.map((message) => message.text)).toEqual(['I will handle this one', 'Still here']);
    await connector.stop();
  });

  it('refuses to send while the session is not ready, so the dispatcher retries later', async () => {
    const { connector, client } = await readyConnector();
    client.disconnect();
    await expect(connector.send(outbound(connector))).rejects.toThrow(/not connected/);
    await connector.stop();
  });
});
