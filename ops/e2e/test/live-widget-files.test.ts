import { randomBytes, randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  WIDGET_FILE_PATH, WIDGET_UPLOAD_CHUNK_BYTES,
  type AckOf, type ConsoleFrame, type MessageView, type UploadedAttachment, type WidgetUploadResult,
} from '@switchboard/contracts';
import { deriveKeys, signWidgetFileToken } from '@switchboard/security';
import { eventually, testSecretKey } from '@switchboard/testing';
import { command, LiveStack, record, type Workspace } from './support/live-stack.ts';

// Files both ways through the storefront widget, on real NATS and PostgreSQL: a visitor's file
// arrives in `file.upload` pieces over the widget's socket and reaches the console like a
// WhatsApp photo; an agent's file reaches the visitor as a signed link that needs no session.
let stack: LiveStack;
let shop: Workspace;
let rival: Workspace;
/** `MEDIA_MAX_BYTES` of this stack: below the widget's own 10 MiB, so it is the one that counts. */
const mediaMaxBytes = 1_000_000;
const keys = deriveKeys(testSecretKey);

const visitorId = () => `v_${randomUUID().replaceAll('-', '')}`;
const clientId = () => `c_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
const widgetMessages = (seen: Array<{ name: string; payload: unknown }>) =>
  seen.filter((event) => event.name === 'message.created').map((event) => (event.payload as { message: MessageView }).message);

beforeAll(async () => {
  stack = await LiveStack.start({ mediaMaxBytes, widgetLimits: { filesPerVisitor: { limit: 4, windowMs: 60_000 } } });
  shop = await stack.signUp('parcel');
  rival = await stack.signUp('rival');
});

afterAll(async () => {
  await stack?.close();
});

/** A socket command's raw ack, error included. */
async function ack<T>(socket: Socket, name: string, payload: unknown): Promise<AckOf<T>> {
  return (await socket.timeout(15_000).emitWithAck(name, payload)) as AckOf<T>;
}

/** Uploads a file as the widget does: pieces in order, each after the last one's ack. Answers every ack. */
async function upload(widget: Socket, file: { clientId: string; name: string; type: string; bytes: Buffer }): Promise<WidgetUploadResult[]> {
  const acks: WidgetUploadResult[] = [];
  let offset = 0;
  for (;;) {
    const data = file.bytes.subarray(offset, offset + WIDGET_UPLOAD_CHUNK_BYTES);
    const result = await command<WidgetUploadResult>(widget, 'file.upload', { clientId: file.clientId, name: file.name, type: file.type, size: file.bytes.byteLength, offset, data });
    acks.push(result);
    if (result.done) return acks;
    offset = result.received;
  }
}

const mediaCount = async (tenantId: string) => Number((await stack.sql<{ count: string }>('select count(*) from media_objects where tenant_id = $1', [tenantId]))[0]?.count);

/** A visitor of `workspace` who has written once; answers the socket, what it saw and the conversation. */
async function visitorWithConversation(workspace: Workspace, id = visitorId()) {
  const ip = `10.3.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  const widget = await stack.visitor({ key: workspace.widgetKey, visitorId: id, name: 'Salma' }, { 'x-forwarded-for': ip });
  const seen = record(widget, ['message.created', 'message.updated']);
  const sent = await command<{ id: string }>(widget, 'message.send', { text: 'my parcel arrived damaged', clientId: clientId() });
  const conversationId = await eventually(async () => (await stack.sql<{ conversation_id: string }>('select conversation_id from messages where id = $1', [sent.id]))[0]?.conversation_id, 'the stored message');
  return { widget, seen, conversationId, visitorId: id };
}

describe("a storefront visitor's files", () => {
  it("keeps a photo sent in pieces and shows it in the console as a WhatsApp photo is shown, its bytes served by the console's route", async () => {
    const agentConsole = await stack.console(shop.token);
    const seenByConsole = record(agentConsole, ['message.created']);
    const { widget, seen, conversationId } = await visitorWithConversation(shop);
    // Larger than one piece, so it arrives in two.
    const photo = { clientId: clientId(), name: 'damaged parcel.png', type: 'image/png', bytes: randomBytes(WIDGET_UPLOAD_CHUNK_BYTES + 1000) };
    const acks = await upload(widget, photo);
    expect(acks.map((result) => [result.received, result.done])).toEqual([[WIDGET_UPLOAD_CHUNK_BYTES, false], [photo.bytes.byteLength, true]]);
    const sent = await command<{ id: string }>(widget, 'message.send', { text: 'see the photo', files: [photo.clientId], clientId: clientId() });

    const inConsole = await eventually(() => seenByConsole.map((event) => (event.payload as ConsoleFrame<'message.created'>).data.message).find((message) => message.id === sent.id), 'the message in the console');
    expect(inConsole).toMatchObject({ conversationId, author: { kind: 'customer' }, text: 'see the photo' });
    expect(inConsole.attachments).toEqual([{ kind: 'image', mimeType: 'image/png', fileName: 'damaged parcel.png', sizeBytes: photo.bytes.byteLength, url: `media:${acks[0]?.id}` }]);
    const served = await stack.app.inject({ method: 'GET', url: `/api/v1/conversations/${conversationId}/messages/${sent.id}/attachments/0`, headers: { authorization: `Bearer ${shop.token}` } });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.rawPayload.equals(photo.bytes)).toBe(true);

    // The visitor sees their own photo too, through a signed link rather than the store's reference.
    const own = await eventually(() => widgetMessages(seen).find((message) => message.id === sent.id), 'the message back in the widget');
    expect(own.attachments[0]?.url).toMatch(new RegExp(`^${WIDGET_FILE_PATH}[A-Za-z0-9_-]{72}$`));
    expect(JSON.stringify(seen)).not.toContain('media:');
    const mine = await fetch(`${stack.url}${own.attachments[0]?.url}`);
    expect(Buffer.from(await mine.arrayBuffer()).equals(photo.bytes)).toBe(true);
  });

  it('keeps a file sent twice under the same clientId once, answering the resend at once', async () => {
    const { widget } = await visitorWithConversation(shop);
    const before = await mediaCount(shop.tenantId);
    const receipt = { clientId: clientId(), name: 'receipt.pdf', type: 'application/pdf', bytes: Buffer.from('%PDF-1.4 receipt') };
    const [first] = await upload(widget, receipt);
    const again = await upload(widget, receipt);
    expect(again).toEqual([first]);
    expect(first).toMatchObject({ received: receipt.bytes.byteLength, done: true });
    expect(await mediaCount(shop.tenantId)).toBe(before + 1);
    // A message sent twice (a lost ack) with it is one message with one file.
    const message = { text: 'my receipt', files: [receipt.clientId], clientId: clientId() };
    const sent = await command<{ id: string }>(widget, 'message.send', message);
    expect(await command<{ id: string }>(widget, 'message.send', message)).toEqual(sent);
    await eventually(async () => (await stack.sql('select 1 from messages where id = $1', [sent.id])).length === 1, 'the message');
    expect(await mediaCount(shop.tenantId)).toBe(before + 1);
  });

  it('refuses a file too large, of a type the chat does not take, or a payload that is not bytes, naming the field and keeping nothing', async () => {
    const widget = await stack.visitor({ key: shop.widgetKey, visitorId: visitorId() });
    const before = await mediaCount(shop.tenantId);
    const piece = { clientId: clientId(), name: 'photo.jpg', type: 'image/jpeg', size: 10, offset: 0, data: Buffer.from('0123456789') };
    const refusals: Array<[string, unknown, string, string]> = [
      ['larger than MEDIA_MAX_BYTES', { ...piece, size: mediaMaxBytes + 1 }, 'SB_ERR_PAYLOAD_TOO_LARGE', '/size'],
      ['a web page', { ...piece, name: 'page.html', type: 'text/html' }, 'SB_ERR_VALIDATION', '/type'],
      ['a program', { ...piece, name: 'setup.exe', type: 'application/x-msdownload' }, 'SB_ERR_VALIDATION', '/type'],
      ['not a MIME type', { ...piece, type: 'jpeg' }, 'SB_ERR_VALIDATION', '/type'],
      ['text in place of bytes', { ...piece, data: 'MDEyMzQ1Njc4OQ==' }, 'SB_ERR_VALIDATION', '/data'],
      ['a piece larger than a piece may be', { ...piece, size: WIDGET_UPLOAD_CHUNK_BYTES + 1, data: Buffer.alloc(WIDGET_UPLOAD_CHUNK_BYTES + 1) }, 'SB_ERR_VALIDATION', '/data'],
      ['more bytes than the stated size', { ...piece, size: 4 }, 'SB_ERR_VALIDATION', '/data'],
      ['a piece continuing no upload', { ...piece, size: 20, offset: 5 }, 'SB_ERR_CONFLICT', '/offset'],
      ['no data', { ...piece, data: undefined }, 'SB_ERR_VALIDATION', '/data'],
    ];
    for (const [what, payload, code, path] of refusals) {
      const answer = await ack<WidgetUploadResult>(widget, 'file.upload', payload);
      expect('error' in answer ? answer.error : answer, what).toMatchObject({ code, issues: expect.arrayContaining([expect.objectContaining({ path })]) });
    }
    const tooLarge = await ack(widget, 'file.upload', { ...piece, size: mediaMaxBytes + 1 });
    expect('error' in tooLarge && tooLarge.error.message).toBe('The file is larger than 1 MB, the most this chat takes.');
    // A file cut off half way is not kept either.
    expect((await ack<WidgetUploadResult>(widget, 'file.upload', { ...piece, size: 20 }))).toMatchObject({ data: { received: 10, done: false } });
    widget.disconnect();
    expect(await mediaCount(shop.tenantId)).toBe(before);
    // A message needs text or a file, and at most five files.
    const other = await stack.visitor({ key: shop.widgetKey, visitorId: visitorId() });
    expect(await ack(other, 'message.send', { clientId: clientId() })).toMatchObject({ error: { code: 'SB_ERR_VALIDATION', issues: [{ path: '/text' }] } });
    expect(await ack(other, 'message.send', { clientId: clientId(), files: Array.from({ length: 6 }, clientId) })).toMatchObject({ error: { code: 'SB_ERR_VALIDATION', issues: [{ path: '/files' }] } });
  });

  it("refuses a message naming a file another visitor or another workspace's visitor uploaded, and stores no message", async () => {
    const { widget: owner } = await visitorWithConversation(shop);
    const invoice = { clientId: clientId(), name: 'invoice.pdf', type: 'application/pdf', bytes: Buffer.from('%PDF-1.4 private invoice') };
    const [uploaded] = await upload(owner, invoice);
    for (const [workspace, who] of [[shop, 'another visitor of the same shop'], [rival, "another workspace's visitor"]] as const) {
      const thief = await stack.visitor({ key: workspace.widgetKey, visitorId: visitorId() });
      const messageClientId = clientId();
      for (const named of [invoice.clientId, uploaded?.id]) {
        const answer = await ack(thief, 'message.send', { text: 'look', files: [named], clientId: messageClientId });
        expect(answer, who).toMatchObject({ error: { code: 'SB_ERR_VALIDATION', issues: [{ path: '/files/0', message: 'names no file this visitor uploaded' }] } });
      }
      expect(await stack.sql(`select 1 from messages where attachments::text like $1 and author_kind = 'customer' and conversation_id in (select id from conversations where channel_id = $2)`, [`%${uploaded?.id}%`, workspace.channelId])).toEqual([]);
    }
    expect(await stack.sql('select tenant_id from media_objects where id = $1', [uploaded?.id])).toEqual([{ tenant_id: shop.tenantId }]);
  });

  it('limits how many files one visitor starts sending in a minute', async () => {
    const widget = await stack.visitor({ key: shop.widgetKey, visitorId: visitorId() });
    const note = () => ({ clientId: clientId(), name: 'note.txt', type: 'text/plain', bytes: Buffer.from('hello') });
    for (let index = 0; index < 4; index += 1) await upload(widget, note());
    await expect(upload(widget, note())).rejects.toMatchObject({ code: 'SB_ERR_RATE_LIMITED' });
  });
});

describe("an agent's files in the widget", () => {
  /** A web chat conversation an agent holds, an agent's file sent in it, and what the visitor's widget saw. */
  async function agentSendsFile(workspace: Workspace, file: { name: string; mediaType: string; bytes: Buffer }) {
    const visitor = await visitorWithConversation(workspace);
    await stack.api(workspace.token, 'POST', `/api/v1/conversations/${visitor.conversationId}/claim`);
    const uploaded = await stack.upload(workspace.token, `/api/v1/conversations/${visitor.conversationId}/attachments`, file);
    expect(uploaded.statusCode).toBe(201);
    const { mediaId } = uploaded.json<UploadedAttachment>();
    const { message: sent } = await stack.api<{ message: MessageView }>(workspace.token, 'POST', `/api/v1/conversations/${visitor.conversationId}/messages`, { text: 'Here is your label', attachments: [{ mediaId }], clientId: clientId() });
    const received = await eventually(() => widgetMessages(visitor.seen).find((message) => message.id === sent.id), "the agent's message in the widget");
    return { ...visitor, sent, received, mediaId };
  }

  it("reaches the visitor's widget with a signed link that serves the file without a session, on live events, on reconnect and on catch-up", async () => {
    const label = { name: 'return label.pdf', mediaType: 'application/pdf', bytes: Buffer.from('%PDF-1.4 return label') };
    const { widget, seen, sent, received, visitorId: id } = await agentSendsFile(shop, label);
    expect(sent.attachments[0]?.url).toMatch(/^media:/);
    expect(received.author).toMatchObject({ kind: 'agent' });
    expect(received.attachments).toEqual([{ kind: 'document', mimeType: 'application/pdf', fileName: 'return label.pdf', sizeBytes: label.bytes.byteLength, url: expect.stringMatching(new RegExp(`^${WIDGET_FILE_PATH}[A-Za-z0-9_-]{72}$`)) }]);

    const response = await fetch(`${stack.url}${received.attachments[0]?.url}`);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(label.bytes)).toBe(true);
    expect(Object.fromEntries(['content-type', 'content-disposition', 'x-content-type-options', 'content-security-policy', 'cross-origin-resource-policy'].map((name) => [name, response.headers.get(name)]))).toEqual({
      'content-type': 'application/pdf',
      'content-disposition': "attachment; filename*=UTF-8''return%20label.pdf",
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cross-origin-resource-policy': 'cross-origin',
    });
    expect(response.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);

    // A reconnecting widget gets signed links in session.ready, and in what it fetches after a message.
    widget.disconnect();
    const again = await stack.visitor({ key: shop.widgetKey, visitorId: id });
    const ready = await new Promise<{ messages: MessageView[] }>((resolve) => {
      again.once('session.ready', resolve);
      again.disconnect().connect();
    });
    const first = ready.messages[0]?.id ?? '';
    const fetched = await command<{ messages: MessageView[] }>(again, 'messages.fetch', { afterMessageId: first });
    for (const message of [ready.messages.find((item) => item.id === sent.id), fetched.messages.find((item) => item.id === sent.id)]) {
      expect(message?.attachments[0]?.url).toMatch(new RegExp(`^${WIDGET_FILE_PATH}`));
      expect((await fetch(`${stack.url}${message?.attachments[0]?.url}`)).status).toBe(200);
    }
    expect(JSON.stringify([seen, ready, fetched])).not.toContain('media:');
  });

  it('answers a tampered, forged, malformed or expired link with a clear 404 or 410, never a 500', async () => {
    const { received, sent } = await agentSendsFile(shop, { name: 'photo.png', mediaType: 'image/png', bytes: Buffer.from('not really a png') });
    const link = received.attachments[0]?.url ?? '';
    const token = link.slice(WIDGET_FILE_PATH.length);
    const get = async (path: string) => {
      const response = await stack.app.inject({ method: 'GET', url: path });
      return { status: response.statusCode, error: response.json<{ error: { code: string; message: string } }>().error };
    };
    const tampered = `${token.slice(0, 40)}${token[40] === 'A' ? 'B' : 'A'}${token.slice(41)}`;
    const notFound = { status: 404, error: { code: 'SB_ERR_NOT_FOUND', message: 'No file has this link; it may have been copied incompletely.' } };
    for (const bad of [tampered, token.slice(0, -1), `${token}x`, 'garbage', '%00', '%E2%80%AE', 'x'.repeat(100)]) {
      expect(await get(`${WIDGET_FILE_PATH}${bad}`), bad.slice(0, 30)).toMatchObject(notFound);
    }
    // Past Fastify's limit on a path parameter (100 characters) the router answers 414 before the route.
    expect((await stack.app.inject({ method: 'GET', url: `${WIDGET_FILE_PATH}${'x'.repeat(5000)}` })).statusCode).toBe(414);
    const expired = signWidgetFileToken(keys, { tenantId: shop.tenantId, messageId: sent.id, index: 0, expiresAt: Math.floor(Date.now() / 1000) - 1 });
    expect(await get(`${WIDGET_FILE_PATH}${expired}`)).toMatchObject({ status: 410, error: { code: 'SB_ERR_LINK_EXPIRED', message: 'This file link has expired; reopen the chat to get a new one.' } });
    const pastTheFiles = signWidgetFileToken(keys, { tenantId: shop.tenantId, messageId: sent.id, index: 1, expiresAt: Math.floor(Date.now() / 1000) + 60 });
    expect(await get(`${WIDGET_FILE_PATH}${pastTheFiles}`)).toMatchObject(notFound);
  });

  it("cannot turn one workspace's link into another's file, nor open a file on a message that is private", async () => {
    const ours = await agentSendsFile(shop, { name: 'ours.pdf', mediaType: 'application/pdf', bytes: Buffer.from('%PDF ours') });
    const theirs = await agentSendsFile(rival, { name: 'theirs.pdf', mediaType: 'application/pdf', bytes: Buffer.from('%PDF theirs') });
    const expiresAt = Math.floor(Date.now() / 1000) + 3600;
    const link = (tenantId: string, messageId: string) => `${WIDGET_FILE_PATH}${signWidgetFileToken(keys, { tenantId, messageId, index: 0, expiresAt })}`;
    const status = async (path: string) => (await stack.app.inject({ method: 'GET', url: path })).statusCode;
    // Genuinely signed, but naming one workspace with the other's message: row-level security finds nothing.
    expect(await status(link(shop.tenantId, theirs.sent.id))).toBe(404);
    expect(await status(link(rival.tenantId, ours.sent.id))).toBe(404);
    expect(await status(link(rival.tenantId, theirs.sent.id))).toBe(200);
    // The visitor's own link, with its tenant bytes swapped for the other workspace's: the MAC breaks.
    const token = Buffer.from((ours.received.attachments[0]?.url ?? '').slice(WIDGET_FILE_PATH.length), 'base64url');
    Buffer.from(rival.tenantId.replaceAll('-', ''), 'hex').copy(token, 1);
    expect(await status(`${WIDGET_FILE_PATH}${token.toString('base64url')}`)).toBe(404);
    // A message that is (or became) private is never served, even by a genuine link.
    await stack.sql('update messages set is_private = true where id = $1', [ours.sent.id]);
    expect(await status(ours.received.attachments[0]?.url ?? '')).toBe(404);
  });
});
