import { randomUUID } from 'node:crypto';
import { createActor, type AnyActorRef, type Snapshot } from 'xstate';
import { conversationMachine } from '@switchboard/actors';
import { formatCount } from './measure.ts';

const settings = { handoffKeywords: [], agentInactivityMs: 1_800_000, handoffMessage: 'One moment.', fallbackMessage: 'Sorry.' };

function heapUsed(): number {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

/** Heap per actor of `count` started by `create`, measured after a forced collection. */
function heapPerActor(count: number, create: () => AnyActorRef): { perActor: number; firstSnapshot: unknown } {
  const before = heapUsed();
  const actors: AnyActorRef[] = [];
  for (let i = 0; i < count; i++) {
    const actor = create();
    actor.start();
    actors.push(actor);
  }
  const perActor = (heapUsed() - before) / count;
  const firstSnapshot: unknown = actors[0]?.getPersistedSnapshot();
  for (const actor of actors) actor.stop();
  return { perActor, firstSnapshot };
}

/** A copy of a stored snapshot with ids of its own, so no two actors share its strings. */
function restoredCopy(stored: unknown): { snapshot: Snapshot<unknown>; input: { tenantId: string; conversationId: string; settings: typeof settings } } {
  const input = { tenantId: randomUUID(), conversationId: randomUUID(), settings };
  const copy = JSON.parse(JSON.stringify(stored)) as Snapshot<unknown> & { context?: Record<string, unknown> };
  if (copy.context) Object.assign(copy.context, { tenantId: input.tenantId, conversationId: input.conversationId });
  // With a snapshot the input is not used; the runner passes it the same way.
  return { snapshot: copy, input };
}

export interface ActorMemoryResult {
  count: number;
  freshPerActor: number;
  /** Actors restored from a snapshot the runner stored after a conversation step (when one was given). */
  restoredPerActor: number | undefined;
  freshSnapshotBytes: number;
  baselineBytes: number;
}

/**
 * Memory of a conversation actor in this process: heap per live idle actor, new (in `bot`,
 * waiting for the first message) and, given `stored` (a snapshot the live runner wrote), woken
 * from it as the runner wakes a passivated conversation; and the bytes of a new actor's
 * persisted snapshot. Compared with the bare cost of the same count of objects holding the
 * same two ids, measured the same way.
 */
export async function benchActorMemory(scale: number, stored?: unknown): Promise<ActorMemoryResult> {
  const count = 10_000 * scale;
  const baselineBefore = heapUsed();
  const plain = Array.from({ length: count }, () => ({ tenantId: randomUUID(), conversationId: randomUUID() }));
  const baselineBytes = (heapUsed() - baselineBefore) / count;

  const fresh = heapPerActor(count, () => createActor(conversationMachine, { input: { tenantId: randomUUID(), conversationId: randomUUID(), settings } }));
  const freshSnapshotBytes = Buffer.byteLength(JSON.stringify(fresh.firstSnapshot));
  const restored = stored === undefined
    ? undefined
    : heapPerActor(count, () => createActor(conversationMachine, restoredCopy(stored))).perActor;

  const rows: Array<[string, number, string]> = [
    ['live idle actor, new', fresh.perActor, 'bytes of heap each'],
    ...(restored === undefined ? [] : [['live idle actor, woken from a stored snapshot', restored, 'bytes of heap each'] as [string, number, string]]),
    ['passivated (a new actor\'s snapshot as JSON)', freshSnapshotBytes, 'bytes each'],
    ['baseline: two ids alone', baselineBytes, 'bytes of heap each'],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  process.stdout.write(`\nConversation actor memory in this process, ${formatCount(count)} idle actors${globalThis.gc ? '' : ' (run with --expose-gc for steadier figures)'}\n`);
  for (const [label, value, unit] of rows) process.stdout.write(`  ${label.padEnd(width)}  ${formatCount(value).padStart(8)} ${unit}\n`);
  plain.length = 0;
  return { count, freshPerActor: fresh.perActor, restoredPerActor: restored, freshSnapshotBytes, baselineBytes };
}
