import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromPromise, type Snapshot } from 'xstate';
import type { AiAnswer } from '@switchboard/contracts';
import { eventually } from '@switchboard/testing';
import { conversationMachine, type AskAiInput, type ConversationEmitted } from '../src/index.ts';
import { ActorHost } from '../src/runtime/actor-host.ts';
import { KeyedQueue } from '../src/runtime/keyed-queue.ts';

const settings = { handoffKeywords: [], agentInactivityMs: 60_000, handoffMessage: 'One moment.', fallbackMessage: 'Sorry.' };
const answer = (reply: string): AiAnswer => ({ intent: 'reply', confidence: 0.9, reply, actions: [], source: 'test' });

/** A host over an in-memory snapshot store, recording what each step persisted. */
function harness(askAi: (input: AskAiInput) => Promise<AiAnswer>, options: { maxLive?: number } = {}) {
  const store = new Map<string, { snapshot: Snapshot<unknown>; version: number }>();
  const save = (key: string, snapshot: Snapshot<unknown>, version: number) => {
    // The store's conditional write: a step from a stale version is refused.
    if ((store.get(key)?.version ?? 0) !== version) throw new Error(`stale write of ${key}`);
    store.set(key, { snapshot: JSON.parse(JSON.stringify(snapshot)) as Snapshot<unknown>, version: version + 1 });
    return version + 1;
  };
  const asyncSteps: Array<{ key: string; emitted: ConversationEmitted[] }> = [];
  const machine = conversationMachine.provide({ actors: { askAi: fromPromise<AiAnswer, AskAiInput>(({ input }) => askAi(input)) } });
  const host = new ActorHost({
    machine,
    snapshots: { load: async (key) => store.get(key) },
    onAsyncStep: async (key, { snapshot, emitted, version }) => {
      asyncSteps.push({ key, emitted });
      return save(key, snapshot, version);
    },
    ...options,
  });
  const send = (key: string, text: string, messageId = randomUUID()) =>
    host.dispatch(key, { tenantId: randomUUID(), conversationId: key, settings }, { type: 'customer.message', messageId, text }, async ({ snapshot, emitted, version }) => ({ result: emitted, version: save(key, snapshot, version) }));
  return { host, store, asyncSteps, send };
}

describe('KeyedQueue', () => {
  it('keeps order within a key and runs keys concurrently', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const slow = (label: string, ms: number) => async () => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      log.push(label);
    };
    await Promise.all([queue.run('a', slow('a1', 30)), queue.run('a', slow('a2', 1)), queue.run('b', slow('b1', 5))]);
    expect(log).toEqual(['b1', 'a1', 'a2']);
    expect(queue.activeKeys).toBe(0);
  });

  it('goes on with a key after one of its tasks failed', async () => {
    const queue = new KeyedQueue();
    await expect(queue.run('a', async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(await queue.run('a', async () => 'next')).toBe('next');
  });
});

describe('ActorHost', () => {
  it('persists the answer that arrives after the step as an asynchronous step', async () => {
    const { host, asyncSteps, send } = harness(async (input) => answer(`re: ${input.text}`));
    const key = randomUUID();
    expect(await send(key, 'hello')).toEqual([]);
    await eventually(() => asyncSteps.length === 1, 'the AI answer');
    expect(asyncSteps[0]).toMatchObject({ key, emitted: [{ type: 'bot.reply', text: 're: hello' }] });
    await host.stop();
  });

  it('returns synchronous emissions to the caller, to persist with the event', async () => {
    const { host, send } = harness(async () => answer('unused'));
    const emitted = await send(randomUUID(), 'I want to talk to a human');
    expect(emitted.map((event) => event.type)).toEqual(['bot.reply', 'handoff.requested']);
    await host.stop();
  });

  it('passivates beyond its live limit and wakes an actor from its snapshot in the same state', async () => {
    const { host, store, asyncSteps, send } = harness(async () => answer('ok'), { maxLive: 2 });
    const first = randomUUID();
    await send(first, 'talk to a human please'); // awaiting_agent
    for (let i = 0; i < 3; i++) await send(randomUUID(), 'hello');
    await eventually(() => asyncSteps.length === 3, 'three answers');
    await eventually(() => host.liveCount <= 2 || undefined, 'passivation');
    expect(JSON.stringify(store.get(first)?.snapshot).length).toBeLessThan(1_000);
    // Woken from the snapshot: still waiting for a person, so the bot stays silent.
    expect(await send(first, 'anyone?')).toEqual([]);
    await host.stop();
  });

  it('refuses a step from a host that woke a stale version, then retries from the stored one', async () => {
    const { host, store, send } = harness(async () => answer('ok'));
    const key = randomUUID();
    await send(key, 'talk to a human');
    // Another runner wrote this conversation meanwhile: the live actor's version is stale.
    const current = store.get(key);
    if (current) store.set(key, { ...current, version: current.version + 1 });
    await expect(send(key, 'hello?')).rejects.toThrow('stale write');
    expect(host.liveCount).toBe(0);
    expect(await send(key, 'hello again?')).toEqual([]);
    await host.stop();
  });

  it('restarts from the stored snapshot when persisting a step fails', async () => {
    const { host, store, send } = harness(async () => answer('ok'));
    const key = randomUUID();
    await send(key, 'talk to a human');
    const before = JSON.stringify(store.get(key));
    await expect(host.dispatch(key, { tenantId: randomUUID(), conversationId: key, settings }, { type: 'agent.claim', agentId: randomUUID() }, async () => {
      throw new Error('database down');
    })).rejects.toThrow('database down');
    expect(JSON.stringify(store.get(key))).toBe(before);
    expect(host.liveCount).toBe(0);
    await host.stop();
  });
});
