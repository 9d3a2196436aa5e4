import { randomUUID } from 'node:crypto';
import { createActor, type AnyActorRef } from 'xstate';
import { conversationMachine } from '@switchboard/actors';

const settings = { handoffKeywords: [], agentInactivityMs: 1_800_000, handoffMessage: 'One moment.', fallbackMessage: 'Sorry.' };

function heapUsed(): number {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

/**
 * Memory of a conversation actor: heap per live idle actor (in `bot`, waiting for the next
 * message) and bytes per passivated one (its persisted snapshot as stored). Compared with the
 * bare cost of the same count of empty objects holding the same ids, measured the same way.
 */
export async function benchActorMemory(scale: number): Promise<void> {
  const count = 10_000 * scale;
  const baselineBefore = heapUsed();
  const plain = Array.from({ length: count }, () => ({ tenantId: randomUUID(), conversationId: randomUUID() }));
  const baselineBytes = (heapUsed() - baselineBefore) / count;

  const before = heapUsed();
  const actors: AnyActorRef[] = [];
  for (let i = 0; i < count; i++) {
    const actor = createActor(conversationMachine, { input: { tenantId: randomUUID(), conversationId: randomUUID(), settings } });
    actor.start();
    actors.push(actor);
  }
  const perActor = (heapUsed() - before) / count;
  const snapshotBytes = Buffer.byteLength(JSON.stringify(actors[0]?.getPersistedSnapshot()));
  for (const actor of actors) actor.stop();

  process.stdout.write(`\nConversation actor memory, ${count} idle actors${globalThis.gc ? '' : ' (run with --expose-gc for steadier figures)'}\n`);
  process.stdout.write(`  live idle actor          ${Math.round(perActor).toLocaleString('en-US').padStart(8)} bytes of heap each\n`);
  process.stdout.write(`  passivated (snapshot)    ${snapshotBytes.toLocaleString('en-US').padStart(8)} bytes each\n`);
  process.stdout.write(`  baseline: two ids alone  ${Math.round(baselineBytes).toLocaleString('en-US').padStart(8)} bytes of heap each\n`);
  plain.length = 0;
}
