import { io, type Socket } from 'socket.io-client';

/**
 * Opens a Socket.IO client on `namespace` (websocket only, no reconnection, its own
 * connection) and resolves once `readyEvent` arrives: for the widget that is `session.ready`,
 * which the hub sends after the handshake and the visitor's conversation were loaded.
 */
export function openSocket(url: string, namespace: string, auth: object, readyEvent = 'connect', timeoutMs = 15_000): Promise<Socket> {
  const socket = io(`${url}${namespace}`, { auth, transports: ['websocket'], reconnection: false, forceNew: true, timeout: timeoutMs });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`no ${readyEvent} within ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.disconnect();
      reject(error);
    };
    socket.once(readyEvent, () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('connect_error', (error: Error) => fail(error));
  });
}

/** Sockets that opened, and why the others did not (message → count). */
export interface OpenedSockets {
  sockets: Socket[];
  failures: Map<string, number>;
  seconds: number;
}

/** Opens `count` sockets, `batch` at a time, so the handshakes do not all land at once. */
export async function openMany(count: number, batch: number, open: (index: number) => Promise<Socket>): Promise<OpenedSockets> {
  const sockets: Socket[] = [];
  const failures = new Map<string, number>();
  const started = performance.now();
  for (let first = 0; first < count; first += batch) {
    const results = await Promise.allSettled(Array.from({ length: Math.min(batch, count - first) }, (_, i) => open(first + i)));
    for (const result of results) {
      if (result.status === 'fulfilled') sockets.push(result.value);
      else {
        const reason = result.reason instanceof Error ? result.reason.message : String(result.reason);
        failures.set(reason, (failures.get(reason) ?? 0) + 1);
      }
    }
  }
  return { sockets, failures, seconds: (performance.now() - started) / 1000 };
}

export function closeAll(sockets: Iterable<Socket>): void {
  for (const socket of sockets) socket.disconnect();
}

/** A message as the console's `message.created` frame carries it, reduced to what the bench reads. */
export interface SeenMessage {
  conversationId: string;
  authorKind: string;
  text: string;
}

/**
 * Reads a console frame `{eventId, occurredAt, data: {message}}`; anything else is ignored
 * rather than trusted.
 */
export function messageOfFrame(frame: unknown): SeenMessage | undefined {
  const message = (frame as { data?: { message?: { conversationId?: unknown; author?: { kind?: unknown }; text?: unknown } } } | undefined)?.data?.message;
  if (typeof message?.conversationId !== 'string' || typeof message.author?.kind !== 'string') return undefined;
  return { conversationId: message.conversationId, authorKind: message.author.kind, text: typeof message.text === 'string' ? message.text : '' };
}

/** The acknowledgement of a socket command: `{data}` or `{error: {code, message}}`. */
export function ackError(answer: unknown): string | undefined {
  const error = (answer as { error?: { code?: unknown } } | undefined)?.error;
  if (error === undefined) return undefined;
  return typeof error.code === 'string' ? error.code : 'unknown error';
}
