import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleFrame, ConversationCommandResult, ConversationPage, ConversationView, InboxCounts, MessagePage, MessageView, ReplayResult } from '@switchboard/contracts';
import { eventually } from '@switchboard/testing';
import { command, LiveStack, record, type Workspace } from './support/live-stack.ts';

// The heart of the product on real NATS and PostgreSQL: a storefront visitor's widget socket,
// the runner's conversation actors and an agent's console socket, through the real hub.
let stack: LiveStack;
let shop: Workspace;

const visitorId = () => `v_${randomUUID().replaceAll('-', '')}`;
const clientId = () => `c_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
const messages = (seen: Array<{ name: string; payload: unknown }>, name = 'message.created') =>
  seen.filter((event) => event.name === name).map((event) => (event.payload as { message: MessageView }).message);
const consoleMessages = (seen: Array<{ name: string; payload: unknown }>) =>
  seen.filter((event) => event.name === 'message.created').map((event) => (event.payload as ConsoleFrame<'message.created'>).data.message);

beforeAll(async () => {
  stack = await LiveStack.start({ widgetLimits: { conversationsPerIp: { limit: 3, windowMs: 60_000 } } });
  shop = await stack.signUp('atlas');
});

afterAll(async () => {
  await stack?.close();
});

/** A visitor who wrote `text` and whose conversation the runner created; answers its id. */
async function visitorWrites(workspace: Workspace, text: string, ip = `10.1.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`) {
  const id = visitorId();
  const widget = await stack.visitor({ key: workspace.widgetKey, visitorId: id, name: 'Salma', visit: { pageUrl: 'https://shop.example/tea?utm_source=ig', utm: { utm_source: 'ig' } } }, { 'x-forwarded-for': ip });
  const seen = record(widget, ['session.ready', 'message.created', 'message.updated', 'agent.joined', 'agent.left', 'typing.started']);
  const sent = await command<{ id: string }>(widget, 'message.send', { text, clientId: clientId() });
  const conversationId = await eventually(async () => (await stack.sql<{ conversation_id: string }>('select conversation_id from messages where id = $1', [sent.id]))[0]?.conversation_id, 'the stored message');
  return { widget, seen, sent, conversationId, visitorId: id };
}

describe('live conversations end to end', () => {
  it("shows a visitor's message in the console as it happens, and the bot's answer in both", async () => {
    const agentConsole = await stack.console(shop.token);
    const seenByConsole = record(agentConsole, ['conversation.created', 'message.created']);
    const { seen, sent, conversationId } = await visitorWrites(shop, 'hello there');
    await eventually(() => consoleMessages(seenByConsole).some((message) => message.author.kind === 'bot' && message.conversationId === conversationId), "the bot's reply in the console");
    expect(consoleMessages(seenByConsole).filter((message) => message.conversationId === conversationId).map((message) => message.author.kind)).toEqual(['customer', 'bot']);
    expect(consoleMessages(seenByConsole)[0]?.id).toBe(sent.id);
    const created = seenByConsole.find((event) => event.name === 'conversation.created')?.payload as ConsoleFrame<'conversation.created'>;
    expect(created.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.data.conversation).toMatchObject({ id: conversationId, status: 'bot', channelType: 'webchat', contactName: 'Salma' });
    await eventually(() => messages(seen).some((message) => message.author.kind === 'bot'), "the bot's reply in the widget");
    // The widget's channel is the hub itself: a stored reply is sent, with no connector round trip.
    expect(messages(seen).find((message) => message.author.kind === 'bot')?.status).toBe('sent');
    expect(await stack.sql(`select 1 from messages where conversation_id = $1 and status = 'pending'`, [conversationId])).toEqual([]);
    expect(messages(seen).map((message) => message.author.kind)).toEqual(['customer', 'bot']);
    const [visit] = await stack.sql<{ visit: unknown }>('select visit from conversations where id = $1', [conversationId]);
    expect(visit?.visit).toMatchObject({ pageUrl: 'https://shop.example/tea?utm_source=ig', utm: { utm_source: 'ig' } });
  });

  it('hands a customer who asks for a person to an agent, keeps the bot silent meanwhile, and gives the chat back', async () => {
    const agent = await stack.addAgent(shop, 'Nadia');
    const agentConsole = await stack.console(agent.token);
    const seenByConsole = record(agentConsole, ['handoff.requested', 'conversation.assigned', 'message.created', 'typing.started']);
    const { widget, seen, conversationId } = await visitorWrites(shop, 'I want to talk to a human please');
    await eventually(() => seenByConsole.some((event) => event.name === 'handoff.requested'), 'the handoff in the console');
    const claimed = await command<ConversationCommandResult>(agentConsole, 'conversation.claim', { conversationId });
    expect(claimed.conversation).toMatchObject({ status: 'agent', assignedAgentId: agent.userId });
    await eventually(() => seen.some((event) => event.name === 'agent.joined' && (event.payload as { agentName: string }).agentName === 'Nadia'), 'agent.joined in the widget');

    // The customer writes while the agent holds the chat: the bot says nothing.
    await command(widget, 'message.send', { text: 'what is the price of mint tea?', clientId: clientId() });
    await eventually(() => consoleMessages(seenByConsole).some((message) => message.text === 'what is the price of mint tea?'), 'the question in the console');
    widget.emit('typing.start', {});
    await eventually(() => seenByConsole.some((event) => event.name === 'typing.started'), "the customer's typing in the console");

    const reply = await command<{ message: MessageView }>(agentConsole, 'message.send', { conversationId, text: 'Mint tea is 40 MAD.', clientId: clientId() });
    expect(reply.message.author).toMatchObject({ kind: 'agent', id: agent.userId, name: 'Nadia' });
    await eventually(() => messages(seen).some((message) => message.text === 'Mint tea is 40 MAD.' && message.author.name === 'Nadia'), "the agent's reply with the agent's name in the widget");
    const note = await command<{ message: MessageView }>(agentConsole, 'note.add', { conversationId, text: 'VIP customer' });
    expect(note.message.isPrivate).toBe(true);

    await command(agentConsole, 'conversation.release', { conversationId });
    await eventually(() => seen.some((event) => event.name === 'agent.left'), 'agent.left in the widget');
    await command(widget, 'message.send', { text: 'hello again', clientId: clientId() });
    await eventually(() => messages(seen).filter((message) => message.author.kind === 'bot').length === 2, 'the bot answering again after the release');

    const timeline = await stack.api<MessagePage>(agent.token, 'GET', `/api/v1/conversations/${conversationId}/messages`);
    expect(timeline.items.map((message) => `${message.author.kind}${message.isPrivate ? ' (note)' : ''}`)).toEqual([
      'customer', 'bot', 'customer', 'agent', 'agent (note)', 'customer', 'bot',
    ]);
    // The widget never saw the private note.
    expect(messages(seen).some((message) => message.isPrivate || message.text === 'VIP customer')).toBe(false);
  });

  it("gives a chat back to the queue when the agent holding it stays silent past the workspace's limit", async () => {
    const agent = await stack.addAgent(shop, 'Sleepy');
    const agentConsole = await stack.console(agent.token);
    const seenByConsole = record(agentConsole, ['conversation.released', 'handoff.requested']);
    const { conversationId, seen } = await visitorWrites(shop, 'talk to a human');
    await eventually(async () => (await stack.sql<{ status: string }>('select status from conversations where id = $1', [conversationId]))[0]?.status === 'awaiting_agent', 'the handoff');
    await command(agentConsole, 'conversation.claim', { conversationId });
    // An hour passes: move the stored deadline (the snapshot's and its column) into the past.
    await stack.sql(`update conversations set agent_deadline_at = now() - interval '1 minute',
      snapshot = jsonb_set(snapshot, '{context,agentDeadlineAt}', to_jsonb((extract(epoch from now()) * 1000 - 60000)::bigint)) where id = $1`, [conversationId]);
    await stack.runner?.host.stop();
    const swept = await stack.runner?.runtime.sweep(30);
    expect(swept?.released).toBe(1);
    const [row] = await stack.sql<{ status: string; assigned_agent_id: string | null }>('select status, assigned_agent_id from conversations where id = $1', [conversationId]);
    expect(row).toEqual({ status: 'awaiting_agent', assigned_agent_id: null });
    await eventually(() => seenByConsole.some((event) => event.name === 'conversation.released' && (event.payload as ConsoleFrame<'conversation.released'>).data.reason === 'agent_inactive'), 'conversation.released in the console');
    await eventually(() => seen.some((event) => event.name === 'agent.left'), 'agent.left in the widget');
    // Nobody else's claim lapsed: a second sweep releases nothing.
    expect((await stack.runner?.runtime.sweep(30))?.released).toBe(0);
  });

  it('lets exactly one of 50 simultaneous claims win', async () => {
    const { conversationId } = await visitorWrites(shop, 'talk to a person');
    await eventually(async () => (await stack.sql<{ status: string }>('select status from conversations where id = $1', [conversationId]))[0]?.status === 'awaiting_agent', 'the handoff');
    const agents = await Promise.all(Array.from({ length: 50 }, (_, index) => stack.addAgent(shop, `Claimer ${index}`)));
    const outcomes = await Promise.all(agents.map((agent) => stack.app.inject({ method: 'POST', url: `/api/v1/conversations/${conversationId}/claim`, headers: { authorization: `Bearer ${agent.token}` } })));
    const won = outcomes.filter((response) => response.statusCode === 200);
    const refused = outcomes.filter((response) => response.statusCode === 409);
    expect(won).toHaveLength(1);
    expect(refused).toHaveLength(49);
    expect(refused[0]?.json()).toMatchObject({ error: { code: 'SB_ERR_CONFLICT', message: 'Refused: another agent has already claimed this conversation.' } });
    const winner = agents.find((_, index) => outcomes[index]?.statusCode === 200);
    const [row] = await stack.sql<{ assigned_agent_id: string; status: string }>('select assigned_agent_id, status from conversations where id = $1', [conversationId]);
    expect(row).toEqual({ assigned_agent_id: winner?.userId, status: 'agent' });
  });

  it('stores a message the widget sent twice (a resend after a lost ack) once, under the same id', async () => {
    const id = visitorId();
    const widget = await stack.visitor({ key: shop.widgetKey, visitorId: id });
    const same = clientId();
    const first = await command<{ id: string }>(widget, 'message.send', { text: 'is this sent?', clientId: same });
    const again = await command<{ id: string }>(widget, 'message.send', { text: 'is this sent?', clientId: same });
    expect(again.id).toBe(first.id);
    await eventually(async () => (await stack.sql('select 1 from messages where id = $1', [first.id])).length === 1, 'the message');
    await eventually(async () => (await stack.sql(`select 1 from messages m join conversations c on c.id = m.conversation_id where c.external_chat_id = $1 and m.author_kind = 'bot'`, [id])).length === 1, 'one bot answer');
    const rows = await stack.sql(`select m.author_kind from messages m join conversations c on c.id = m.conversation_id where c.external_chat_id = $1`, [id]);
    expect(rows).toHaveLength(2);
  });

  it('gives a console that reconnects the events it missed, in order', async () => {
    const first = await stack.console(shop.token);
    const seen = record(first, ['message.created']);
    const { widget, conversationId } = await visitorWrites(shop, 'first message');
    await eventually(() => consoleMessages(seen).some((message) => message.conversationId === conversationId && message.author.kind === 'bot'), 'the first exchange');
    const lastEventId = (seen.at(-1)?.payload as ConsoleFrame).eventId ?? '';
    first.disconnect();
    await command(widget, 'message.send', { text: 'while you were away', clientId: clientId() });
    await eventually(async () => (await stack.sql(`select 1 from messages where conversation_id = $1 and author_kind = 'bot'`, [conversationId])).length === 2, 'the second answer');
    const second = await stack.console(shop.token);
    const replay = await eventually(async () => {
      const result = await command<ReplayResult>(second, 'events.replay', { afterEventId: lastEventId });
      return result.events.filter((event) => event.type === 'message.created').length >= 2 ? result : undefined;
    }, 'the replay of the missed messages');
    expect(replay.complete).toBe(true);
    const texts = replay.events.filter((event) => event.type === 'message.created').map((event) => (event.data as { message: MessageView }).message);
    expect(texts.map((message) => message.author.kind)).toEqual(['customer', 'bot']);
    expect(texts[0]?.text).toBe('while you were away');
    expect(replay.events.some((event) => event.eventId === lastEventId)).toBe(false);
    expect(await command<ReplayResult>(second, 'events.replay', { afterEventId: randomUUID() })).toEqual({ events: [], complete: false });
  });

  it("never shows one workspace's conversations or events to another's consoles and visitors", async () => {
    const other = await stack.signUp('orion');
    const otherConsole = await stack.console(other.token);
    const seenByOther = record(otherConsole, ['conversation.created', 'message.created', 'handoff.requested', 'typing.started']);
    const otherVisitor = await stack.visitor({ key: other.widgetKey, visitorId: visitorId() });
    const seenByOtherVisitor = record(otherVisitor, ['message.created', 'agent.joined']);
    const { conversationId } = await visitorWrites(shop, 'talk to a human');
    const ownerConsole = await stack.console(shop.token);
    await command(ownerConsole, 'conversation.claim', { conversationId });
    await command(ownerConsole, 'message.send', { conversationId, text: 'private to Atlas', clientId: clientId() });
    await eventually(async () => (await stack.sql(`select 1 from messages where conversation_id = $1 and author_kind = 'agent'`, [conversationId])).length === 1, 'the reply');
    await command(otherVisitor, 'message.send', { text: 'hello from orion', clientId: clientId() });
    await eventually(() => messages(seenByOtherVisitor).some((message) => message.author.kind === 'bot'), "orion's own answer");
    expect(seenByOther.every((event) => JSON.stringify(event.payload).includes(conversationId) === false)).toBe(true);
    expect(seenByOtherVisitor.some((event) => JSON.stringify(event.payload).includes('private to Atlas'))).toBe(false);
    // Over REST too: another workspace's conversation is not found, and its list holds only its own.
    await expect(stack.api(other.token, 'GET', `/api/v1/conversations/${conversationId}`)).rejects.toMatchObject({ statusCode: 404 });
    await expect(stack.api(other.token, 'POST', `/api/v1/conversations/${conversationId}/claim`)).rejects.toMatchObject({ statusCode: 404 });
    const list = await stack.api<ConversationPage>(other.token, 'GET', '/api/v1/conversations?tab=all');
    expect(list.items.every((conversation) => conversation.channelId === other.channelId)).toBe(true);
    // Replay is per workspace as well.
    const lastOwnEvent = (seenByOther.at(0)?.payload as ConsoleFrame | undefined)?.eventId;
    if (lastOwnEvent) {
      const replay = await command<ReplayResult>(otherConsole, 'events.replay', { afterEventId: lastOwnEvent });
      expect(JSON.stringify(replay)).not.toContain(conversationId);
    }
  });

  it('pages the inbox by tab with counts, and refuses a reply from an agent who does not hold the chat', async () => {
    const agent = await stack.addAgent(shop, 'Omar');
    const { conversationId } = await visitorWrites(shop, 'can I talk to a person');
    await eventually(async () => (await stack.sql<{ status: string }>('select status from conversations where id = $1', [conversationId]))[0]?.status === 'awaiting_agent', 'the handoff');
    const refused = await stack.app.inject({ method: 'POST', url: `/api/v1/conversations/${conversationId}/messages`, headers: { authorization: `Bearer ${agent.token}` }, payload: { text: 'hi', clientId: clientId() } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json<{ error: { message: string } }>().error.message).toContain('claim the conversation');
    await stack.api(agent.token, 'POST', `/api/v1/conversations/${conversationId}/claim`);
    const counts = await stack.api<InboxCounts>(agent.token, 'GET', '/api/v1/conversations/counts');
    expect(counts).toMatchObject({ mine: 1, unreadMine: 1 });
    // Reading it zeroes the unread count, and every console hears of it.
    const agentConsole = await stack.console(agent.token);
    const updates = record(agentConsole, ['conversation.updated']);
    await stack.api(agent.token, 'POST', `/api/v1/conversations/${conversationId}/read`);
    expect((await stack.api<ConversationView>(agent.token, 'GET', `/api/v1/conversations/${conversationId}`)).unreadCount).toBe(0);
    await eventually(() => updates.some((event) => (event.payload as ConsoleFrame<'conversation.updated'>).data.conversation.id === conversationId), 'conversation.updated after the read');
    const mine = await stack.api<ConversationPage>(agent.token, 'GET', '/api/v1/conversations?tab=mine');
    expect(mine.items.map((conversation) => conversation.id)).toEqual([conversationId]);
    const firstPage = await stack.api<ConversationPage>(agent.token, 'GET', '/api/v1/conversations?tab=all&limit=2');
    expect(firstPage.items).toHaveLength(2);
    const secondPage = await stack.api<ConversationPage>(agent.token, 'GET', `/api/v1/conversations?tab=all&limit=2&cursor=${firstPage.nextCursor}`);
    expect(secondPage.items.some((conversation) => firstPage.items.some((seen) => seen.id === conversation.id))).toBe(false);
  });

  it('answers bad input with a 4xx naming what is wrong, on REST and on both sockets', async () => {
    const badId = await stack.app.inject({ method: 'GET', url: '/api/v1/conversations/not-a-uuid', headers: { authorization: `Bearer ${shop.token}` } });
    expect(badId.statusCode).toBe(400);
    const badCursor = await stack.app.inject({ method: 'GET', url: '/api/v1/conversations?cursor=garbage', headers: { authorization: `Bearer ${shop.token}` } });
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json<{ error: { message: string } }>().error.message).toContain('cursor');
    const agentConsole = await stack.console(shop.token);
    await expect(command(agentConsole, 'conversation.claim', { conversationId: 'nope' })).rejects.toMatchObject({ code: 'SB_ERR_VALIDATION' });
    const widget = await stack.visitor({ key: shop.widgetKey, visitorId: visitorId() });
    await expect(command(widget, 'message.send', { text: '', clientId: clientId() })).rejects.toMatchObject({ code: 'SB_ERR_VALIDATION' });
    await expect(command(widget, 'message.send', { text: 'x'.repeat(5000), clientId: clientId() })).rejects.toMatchObject({ code: 'SB_ERR_VALIDATION' });
    await expect(stack.visitor({ key: 'wk_not_a_real_key_000', visitorId: visitorId() })).rejects.toThrow(/SB_ERR_NOT_FOUND/);
    await expect(stack.visitor({ key: shop.widgetKey, visitorId: 'bad id!' })).rejects.toThrow(/SB_ERR_VALIDATION/);
    await expect(stack.connect('/console', { token: 'forged' })).rejects.toThrow(/SB_ERR_UNAUTHENTICATED/);
    // A session cookie from another site (or an opaque `null` origin) is not a console.
    const cookie = { cookie: `sb_access=${shop.token}` };
    await expect(stack.connect('/console', {}, { ...cookie, origin: 'null' })).rejects.toThrow(/SB_ERR_CSRF/);
    await expect(stack.connect('/console', {}, { ...cookie, origin: 'https://evil.example' })).rejects.toThrow(/SB_ERR_CSRF/);
    await expect(stack.connect('/console', {}, cookie)).resolves.toBeDefined();
  });

  it("follows a storefront's signed-in customer across devices, and refuses an identity not signed with the channel's secret", async () => {
    const store = await stack.signUp('signed');
    await stack.api(store.token, 'PATCH', `/api/v1/channels/${store.channelId}`, { enforceIdentity: true });
    const { identitySecret } = await stack.api<{ identitySecret: string }>(store.token, 'GET', `/api/v1/channels/${store.channelId}/identity-secret`);
    const identifier = 'customer-4711';
    const identityHash = createHmac('sha256', identitySecret).update(identifier).digest('hex');
    await expect(stack.visitor({ key: store.widgetKey, visitorId: visitorId(), identifier, identityHash: 'f'.repeat(64) })).rejects.toThrow(/SB_ERR_UNAUTHENTICATED/);

    const laptop = await stack.visitor({ key: store.widgetKey, visitorId: visitorId(), identifier, identityHash }, { 'x-forwarded-for': '10.66.0.1' });
    const sent = await command<{ id: string }>(laptop, 'message.send', { text: 'hello from my laptop', clientId: clientId() });
    await eventually(async () => (await stack.sql('select 1 from messages where id = $1', [sent.id])).length === 1, 'the message');
    const phone = await stack.visitor({ key: store.widgetKey, visitorId: visitorId(), identifier, identityHash }, { 'x-forwarded-for': '10.66.0.2' });
    const ready = await new Promise<{ messages: MessageView[] }>((resolve) => {
      phone.once('session.ready', resolve);
      phone.disconnect().connect();
    });
    expect(ready.messages.map((message) => message.text)).toContain('hello from my laptop');
    const [row] = await stack.sql<{ external_chat_id: string }>('select c.external_chat_id from conversations c join messages m on m.conversation_id = c.id where m.id = $1', [sent.id]);
    expect(row?.external_chat_id).toBe(`id:${identifier}`);
  });

  it('limits new conversations from one address, and shows a suspended workspace as unavailable', async () => {
    const ip = '10.77.0.1';
    const limited = await stack.signUp('limits');
    for (let index = 0; index < 3; index += 1) await visitorWrites(limited, 'hello', ip);
    const fourth = await stack.visitor({ key: limited.widgetKey, visitorId: visitorId() }, { 'x-forwarded-for': ip });
    await expect(command(fourth, 'message.send', { text: 'hello', clientId: clientId() })).rejects.toMatchObject({ code: 'SB_ERR_RATE_LIMITED' });

    const suspended = await stack.signUp('paused');
    await stack.suspend(suspended.tenantId);
    await expect(stack.visitor({ key: suspended.widgetKey, visitorId: visitorId() })).rejects.toThrow(/SB_ERR_TENANT_SUSPENDED/);
    const config = await stack.app.inject({ method: 'GET', url: `/api/v1/widget/${suspended.widgetKey}/config` });
    expect(config.json()).toMatchObject({ available: false });
  });
});
