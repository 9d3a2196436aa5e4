import type { Socket } from 'socket.io-client';
import { benchText, type ConsoleWatch } from './console-watch.ts';
import type { LiveStack } from './live-stack.ts';
import { waitUntil } from './open-loop.ts';

export interface RunnerActorsResult {
  /** Conversations started for this measurement, and how many the bot answered. */
  started: number;
  answered: number;
  /** Actors the runner held when it dropped them all. */
  liveActors: number;
  heapPerActor: number;
  stored: { conversations: number; averageTextBytes: number; maxTextBytes: number; averageColumnBytes: number };
  /** One stored snapshot of a conversation the bot answered, for the in-process comparison. */
  sample: unknown;
}

/**
 * Hot idle conversation actors as the runner holds them: each socket's visitor sends one
 * message (a new conversation; 100 sends in flight); once the bot has answered every one the
 * actors sit idle in `bot`. The server process then has its runner drop every live actor: the
 * heap freed (after forced collections) divided by their count is the memory each took.
 * Passivated, an actor is its stored snapshot: the average over the database's conversations.
 */
export async function benchRunnerActors(stack: LiveStack, watch: ConsoleWatch, sockets: Socket[]): Promise<RunnerActorsResult> {
  const phase = watch.expect('a', sockets.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(100, sockets.length) }, async () => {
    while (next < sockets.length) {
      const i = next++;
      await sockets[i]?.timeout(30_000).emitWithAck('message.send', { text: benchText('a', i), clientId: `bench-a-${String(i).padStart(7, '0')}` }).catch(() => undefined);
    }
  }));
  await waitUntil(() => phase.seen >= sockets.length && watch.answeredIn('a') >= phase.conversations.size, 120_000);
  // The bot's replies are followed by their delivery reports; let those land too.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const dropped = await stack.server.passivate();
  const [stored] = await stack.sql<{ conversations: number; average_text: number; max_text: number; average_column: number }>(
    `select count(*)::int as conversations, avg(octet_length(snapshot::text))::float8 as average_text,
            max(octet_length(snapshot::text))::int as max_text, avg(pg_column_size(snapshot))::float8 as average_column
       from conversations where snapshot is not null`,
  );
  const [sample] = await stack.sql<{ snapshot: unknown }>(`select snapshot from conversations where snapshot is not null and status = 'bot' limit 1`);
  return {
    started: phase.seen,
    answered: watch.answeredIn('a'),
    liveActors: dropped.actors,
    heapPerActor: dropped.actors > 0 ? (dropped.heapBefore - dropped.heapAfter) / dropped.actors : Number.NaN,
    stored: {
      conversations: stored?.conversations ?? 0,
      averageTextBytes: stored?.average_text ?? Number.NaN,
      maxTextBytes: stored?.max_text ?? 0,
      averageColumnBytes: stored?.average_column ?? Number.NaN,
    },
    sample: sample?.snapshot,
  };
}
