/**
 * What the bench process and the server process it spawns (`stack.process.ts`) say to each
 * other over Node's IPC channel. Both ends are this package; the guards only keep a stray
 * message from being taken for an answer.
 */

/** `live`: hub, runner and webchat connector on real services. `bare`: Socket.IO alone, the raw cost of a connection. */
export type StackConfig =
  | { mode: 'bare' }
  | { mode: 'live'; natsUrl: string; databaseUrl: string; secretKey: string; outboxDir: string };

/** The server process's own figures, read after two forced garbage collections. */
export interface ProcessMemory {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** User plus system CPU time since the process started. */
  cpuSeconds: number;
  /** Conversation actors in memory (live mode). */
  liveActors: number;
}

export type StackRequest = { type: 'memory' } | { type: 'passivate' } | { type: 'stop' };

export type StackReply =
  | { type: 'ready'; url: string }
  | { type: 'memory'; memory: ProcessMemory }
  /** Heap before and after the runner dropped every live actor (they stay stored). */
  | { type: 'passivated'; actors: number; heapBefore: number; heapAfter: number }
  | { type: 'stopped' }
  | { type: 'failed'; message: string };

const requestTypes: ReadonlySet<string> = new Set<StackRequest['type']>(['memory', 'passivate', 'stop']);
const replyTypes: ReadonlySet<string> = new Set<StackReply['type']>(['ready', 'memory', 'passivated', 'stopped', 'failed']);

const typeOf = (value: unknown): string | undefined =>
  typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string' ? (value as { type: string }).type : undefined;

export const isStackRequest = (value: unknown): value is StackRequest => requestTypes.has(typeOf(value) ?? '');
export const isStackReply = (value: unknown): value is StackReply => replyTypes.has(typeOf(value) ?? '');
