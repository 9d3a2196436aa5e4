import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { loadConfig } from '@switchboard/config';
import { startConnector, startWhatsAppSessions, postgresSessionVault, type WhatsAppSessionManager } from '@switchboard/connectors';
import { FakeWhatsApp, type FakeWhatsAppClient } from '@switchboard/connectors/testing';
import type { ChannelCommandReply, ChannelPeerList, ChannelView, ConsoleFrame, MessageView, UploadedAttachment } from '@switchboard/contracts';
import type { RunningRole } from '@switchboard/runtime';
import { mediaStore } from '@switchboard/db';
import { createSecretBox, deriveKeys } from '@switchboard/security';
import { eventually, testLogger, testSecretKey } from '@switchboard/testing';
import { command, LiveStack, record, type Workspace } from './support/live-stack.ts';

// WhatsApp channels end to end: the hub, the runner and a connector node on real NATS and
// PostgreSQL, with only WhatsApp itself faked (a client that emits whatsapp-web.js's events and
// keeps its login in the folder LocalAuth gives it). Logins are kept in PostgreSQL, so a
// connector restarted on an empty disk resumes them.
let stack: LiveStack;
let alpha: Workspace;
let beta: Workspace;
let whatsApp: FakeWhatsApp;
let connector: RunningRole | undefined;
const dataDirs: string[] = [];

type Seen = Array<{ name: string; payload: unknown }>;
const frames = <T>(seen: Seen, name: string) => seen.filter((event) => event.name === name).map((event) => (event.payload as ConsoleFrame & { data: T }).data);

async function startConnectorNode(world: FakeWhatsApp, node: string): Promise<RunningRole> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sb-wa-node-'));
  dataDirs.push(dataDir);
  const config = loadConfig({ DATA_DIR: dataDir, SECRET_KEY: testSecretKey, WHATSAPP_AUTH_STORE: 'postgres', WHATSAPP_MAX_SESSIONS: '10' });
  return startConnector(config, testLogger(), { bus: stack.bus, orm: stack.orm, chromaUrl: inject('chromaUrl'), close: async () => undefined }, {
    whatsapp: { clientFactory: world.factory, node, backoffMs: () => 0, renewIntervalMs: 200, leaseTtlMs: 2_000 },
  });
}

/** Adds a WhatsApp channel through the API and links it by scanning its first QR. */
async function linkedChannel(workspace: Workspace, account: string): Promise<{ channel: ChannelView; client: FakeWhatsAppClient }> {
  const channel = await stack.api<ChannelView>(workspace.token, 'POST', '/api/v1/channels', { type: 'whatsapp', name: `WhatsApp ${account}` });
  const client = await whatsApp.until(() => whatsApp.latest(channel.id)?.state === 'qr' && whatsApp.latest(channel.id));
  await client.scan(account);
  await eventually(() => client.state === 'ready', 'the linked session');
  return { channel, client };
}

beforeAll(async () => {
  stack = await LiveStack.start();
  [alpha, beta] = await Promise.all([stack.signUp('wa-alpha'), stack.signUp('wa-beta')]);
  whatsApp = new FakeWhatsApp();
  connector = await startConnectorNode(whatsApp, 'node-a');
});

afterAll(async () => {
  await connector?.stop();
  await stack?.close();
  for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
});

describe('WhatsApp channels end to end', () => {
  it("shows tenant A's rotating QR and its connected number in A's console only", async () => {
    const consoleA = await stack.console(alpha.token);
    const consoleB = await stack.console(beta.token);
    const seenA = record(consoleA, ['channel.qr', 'channel.status']);
    const seenB = record(consoleB, ['channel.qr', 'channel.status']);
    const channel = await stack.api<ChannelView>(alpha.token, 'POST', '/api/v1/channels', { type: 'whatsapp', name: 'Shop phone' });
    expect(channel).toMatchObject({ type: 'whatsapp', name: 'Shop phone', status: 'active' });
    const client = await whatsApp.until(() => whatsApp.latest(channel.id)?.state === 'qr' && whatsApp.latest(channel.id));
    const firstQr = client.events.find((event) => event.name === 'qr')?.args[0];
    await eventually(() => frames<{ qr: string }>(seenA, 'channel.qr').some((qr) => qr.qr === firstQr), 'the first QR in the console');
    const secondQr = client.rotateQr();
    await eventually(() => frames<{ qr: string }>(seenA, 'channel.qr').some((qr) => qr.qr === secondQr), 'the rotated QR in the console');
    await client.scan('212600000101');
    await eventually(() => frames<{ state: string; account?: string }>(seenA, 'channel.status').some((status) => status.state === 'ready' && status.account === '212600000101'), 'ready in the console');
    const ready = frames<{ channelId: string; state: string; node: string; rssBytes?: number }>(seenA, 'channel.status').find((status) => status.state === 'ready');
    expect(ready).toMatchObject({ channelId: channel.id, node: 'node-a' });
    expect(ready?.rssBytes).toBeGreaterThan(0);
    expect(frames<{ channelId: string }>(seenA, 'channel.qr').every((qr) => qr.channelId === channel.id)).toBe(true);
    // B's console was connected all along and saw nothing of A's session.
    expect(seenB).toEqual([]);
  });

  it('stores a message WhatsApp delivers twice (a replay after a reconnect) once, and shows it once', async () => {
    const { channel, client } = await linkedChannel(alpha, '212600000102');
    const agentConsole = await stack.console(alpha.token);
    const seen = record(agentConsole, ['message.created']);
    const customer = '212600000201@c.us';
    const id = `false_${customer}_3EB0AAAA0001`;
    client.receive({ id, from: customer, body: 'do you ship to Fes?', notifyName: 'Yassine' });
    await eventually(async () => (await stack.sql('select 1 from messages where external_id = $1', [id])).length === 1, 'the stored message');
    client.disconnect('NAVIGATION');
    const second = await whatsApp.until(() => whatsApp.clientsOf(channel.id).length === 2 && whatsApp.latest(channel.id)?.state === 'ready' && whatsApp.latest(channel.id));
    expect(second.events.some((event) => event.name === 'qr')).toBe(false);
    // WhatsApp replays what it had not seen acknowledged, with the same ids.
    second.receive({ id, from: customer, body: 'do you ship to Fes?', notifyName: 'Yassine' });
    second.receive({ id: `false_${customer}_3EB0AAAA0002`, from: customer, body: 'and to Meknes?', notifyName: 'Yassine' });
    // The later message is in the same conversation, handled in order: once it is stored, the replay was refused.
    await eventually(async () => (await stack.sql('select 1 from messages where external_id = $1', [`false_${customer}_3EB0AAAA0002`])).length === 1, 'the later message');
    await eventually(() => seen.map((event) => (event.payload as ConsoleFrame<'message.created'>).data.message).filter((message) => message.text === 'and to Meknes?').length === 1, 'the later message in the console');
    expect(await stack.sql('select 1 from messages where external_id = $1', [id])).toHaveLength(1);
    const shown = seen.map((event) => (event.payload as ConsoleFrame<'message.created'>).data.message).filter((message) => message.text === 'do you ship to Fes?');
    expect(shown).toHaveLength(1);
    const [contact] = await stack.sql<{ name: string; phone: string }>('select name, phone from contacts where external_id = $1', [customer]);
    expect(contact).toEqual({ name: 'Yassine', phone: '212600000201' });
  });

  it("sends the bot's answer and an agent's reply through WhatsApp, and shows WhatsApp's read receipt", async () => {
    const { client } = await linkedChannel(alpha, '212600000103');
    const customer = '212600000202@c.us';
    client.receive({ id: `false_${customer}_3EB0BBBB0001`, from: customer, body: 'I want to talk to a human please', notifyName: 'Hind' });
    const conversationId = await eventually(async () => (await stack.sql<{ id: string; status: string }>(`select id, status from conversations where external_chat_id = $1`, [customer]))[0]?.status === 'awaiting_agent'
      && (await stack.sql<{ id: string }>(`select id from conversations where external_chat_id = $1`, [customer]))[0]?.id, 'the handoff');
    // The bot's handoff message went out through WhatsApp.
    await eventually(() => client.sent.some((sent) => sent.chatId === customer), "the bot's message on WhatsApp");
    const agentConsole = await stack.console(alpha.token);
    await command(agentConsole, 'conversation.claim', { conversationId });
    const reply = await command<{ message: MessageView }>(agentConsole, 'message.send', { conversationId, text: 'Hello Hind, Nadia here.', clientId: `c_${randomUUID().slice(0, 12)}` });
    const sent = await eventually(() => client.sent.find((entry) => entry.chatId === customer && entry.content === 'Hello Hind, Nadia here.'), "the agent's reply on WhatsApp");
    await eventually(async () => (await stack.sql<{ status: string }>('select status from messages where id = $1', [reply.message.id]))[0]?.status === 'sent', 'sent');
    client.ack(sent.id, 3);
    await eventually(async () => (await stack.sql<{ status: string }>('select status from messages where id = $1', [reply.message.id]))[0]?.status === 'read', 'read');
    // Our own sends came back as message_create fromMe; they were not mistaken for the business's phone.
    client.receive({ id: `false_${customer}_3EB0BBBB0002`, from: customer, body: 'thanks!' });
    await eventually(async () => (await stack.sql('select 1 from messages where external_id = $1', [`false_${customer}_3EB0BBBB0002`])).length === 1, 'the next message');
  });

  it("hands the chat to people once the business answers from its own phone, and shows the phone's message", async () => {
    const { client } = await linkedChannel(alpha, '212600000104');
    const agentConsole = await stack.console(alpha.token);
    const seen = record(agentConsole, ['message.created', 'handoff.requested']);
    const customer = '212600000203@c.us';
    client.receive({ id: `false_${customer}_3EB0CCCC0001`, from: customer, body: 'hello', notifyName: 'Karim' });
    await eventually(() => client.sent.filter((sent) => sent.chatId === customer).length === 1, "the bot's first answer on WhatsApp");
    const phone = client.phoneSends(customer, 'Karim! I will take care of you myself.');
    const [conversation] = await eventually(async () => {
      const rows = await stack.sql<{ id: string; status: string }>('select id, status from conversations where external_chat_id = $1', [customer]);
      return rows[0]?.status === 'awaiting_agent' ? rows : undefined;
    }, 'the conversation handed to people');
    // The phone's message is in the timeline as a person's reply, already delivered, and the
    // console was told both the message and why the chat now waits for people.
    const [stored] = await stack.sql<{ direction: string; author_kind: string; author_name: string; status: string; text: string }>(
      'select direction, author_kind, author_name, status, text from messages where external_id = $1', [phone.id._serialized]);
    expect(stored).toEqual({ direction: 'outbound', author_kind: 'agent', author_name: 'Business phone', status: 'sent', text: 'Karim! I will take care of you myself.' });
    await eventually(() => seen.some((event) => event.name === 'handoff.requested'
      && (event.payload as ConsoleFrame<'handoff.requested'>).data.reason === 'answered_from_phone'
      && (event.payload as ConsoleFrame<'handoff.requested'>).data.conversation.id === conversation?.id), 'the handoff in the console');
    expect(seen.filter((event) => event.name === 'message.created' && (event.payload as ConsoleFrame<'message.created'>).data.message.text === 'Karim! I will take care of you myself.')).toHaveLength(1);
    // The customer's contact kept their own name, not the business's.
    expect((await stack.sql<{ name: string }>('select name from contacts where external_id = $1', [customer]))[0]?.name).toBe('Karim');
    // The bot stays silent: the next message is stored and nobody but people answer it.
    client.receive({ id: `false_${customer}_3EB0CCCC0002`, from: customer, body: 'hello again' });
    await eventually(async () => (await stack.sql('select 1 from messages where external_id = $1', [`false_${customer}_3EB0CCCC0002`])).length === 1, 'the next message');
    const bot = await stack.sql(`select 1 from messages m join conversations c on c.id = m.conversation_id where c.external_chat_id = $1 and m.author_kind = 'bot'`, [customer]);
    expect(bot).toHaveLength(1);
    expect(client.sent.filter((sent) => sent.chatId === customer)).toHaveLength(1);
    // The phone's message arriving again (a replay) is stored once.
    client.emit('message_create', phone);
    client.receive({ id: `false_${customer}_3EB0CCCC0003`, from: customer, body: 'still there?' });
    await eventually(async () => (await stack.sql('select 1 from messages where external_id = $1', [`false_${customer}_3EB0CCCC0003`])).length === 1, 'the message after the replay');
    expect(await stack.sql('select 1 from messages where external_id = $1', [phone.id._serialized])).toHaveLength(1);
  });

  it("keeps a customer's photo so the console can show it, once per message, and only to its workspace", async () => {
    const { client } = await linkedChannel(alpha, '212600000106');
    const customer = '212600000205@c.us';
    const photo = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.from('a parcel that arrived damaged')]);
    const id = `false_${customer}_3EB0DDDD0001`;
    client.receive({ id, from: customer, body: 'it arrived like this', notifyName: 'Samir', media: { mimetype: 'image/png', filename: 'parcel.png', size: photo.byteLength, data: photo } });
    const [message] = await eventually(async () => {
      const rows = await stack.sql<{ id: string; conversation_id: string; attachments: Array<{ url?: string; kind: string }> }>('select id, conversation_id, attachments from messages where external_id = $1', [id]);
      return rows.length > 0 ? rows : undefined;
    }, 'the stored photo message');
    expect(message?.attachments).toMatchObject([{ kind: 'image', mimeType: 'image/png', fileName: 'parcel.png', caption: 'it arrived like this' }]);
    expect(message?.attachments[0]?.url).toMatch(/^media:[0-9a-f-]{36}$/);
    const path = `/api/v1/conversations/${message?.conversation_id}/messages/${message?.id}/attachments/0`;
    const shown = await stack.app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${alpha.token}` } });
    expect(shown.statusCode).toBe(200);
    expect(shown.rawPayload.equals(photo)).toBe(true);
    expect(shown.headers).toMatchObject({ 'content-type': 'image/png', 'content-disposition': "inline; filename*=UTF-8''parcel.png", 'x-content-type-options': 'nosniff' });
    // Another workspace gets a 404 naming nothing, for the same ids.
    const other = await stack.app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${beta.token}` } });
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toContain(message?.id ?? '');
    // A replay of the message downloads nothing again and keeps one copy.
    client.disconnect('NAVIGATION');
    const again = await whatsApp.until(() => whatsApp.clientsOf(client.options.channelId).length === 2 && whatsApp.latest(client.options.channelId)?.state === 'ready' && whatsApp.latest(client.options.channelId));
    again.receive({ id, from: customer, body: 'it arrived like this', media: { mimetype: 'image/png', filename: 'parcel.png', size: photo.byteLength, data: photo } });
    again.receive({ id: `false_${customer}_3EB0DDDD0002`, from: customer, body: 'hello?' });
    await eventually(async () => (await stack.sql('select 1 from messages where external_id = $1', [`false_${customer}_3EB0DDDD0002`])).length === 1, 'the message after the replay');
    expect(again.downloads.get(id) ?? 0).toBe(0);
    expect(await stack.sql('select 1 from media_objects where sha256 = encode(sha256($1), \'hex\')', [photo])).toHaveLength(1);
    // A document is downloaded, never shown in the page; media WhatsApp no longer has is listed without a file.
    again.receive({ id: `false_${customer}_3EB0DDDD0003`, from: customer, type: 'document', media: { mimetype: 'text/html', filename: 'invoice.html', data: '<script>alert(1)</script>' } });
    again.receive({ id: `false_${customer}_3EB0DDDD0004`, from: customer, type: 'audio', media: { mimetype: 'audio/ogg', expired: true } });
    const [html, expired] = await eventually(async () => {
      const rows = await stack.sql<{ id: string; conversation_id: string; external_id: string }>(
        'select id, conversation_id, external_id from messages where external_id = any($1) order by external_id', [[`false_${customer}_3EB0DDDD0003`, `false_${customer}_3EB0DDDD0004`]]);
      return rows.length === 2 ? rows : undefined;
    }, 'the document and the expired voice note');
    const document = await stack.app.inject({ method: 'GET', url: `/api/v1/conversations/${html?.conversation_id}/messages/${html?.id}/attachments/0`, headers: { authorization: `Bearer ${alpha.token}` } });
    expect(document.statusCode).toBe(200);
    expect(document.headers['content-disposition']).toBe("attachment; filename*=UTF-8''invoice.html");
    const missing = await stack.app.inject({ method: 'GET', url: `/api/v1/conversations/${expired?.conversation_id}/messages/${expired?.id}/attachments/0`, headers: { authorization: `Bearer ${alpha.token}` } });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'SB_ERR_NOT_FOUND' } });
    const outOfRange = await stack.app.inject({ method: 'GET', url: `/api/v1/conversations/${html?.conversation_id}/messages/${html?.id}/attachments/12`, headers: { authorization: `Bearer ${alpha.token}` } });
    expect(outOfRange.statusCode).toBe(400);
  });

  it("sends a file an agent uploaded to the WhatsApp chat, and refuses files that are not the workspace's", async () => {
    const { client } = await linkedChannel(alpha, '212600000107');
    const customer = '212600000206@c.us';
    client.receive({ id: `false_${customer}_3EB0EEEE0001`, from: customer, body: 'I want to talk to a human please', notifyName: 'Lina' });
    const conversationId = await eventually(async () => (await stack.sql<{ id: string; status: string }>('select id, status from conversations where external_chat_id = $1', [customer]))
      .find((row) => row.status === 'awaiting_agent')?.id, 'the handoff');
    await stack.api(alpha.token, 'POST', `/api/v1/conversations/${conversationId}/claim`);
    const invoice = Buffer.from('%PDF-1.4 invoice 2041');
    const uploaded = await stack.upload(alpha.token, `/api/v1/conversations/${conversationId}/attachments`, { name: 'invoice-2041.pdf', bytes: invoice, mediaType: 'application/pdf' });
    expect(uploaded.statusCode).toBe(201);
    const file = uploaded.json<UploadedAttachment>();
    expect(file).toMatchObject({ kind: 'document', mimeType: 'application/pdf', fileName: 'invoice-2041.pdf', sizeBytes: invoice.byteLength });
    const { message } = await stack.api<{ message: MessageView }>(alpha.token, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
      text: 'Here is your invoice.', attachments: [{ mediaId: file.mediaId }], clientId: `c_${randomUUID().slice(0, 12)}`,
    });
    expect(message.attachments).toEqual([{ kind: 'document', mimeType: 'application/pdf', fileName: 'invoice-2041.pdf', sizeBytes: invoice.byteLength, url: `media:${file.mediaId}` }]);
    const sent = await eventually(() => client.sent.find((entry) => entry.chatId === customer && typeof entry.content !== 'string'), 'the file on WhatsApp');
    expect(sent.content).toEqual({ mimetype: 'application/pdf', data: invoice.toString('base64'), filename: 'invoice-2041.pdf', filesize: invoice.byteLength });
    expect(sent.options).toEqual({ caption: 'Here is your invoice.' });
    await eventually(async () => (await stack.sql<{ status: string }>('select status from messages where id = $1', [message.id]))[0]?.status === 'sent', 'sent');
    // The console shows the sent file from the same route as a received one.
    const shown = await stack.app.inject({ method: 'GET', url: `/api/v1/conversations/${conversationId}/messages/${message.id}/attachments/0`, headers: { authorization: `Bearer ${alpha.token}` } });
    expect(shown.rawPayload.equals(invoice)).toBe(true);

    // Another workspace's upload cannot be sent from here, nor can nothing at all.
    const betaConversation = await stack.api<{ items: Array<{ id: string }> }>(beta.token, 'GET', '/api/v1/conversations?tab=all');
    expect(betaConversation.items).toEqual([]);
    const foreign = await stack.upload(beta.token, `/api/v1/conversations/${conversationId}/attachments`, { name: 'x.pdf', bytes: invoice });
    expect(foreign.statusCode).toBe(404);
    const [betaMedia] = await stack.sql<{ id: string }>(`insert into media_objects (id, tenant_id, mime_type, size_bytes, sha256, bytes) values (gen_random_uuid(), $1, 'application/pdf', 1, 'x', '\\x00') returning id`, [beta.tenantId]);
    const stolen = await stack.app.inject({ method: 'POST', url: `/api/v1/conversations/${conversationId}/messages`, headers: { authorization: `Bearer ${alpha.token}` },
      payload: { attachments: [{ mediaId: betaMedia?.id }], clientId: `c_${randomUUID().slice(0, 12)}` } });
    expect(stolen.statusCode).toBe(400);
    expect(stolen.json()).toMatchObject({ error: { code: 'SB_ERR_VALIDATION', issues: [{ path: '/attachments/0/mediaId' }] } });
    const empty = await stack.app.inject({ method: 'POST', url: `/api/v1/conversations/${conversationId}/messages`, headers: { authorization: `Bearer ${alpha.token}` },
      payload: { clientId: `c_${randomUUID().slice(0, 12)}` } });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ error: { issues: [{ path: '/text' }] } });
    const noFile = await stack.app.inject({ method: 'POST', url: `/api/v1/conversations/${conversationId}/attachments`, headers: { authorization: `Bearer ${alpha.token}`, 'content-type': 'application/json' }, payload: '{}' });
    expect(noFile.statusCode).toBe(415);
    expect(client.sent.filter((entry) => entry.chatId === customer && typeof entry.content !== 'string')).toHaveLength(1);

    // A day later, an upload nobody sent is swept away; the sent one and customers' media stay.
    const forgotten = (await stack.upload(alpha.token, `/api/v1/conversations/${conversationId}/attachments`, { name: 'draft.pdf', bytes: Buffer.from('%PDF-1.4 draft'), mediaType: 'application/pdf' })).json<UploadedAttachment>();
    await stack.sql(`update media_objects set created_at = now() - interval '2 days' where tenant_id = $1`, [alpha.tenantId]);
    const kept = async () => new Set((await stack.sql<{ id: string }>('select id from media_objects where tenant_id = $1', [alpha.tenantId])).map((row) => row.id));
    const before = await kept();
    expect(before.has(forgotten.mediaId)).toBe(true);
    expect(await mediaStore.sweepUnsentUploads(stack.orm)).toBe(1);
    const after = await kept();
    expect(after.has(forgotten.mediaId)).toBe(false);
    expect(after.has(file.mediaId)).toBe(true);
    expect(after.size).toBe(before.size - 1);
  });

  it('removes a channel: the phone is unlinked, the saved login deleted, the history kept and read-only', async () => {
    const { channel, client } = await linkedChannel(alpha, '212600000108');
    const customer = '212600000207@c.us';
    client.receive({ id: `false_${customer}_3EB0FFFF0001`, from: customer, body: 'I want to talk to a human please', notifyName: 'Omar' });
    const conversationId = await eventually(async () => (await stack.sql<{ id: string; status: string }>('select id, status from conversations where external_chat_id = $1', [customer]))
      .find((row) => row.status === 'awaiting_agent')?.id, 'the handoff');
    await stack.api(alpha.token, 'POST', `/api/v1/conversations/${conversationId}/claim`);
    await eventually(async () => (await stack.sql('select 1 from whatsapp_sessions where channel_id = $1', [channel.id])).length === 1, 'the saved login');
    // Another workspace cannot remove it.
    const foreign = await stack.app.inject({ method: 'DELETE', url: `/api/v1/channels/${channel.id}`, headers: { authorization: `Bearer ${beta.token}` } });
    expect(foreign.statusCode).toBe(404);
    const removed = await stack.api<{ id: string; warnings: string[] }>(alpha.token, 'DELETE', `/api/v1/channels/${channel.id}`);
    expect(removed).toMatchObject({ id: channel.id, warnings: [] });
    expect(client.loggedOut).toBe(true);
    expect(await stack.sql('select 1 from whatsapp_sessions where channel_id = $1', [channel.id])).toEqual([]);
    const listed = await stack.api<{ items: ChannelView[] }>(alpha.token, 'GET', '/api/v1/channels');
    expect(listed.items.map((item) => item.id)).not.toContain(channel.id);
    // The conversation and its messages stay readable; a reply is refused with why.
    const history = await stack.api<{ items: MessageView[] }>(alpha.token, 'GET', `/api/v1/conversations/${conversationId}/messages`);
    expect(history.items.map((message) => message.text)).toContain('I want to talk to a human please');
    const reply = await stack.app.inject({ method: 'POST', url: `/api/v1/conversations/${conversationId}/messages`, headers: { authorization: `Bearer ${alpha.token}` },
      payload: { text: 'Are you still there?', clientId: `c_${randomUUID().slice(0, 12)}` } });
    expect(reply.statusCode).toBe(409);
    expect(reply.json()).toMatchObject({ error: { code: 'SB_ERR_CONFLICT', message: expect.stringContaining('was removed') } });
    // No node starts it again.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(whatsApp.clientsOf(channel.id).filter((candidate) => candidate.state !== 'destroyed')).toEqual([]);
    expect((await stack.app.inject({ method: 'DELETE', url: `/api/v1/channels/${channel.id}`, headers: { authorization: `Bearer ${alpha.token}` } })).statusCode).toBe(404);
  });

  it('lists groups and contacts, enables a group, and keeps another workspace out', async () => {
    const { channel, client } = await linkedChannel(alpha, '212600000105');
    const groups = await stack.api<ChannelPeerList>(alpha.token, 'GET', `/api/v1/channels/${channel.id}/groups`);
    expect(groups.items).toEqual([{ id: '120363000000000001@g.us', name: 'Wholesale buyers', enabled: false }]);
    const contacts = await stack.api<ChannelPeerList>(alpha.token, 'GET', `/api/v1/channels/${channel.id}/contacts`);
    expect(contacts.items).toEqual([{ id: '212600000009@c.us', name: 'Salma' }]);
    client.receive({ id: 'false_120363000000000001@g.us_G1', from: '120363000000000001@g.us', author: '212600000204@c.us', body: 'before enabling' });
    await stack.api(alpha.token, 'PUT', `/api/v1/channels/${channel.id}/whatsapp-settings`, { whitelist: [], enabledGroups: ['120363000000000001@g.us'] });
    expect((await stack.api<ChannelPeerList>(alpha.token, 'GET', `/api/v1/channels/${channel.id}/groups`)).items[0]?.enabled).toBe(true);
    client.receive({ id: 'false_120363000000000001@g.us_G2', from: '120363000000000001@g.us', author: '212600000204@c.us', body: 'after enabling' });
    await eventually(async () => (await stack.sql('select 1 from messages where external_id = $1', ['false_120363000000000001@g.us_G2'])).length === 1, 'the group message');
    expect(await stack.sql('select 1 from messages where external_id = $1', ['false_120363000000000001@g.us_G1'])).toEqual([]);
    for (const [method, path] of [['GET', 'groups'], ['POST', 'stop'], ['POST', 'logout'], ['GET', 'whatsapp-settings']] as const) {
      const response = await stack.app.inject({ method, url: `/api/v1/channels/${channel.id}/${path}`, headers: { authorization: `Bearer ${beta.token}` } });
      expect(response.statusCode).toBe(404);
      expect(response.body).not.toContain(channel.id);
    }
    expect(client.state).toBe('ready');
  });

  it('logs out: the saved login is deleted, and the next start asks for a QR again', async () => {
    const { channel, client } = await linkedChannel(alpha, '212600000106');
    await eventually(async () => (await stack.sql('select 1 from whatsapp_sessions where channel_id = $1', [channel.id])).length === 1, 'the saved login');
    const stopped = await stack.api<ChannelCommandReply>(alpha.token, 'POST', `/api/v1/channels/${channel.id}/logout`);
    expect(stopped.status.state).toBe('stopped');
    expect(client.loggedOut).toBe(true);
    expect(await stack.sql('select 1 from whatsapp_sessions where channel_id = $1', [channel.id])).toEqual([]);
    const started = await stack.api<ChannelCommandReply>(alpha.token, 'POST', `/api/v1/channels/${channel.id}/start`);
    expect(started.status.node).toBe('node-a');
    await whatsApp.until(() => whatsApp.clientsOf(channel.id).length === 2 && whatsApp.latest(channel.id)?.state === 'qr');
    await stack.api(alpha.token, 'POST', `/api/v1/channels/${channel.id}/stop`);
  });

  it('runs each session on one node only, and moves it to a node restarted on an empty disk without a new QR', async () => {
    const { channel } = await linkedChannel(alpha, '212600000107');
    await eventually(async () => (await stack.sql('select 1 from whatsapp_sessions where channel_id = $1', [channel.id])).length === 1, 'the saved login');
    const otherWorld = new FakeWhatsApp();
    const secondDir = await mkdtemp(join(tmpdir(), 'sb-wa-node-b-'));
    dataDirs.push(secondDir);
    const nodeB: WhatsAppSessionManager = await startWhatsAppSessions({
      bus: stack.bus, orm: stack.orm, logger: testLogger(), sessions: new Map(), node: 'node-b', authDataPath: secondDir,
      clientFactory: otherWorld.factory, vault: postgresSessionVault(stack.orm, createSecretBox(deriveKeys(testSecretKey).encryptionKey)),
      maxSessions: 50, renewIntervalMs: 200, leaseTtlMs: 2_000, backoffMs: () => 0,
    });
    try {
      // Node B started, renewed and tried to adopt: every session it saw was leased to node A.
      await eventually(async () => (await stack.sql<{ holder: string }>('select holder from channel_leases where channel_id = $1', [channel.id]))[0]?.holder === 'node-a', 'the lease of node A');
      expect(nodeB.heldChannels()).not.toContain(channel.id);
      expect(otherWorld.clientsOf(channel.id)).toEqual([]);
      // Node A shuts down (its leases given up); node B adopts the session from the saved login.
      const consoleA = await stack.console(alpha.token);
      const seen = record(consoleA, ['channel.qr', 'channel.status']);
      await connector?.stop();
      connector = undefined;
      const moved = await otherWorld.until(() => otherWorld.latest(channel.id)?.state === 'ready' && otherWorld.latest(channel.id));
      expect(moved.events.map((event) => event.name)).not.toContain('qr');
      expect(moved.info?.wid.user).toBe('212600000107');
      await eventually(() => frames<{ channelId: string; state: string; node: string }>(seen, 'channel.status').some((status) => status.channelId === channel.id && status.state === 'ready' && status.node === 'node-b'), 'ready on node B');
      expect(frames<{ channelId: string }>(seen, 'channel.qr').filter((qr) => qr.channelId === channel.id)).toEqual([]);
      // A restarted node A on an empty disk finds the session held by B and leaves it.
      connector = await startConnectorNode(whatsApp, 'node-a');
      expect(whatsApp.clientsOf(channel.id).filter((client) => client.state !== 'destroyed')).toEqual([]);
    } finally {
      await nodeB.stop();
    }
    expect(otherWorld.clients.every((client) => client.state === 'destroyed')).toBe(true);
  });
});
