import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor, type Snapshot } from 'xstate';
import type { AiAnswer } from '@switchboard/contracts';
import { conversationMachine, type AskAiInput, type ConversationEmitted } from '../src/index.ts';

const settings = {
  handoffKeywords: ['refund'],
  agentInactivityMs: 60_000,
  handoffMessage: 'Connecting you with our team.',
  fallbackMessage: 'Sorry, something went wrong on our side. Let me find a person for you.',
};

function answer(overrides: Partial<AiAnswer> = {}): AiAnswer {
  return { intent: 'reply', confidence: 0.9, reply: 'We deliver in 2 days.', actions: [], source: 'test', ...overrides };
}

function start(askAi: (input: AskAiInput) => Promise<AiAnswer> = async () => answer(), snapshot?: Snapshot<unknown>) {
  const machine = conversationMachine.provide({ actors: { askAi: fromPromise<AiAnswer, AskAiInput>(({ input }) => askAi(input)) } });
  const actor = createActor(machine, {
    input: { tenantId: randomUUID(), conversationId: randomUUID(), settings },
    ...(snapshot ? { snapshot } : {}),
  });
  const emitted: ConversationEmitted[] = [];
  actor.on('*', (event) => emitted.push(event));
  actor.start();
  return { actor, emitted };
}

const customer = (text: string, messageId: string = randomUUID()) => ({ type: 'customer.message' as const, messageId, text });

describe('conversation machine', () => {
  it('lets the bot answer a customer message, in reply to it', async () => {
    const { actor, emitted } = start();
    const message = customer('do you deliver?');
    actor.send(message);
    await waitFor(actor, (snapshot) => snapshot.matches({ bot: 'idle' }));
    expect(emitted).toEqual([{ type: 'bot.reply', inReplyTo: message.messageId, text: 'We deliver in 2 days.', source: 'test', actions: [] }]);
    expect(actor.getSnapshot().context.pending).toBeUndefined();
  });

  it('tells the AI whether this is the first customer message', async () => {
    const seen: boolean[] = [];
    const { actor } = start(async (input) => {
      seen.push(input.isFirstMessage);
      return answer();
    });
    actor.send(customer('hello'));
    await waitFor(actor, (snapshot) => snapshot.matches({ bot: 'idle' }));
    actor.send(customer('and prices?'));
    await waitFor(actor, (snapshot) => snapshot.matches({ bot: 'idle' }) && seen.length === 2);
    expect(seen).toEqual([true, false]);
  });

  it('hands off when the customer asks for a person, without asking the AI', async () => {
    let asked = 0;
    const { actor, emitted } = start(async () => {
      asked += 1;
      return answer();
    });
    actor.send(customer('أريد التحدث مع موظف'));
    expect(actor.getSnapshot().value).toBe('awaiting_agent');
    expect(emitted.map((event) => event.type)).toEqual(['bot.reply', 'handoff.requested']);
    expect(emitted[1]).toMatchObject({ reason: 'customer_request' });
    expect(asked).toBe(0);
  });

  it('hands off on a tenant keyword and on the AI handoff intent', async () => {
    const keyword = start();
    keyword.actor.send(customer('I want a refund'));
    expect(keyword.emitted.at(-1)).toMatchObject({ type: 'handoff.requested', reason: 'keyword' });

    const ai = start(async () => answer({ intent: 'handoff', reply: 'Let me get a colleague.' }));
    ai.actor.send(customer('this is complicated'));
    await waitFor(ai.actor, (snapshot) => snapshot.matches('awaiting_agent'));
    expect(ai.emitted).toMatchObject([{ type: 'bot.reply', text: 'Let me get a colleague.' }, { type: 'handoff.requested', reason: 'ai_intent' }]);
  });

  it('keeps the bot silent while a person owns the conversation', async () => {
    let asked = 0;
    const { actor, emitted } = start(async () => {
      asked += 1;
      return answer();
    });
    const agentId = randomUUID();
    actor.send({ type: 'agent.claim', agentId });
    expect(actor.getSnapshot().value).toBe('agent');
    actor.send(customer('are you there?'));
    actor.send(customer('hello?'));
    expect(asked).toBe(0);
    expect(emitted.filter((event) => event.type === 'bot.reply')).toEqual([]);
    expect(actor.getSnapshot().context.customerMessageCount).toBe(2);
  });

  it('gives the conversation back to the bot when the agent releases it', async () => {
    const { actor, emitted } = start();
    const agentId = randomUUID();
    actor.send({ type: 'agent.claim', agentId });
    actor.send({ type: 'agent.release', agentId: randomUUID() }); // someone else cannot release it
    expect(actor.getSnapshot().value).toBe('agent');
    actor.send({ type: 'agent.release', agentId });
    expect(actor.getSnapshot().value).toEqual({ bot: 'idle' });
    expect(emitted).toContainEqual({ type: 'conversation.released', agentId, reason: 'agent_released' });
    actor.send(customer('one more question'));
    await waitFor(actor, (snapshot) => snapshot.matches({ bot: 'idle' }) && emitted.some((event) => event.type === 'bot.reply'));
  });

  it('transfers to another agent', () => {
    const { actor, emitted } = start();
    const first = randomUUID();
    const second = randomUUID();
    actor.send({ type: 'agent.claim', agentId: first });
    actor.send({ type: 'agent.transfer', agentId: second });
    expect(actor.getSnapshot().context.assignedAgentId).toBe(second);
    expect(emitted.at(-1)).toEqual({ type: 'conversation.assigned', agentId: second, previousAgentId: first });
  });

  it('releases an inactive agent back to the queue once the deadline has passed, and not before', async () => {
    const { actor, emitted } = start();
    const agentId = randomUUID();
    actor.send({ type: 'agent.claim', agentId });
    const deadline = actor.getSnapshot().context.agentDeadlineAt ?? 0;
    actor.send({ type: 'agent.inactive', now: deadline - 1 });
    expect(actor.getSnapshot().value).toBe('agent');
    actor.send({ type: 'agent.inactive', now: deadline });
    expect(actor.getSnapshot().value).toBe('awaiting_agent');
    expect(emitted).toContainEqual({ type: 'conversation.released', agentId, reason: 'agent_inactive' });
    expect(actor.getSnapshot().context.assignedAgentId).toBeUndefined();
    expect(actor.getSnapshot().context.agentDeadlineAt).toBeUndefined();
  });

  it('moves the inactivity deadline on when the assigned agent replies, and refuses another agent', () => {
    const { actor, emitted } = start();
    const agentId = randomUUID();
    actor.send({ type: 'agent.claim', agentId });
    const first = actor.getSnapshot().context.agentDeadlineAt ?? 0;
    actor.send({ type: 'agent.message', agentId: randomUUID() });
    expect(emitted.map((event) => event.type)).not.toContain('agent.replied');
    actor.send({ type: 'agent.message', agentId });
    expect(emitted.at(-1)).toEqual({ type: 'agent.replied', agentId });
    expect(actor.getSnapshot().context.agentDeadlineAt ?? 0).toBeGreaterThanOrEqual(first);
  });

  it('accepts a private note in any state without changing it', () => {
    const { actor, emitted } = start();
    const agentId = randomUUID();
    actor.send({ type: 'agent.note', agentId });
    expect(actor.getSnapshot().matches({ bot: 'idle' })).toBe(true);
    expect(emitted).toEqual([{ type: 'note.added', agentId }]);
  });

  it('goes silent at once when the business answers from its own phone, dropping an answer on its way', async () => {
    let finish: (value: AiAnswer) => void = () => undefined;
    const { actor, emitted } = start(() => new Promise<AiAnswer>((resolve) => {
      finish = resolve;
    }));
    actor.send(customer('is the blue one in stock?'));
    expect(actor.getSnapshot().matches({ bot: 'answering' })).toBe(true);
    actor.send({ type: 'business.message', messageId: 'true_212600000009@c.us_PHONE1' });
    expect(actor.getSnapshot().value).toBe('awaiting_agent');
    expect(actor.getSnapshot().context.pending).toBeUndefined();
    finish(answer({ reply: 'Yes, we have it.' }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    // The AI's late answer went nowhere: only the handoff to people was emitted.
    expect(emitted).toEqual([{ type: 'handoff.requested', reason: 'answered_from_phone' }]);
    actor.send(customer('great, thanks'));
    expect(actor.getSnapshot().value).toBe('awaiting_agent');
    expect(emitted).toHaveLength(1);
    // An agent can take it and give it back to the bot, which answers again.
    const agentId = randomUUID();
    actor.send({ type: 'agent.claim', agentId });
    actor.send({ type: 'business.message', messageId: 'true_212600000009@c.us_PHONE2' });
    expect(actor.getSnapshot().value).toBe('agent');
    actor.send({ type: 'agent.release', agentId });
    expect(actor.getSnapshot().matches('bot')).toBe(true);
  });

  it('reopens a closed conversation to people when the business writes in it from its phone', () => {
    const { actor, emitted } = start();
    actor.send({ type: 'conversation.close' });
    actor.send({ type: 'business.message', messageId: 'true_212600000009@c.us_PHONE3' });
    expect(actor.getSnapshot().value).toBe('awaiting_agent');
    expect(emitted.map((event) => event.type)).toEqual(['conversation.closed', 'conversation.reopened', 'handoff.requested']);
  });

  it('falls back and offers a person when the AI fails', async () => {
    const { actor, emitted } = start(async () => {
      throw new Error('provider timeout');
    });
    actor.send(customer('hello'));
    await waitFor(actor, (snapshot) => snapshot.matches('awaiting_agent'));
    expect(emitted).toMatchObject([{ type: 'bot.reply', source: 'fallback', text: settings.fallbackMessage }, { type: 'handoff.requested', reason: 'provider_failure' }]);
  });

  it('reopens a closed conversation with the bot when the customer writes again', async () => {
    const { actor, emitted } = start();
    actor.send({ type: 'conversation.close' });
    expect(actor.getSnapshot().value).toBe('closed');
    actor.send(customer('hi again'));
    await waitFor(actor, (snapshot) => snapshot.matches({ bot: 'idle' }));
    expect(emitted.map((event) => event.type)).toEqual(['conversation.closed', 'conversation.reopened', 'bot.reply']);
  });

  it('resumes an unanswered message from a persisted snapshot and answers it exactly once', async () => {
    let release!: () => void;
    const hanging = start(() => new Promise<AiAnswer>((resolve) => (release = () => resolve(answer()))));
    const message = customer('do you deliver?');
    hanging.actor.send(message);
    const persisted = hanging.actor.getPersistedSnapshot();
    hanging.actor.stop(); // the runner died before the AI answered
    release();
    expect(JSON.stringify(persisted).length).toBeLessThan(1_000);

    const restored = start(async () => answer({ reply: 'answered after restart' }), JSON.parse(JSON.stringify(persisted)) as Snapshot<unknown>);
    await waitFor(restored.actor, (snapshot) => snapshot.matches({ bot: 'idle' }));
    expect(restored.emitted).toEqual([{ type: 'bot.reply', inReplyTo: message.messageId, text: 'answered after restart', source: 'test', actions: [] }]);
  });
});
