import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import type { InboundMessage } from '@switchboard/contracts';
import { testLogger } from '@switchboard/testing';
import { FakeWhatsApp } from '../src/testing.ts';
import { WhatsAppConnector, type SessionStatus } from '../src/whatsapp/whatsapp.connector.ts';
import { sessionStateOf, whatsAppBackoff, whatsAppSessionMachine } from '../src/whatsapp/whatsapp-session.machine.ts';

// The session supervisor driven by a fake WhatsApp that emits whatsapp-web.js's own events, in
// the orders a real session goes through.
let authDataPath: string;

beforeAll(async () => {
  authDataPath = await mkdtemp(join(tmpdir(), 'sb-wa-'));
});

afterAll(async () => {
  await rm(authDataPath, { recursive: true, force: true });
});

function connectorOn(whatsApp: FakeWhatsApp, options: { maxAttempts?: number; backoffMs?: (attempt: number) => number; enabledGroups?: string[] } = {}) {
  const statuses: SessionStatus[] = [];
  const qrs: string[] = [];
  const inbound: InboundMessage[] = [];
  const takeovers: string[] = [];
  const channelId = randomUUID();
  const connector = new WhatsAppConnector({
    tenantId: randomUUID(),
    channelId,
    clientFactory: whatsApp.factory,
    authDataPath,
    logger: testLogger(),
    maxAttempts: options.maxAttempts ?? 3,
    backoffMs: options.backoffMs ?? (() => 0),
    rules: { whitelist: [], enabledGroups: options.enabledGroups ?? [] },
    onStatus: (status) => {
      statuses.push(status);
      whatsApp.changed();
    },
    onQr: (qr) => qrs.push(qr),
    onHumanTakeover: (chatId) => takeovers.push(chatId),
  });
  const start = () => connector.start(async (message) => {
    inbound.push(message);
    whatsApp.changed();
  });
  return { connector, channelId, statuses, qrs, inbound, takeovers, start, states: () => statuses.map((status) => status.state) };
}

describe('WhatsApp session supervisor', () => {
  it('goes from rotating QRs to ready, takes messages in, and comes back after a disconnection', async () => {
    const whatsApp = new FakeWhatsApp();
    const session = connectorOn(whatsApp);
    await session.start();
    const first = await whatsApp.until(() => whatsApp.latest(session.channelId)?.state === 'qr' && whatsApp.latest(session.channelId));
    const second = first.rotateQr();
    await whatsApp.until(() => session.qrs.length === 2);
    expect(session.qrs[1]).toBe(second);
    await first.scan('212600000001');
    await whatsApp.until(() => session.states().includes('ready'));
    expect(session.states()).toEqual(['starting', 'qr', 'authenticated', 'ready']);
    expect(session.statuses.at(-1)).toMatchObject({ state: 'ready', account: '212600000001' });
    expect(session.statuses.at(-1)?.rssBytes).toBeGreaterThan(0);

    first.receive({ id: 'false_212600000009@c.us_AAA1', from: '212600000009@c.us', body: 'salam, do you deliver?', notifyName: 'Salma' });
    first.receive({ id: 'false_212600000009@c.us_AAA2', from: '212600000009@c.us', body: 'this one', type: 'document', media: { mimetype: 'application/pdf', filename: 'order.pdf', size: 2048 }, quotedId: 'false_212600000009@c.us_AAA1' });
    first.receive({ id: 'false_120363000000000001@g.us_AAA3', from: '120363000000000001@g.us', author: '212600000010@c.us', body: 'group chatter' });
    first.receive({ id: 'false_status@broadcast_AAA4', from: 'status@broadcast', body: 'a status update' });
    await whatsApp.until(() => session.inbound.length === 2);
    expect(session.inbound[0]).toMatchObject({
      externalMessageId: 'false_212600000009@c.us_AAA1', externalChatId: '212600000009@c.us', text: 'salam, do you deliver?', isGroup: false,
      contact: { externalId: '212600000009@c.us', name: 'Salma', phone: '212600000009' }, attachments: [],
    });
    expect(session.inbound[1]).toMatchObject({
      replyToExternalId: 'false_212600000009@c.us_AAA1',
      attachments: [{ kind: 'document', mimeType: 'application/pdf', fileName: 'order.pdf', sizeBytes: 2048, caption: 'this one' }],
    });

    first.disconnect('NAVIGATION');
    await whatsApp.until(() => whatsApp.clientsOf(session.channelId).length === 2 && session.states().filter((state) => state === 'ready').length === 2);
    expect(first.state).toBe('destroyed');
    // The second client found the keys the first saved in the session folder: no QR this time.
    expect(session.states().slice(4)).toEqual(['disconnected', 'reconnecting', 'starting', 'authenticated', 'ready']);
    expect(session.statuses[4]?.reason).toContain('NAVIGATION');
    expect(whatsApp.latest(session.channelId)?.events.some((event) => event.name === 'qr')).toBe(false);
    await session.connector.stop();
    expect(whatsApp.clientsOf(session.channelId).every((client) => client.state === 'destroyed')).toBe(true);
    expect(session.states().at(-1)).toBe('stopped');
  });

  it('hands messages on in the order WhatsApp delivered them, even when one quotes another', async () => {
    const whatsApp = new FakeWhatsApp();
    const session = connectorOn(whatsApp);
    await session.start();
    const client = await whatsApp.until(() => whatsApp.latest(session.channelId)?.state === 'qr' && whatsApp.latest(session.channelId));
    await client.scan();
    await whatsApp.until(() => session.states().includes('ready'));
    client.receive({ id: 'false_212600000009@c.us_O1', from: '212600000009@c.us', body: 'first' });
    client.receive({ id: 'false_212600000009@c.us_O2', from: '212600000009@c.us', body: 'second, quoting the first', quotedId: 'false_212600000009@c.us_O1' });
    client.receive({ id: 'false_212600000009@c.us_O3', from: '212600000009@c.us', body: 'third' });
    client.receive({ id: 'false_212600000009@c.us_O4', from: '212600000009@c.us', body: 'fourth' });
    await whatsApp.until(() => session.inbound.length === 4);
    expect(session.inbound.map((message) => message.text)).toEqual(['first', 'second, quoting the first', 'third', 'fourth']);
    await session.connector.stop();
  });

  it('listens to a group only once the channel enables it', async () => {
    const whatsApp = new FakeWhatsApp();
    const session = connectorOn(whatsApp, { enabledGroups: ['120363000000000001@g.us'] });
    await session.start();
    const client = await whatsApp.until(() => whatsApp.latest(session.channelId)?.state === 'qr' && whatsApp.latest(session.channelId));
    await client.scan();
    await whatsApp.until(() => session.states().includes('ready'));
    client.receive({ id: 'false_120363000000000002@g.us_B1', from: '120363000000000002@g.us', author: '212600000011@c.us', body: 'not listened to' });
    client.receive({ id: 'false_120363000000000001@g.us_B2', from: '120363000000000001@g.us', author: '212600000010@c.us', body: 'price list?', notifyName: 'Omar' });
    await whatsApp.until(() => session.inbound.length === 1);
    expect(session.inbound[0]).toMatchObject({ externalChatId: '120363000000000001@g.us', isGroup: true, contact: { externalId: '212600000010@c.us', phone: '212600000010', name: 'Omar' } });
    await session.connector.stop();
  });

  it('fails at once when WhatsApp refuses the saved login, and starts again on request', async () => {
    const whatsApp = new FakeWhatsApp();
    const session = connectorOn(whatsApp);
    await session.start();
    const client = await whatsApp.until(() => whatsApp.latest(session.channelId)?.state === 'qr' && whatsApp.latest(session.channelId));
    await client.scan('212600000002');
    await whatsApp.until(() => session.states().includes('ready'));
    await session.connector.stop();
    whatsApp.revoked.add('212600000002');
    session.connector.restart();
    await whatsApp.until(() => session.states().at(-1) === 'failed');
    expect(session.statuses.at(-1)?.reason).toContain('refused the saved login');
    expect(whatsApp.clientsOf(session.channelId)).toHaveLength(2);
    await session.connector.settled();
    expect(whatsApp.latest(session.channelId)?.state).toBe('destroyed');
  });

  it('gives up after the bounded number of restarts, waiting longer before each', async () => {
    const whatsApp = new FakeWhatsApp();
    whatsApp.unreachable = true;
    const waits: number[] = [];
    const session = connectorOn(whatsApp, { maxAttempts: 4, backoffMs: (attempt) => {
      waits.push(whatsAppBackoff(attempt));
      return 0;
    } });
    await session.start();
    await whatsApp.until(() => session.states().at(-1) === 'failed');
    expect(whatsApp.clientsOf(session.channelId)).toHaveLength(5);
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(session.statuses.at(-1)?.reason).toMatch(/^gave up after 4 restarts: could not open WhatsApp Web: net::ERR_NAME_NOT_RESOLVED/);
    expect(session.states().filter((state) => state === 'reconnecting')).toHaveLength(4);
    await session.connector.settled();
    expect(whatsApp.clientsOf(session.channelId).every((client) => client.state === 'destroyed')).toBe(true);
    expect(whatsAppBackoff(30)).toBe(60_000);
  });

  it('logs out: the saved login is gone, so the next start shows a QR', async () => {
    const whatsApp = new FakeWhatsApp();
    const session = connectorOn(whatsApp);
    await session.start();
    const client = await whatsApp.until(() => whatsApp.latest(session.channelId)?.state === 'qr' && whatsApp.latest(session.channelId));
    await client.scan();
    await whatsApp.until(() => session.states().includes('ready'));
    await session.connector.logout();
    expect(client.loggedOut).toBe(true);
    session.connector.restart();
    await whatsApp.until(() => whatsApp.clientsOf(session.channelId).length === 2 && whatsApp.latest(session.channelId)?.state === 'qr');
    await session.connector.stop();
  });

  it('maps every machine state to a console state', () => {
    const actor = createActor(whatsAppSessionMachine, { input: { channelId: randomUUID(), maxAttempts: 1, backoffMs: () => 0, createClient: () => new FakeWhatsApp().factory({ channelId: 'x', authDataPath, clientId: 'x' }), attach: () => () => undefined, track: () => undefined } });
    actor.start();
    expect(sessionStateOf(actor.getSnapshot().value)).toBe('starting');
    actor.send({ type: 'session.stop' });
    expect(sessionStateOf(actor.getSnapshot().value)).toBe('stopped');
    actor.stop();
  });
});
