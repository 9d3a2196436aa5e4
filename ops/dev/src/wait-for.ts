import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** What is awaited, for the timeout message, e.g. `nats-server on 127.0.0.1:4222`. */
  description: string;
  timeoutMs?: number;
  intervalMs?: number;
  /**
   * Called before each attempt; returning an Error stops waiting at once with that error.
   * Used to give up as soon as the process being waited for has exited.
   */
  abortIf?: () => Error | undefined;
}

/** Polls `probe` until it returns true; rejects after `timeoutMs` (default 15 s). */
export async function waitFor(probe: () => Promise<boolean>, options: WaitOptions): Promise<void> {
  const { description, timeoutMs = 15_000, intervalMs = 100, abortIf } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const abort = abortIf?.();
    if (abort) throw abort;
    if (await probe().catch(() => false)) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await sleep(intervalMs);
  }
}

/**
 * Whether a TCP server on `host:port` greets a new connection with `prefix` (NATS sends
 * `INFO {...}` first). Stronger than "the port accepts connections": another process that
 * holds the port does not pass.
 */
export function greetsWith(host: string, port: number, prefix: string, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let received = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
      if (received.length >= prefix.length) done(received.startsWith(prefix));
    });
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}

/** Whether `GET url` answers 200 with a body containing `expected` (when given). */
export async function answersHttpOk(url: string, expected?: string, timeoutMs = 1_000): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const body = await response.text();
  return response.status === 200 && (expected === undefined || body.includes(expected));
}
