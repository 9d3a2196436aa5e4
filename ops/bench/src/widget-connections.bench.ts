import type { Socket } from 'socket.io-client';
import { closeAll, openMany, openSocket } from './socket-clients.ts';
import type { StackProcess } from './stack-process.ts';
import { spawnStackProcess } from './stack-process.ts';
import type { ProcessMemory } from './stack-protocol.ts';

export interface HeldConnections {
  attempted: number;
  held: number;
  failures: Map<string, number>;
  /** Handshakes completed per second (batches of `batch`). */
  perSecond: number;
  before: ProcessMemory;
  after: ProcessMemory;
  rssPerConnection: number;
  heapPerConnection: number;
  /** Heap plus memory outside it (buffers, sockets' native state) per connection. */
  heapAndExternalPerConnection: number;
}

export interface ConnectionsResult {
  live: HeldConnections;
  bare: HeldConnections;
  /** The live sockets, still open: the actor benchmark sends through them. */
  sockets: Socket[];
}

const batch = 100;

async function hold(server: StackProcess, url: string, key: string, count: number, label: string): Promise<{ held: HeldConnections; sockets: Socket[] }> {
  const before = await server.memory();
  const opened = await openMany(count, batch, (i) => openSocket(url, '/widget', { key, visitorId: `bench-${label}-${String(i).padStart(6, '0')}` }, 'session.ready'));
  // Let the last handshakes' garbage become collectable before the server measures.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const after = await server.memory();
  const held = opened.sockets.length;
  const per = (delta: number) => (held === 0 ? Number.NaN : delta / held);
  return {
    sockets: opened.sockets,
    held: {
      attempted: count,
      held,
      failures: opened.failures,
      perSecond: held / opened.seconds,
      before,
      after,
      rssPerConnection: per(after.rss - before.rss),
      heapPerConnection: per(after.heapUsed - before.heapUsed),
      heapAndExternalPerConnection: per(after.heapUsed + after.external - before.heapUsed - before.external),
    },
  };
}

/**
 * Idle widget connections one hub process holds and what each costs it: `count` visitors (each
 * its own id, all from 127.0.0.1, so the hub's per-address limits are raised for the bench)
 * complete the handshake and receive `session.ready`, `batch` at a time; the server process
 * reports its RSS and heap after a forced collection before and after. The same count against
 * bare Socket.IO in a process of its own (same server options, no auth, no database) is the
 * raw cost of a connection.
 */
export async function benchWidgetConnections(live: StackProcess, widgetKey: string, count: number): Promise<ConnectionsResult> {
  const bareServer = await spawnStackProcess({ mode: 'bare' });
  let bare: HeldConnections;
  try {
    const run = await hold(bareServer, bareServer.url, 'bare-key-0000', count, 'bare');
    bare = run.held;
    closeAll(run.sockets);
  } finally {
    await bareServer.stop();
  }
  const run = await hold(live, live.url, widgetKey, count, 'conn');
  return { live: run.held, bare, sockets: run.sockets };
}
