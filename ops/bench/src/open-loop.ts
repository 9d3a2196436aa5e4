/** When the open-loop schedule started and how long firing took. */
export interface OpenLoopRun {
  /** `performance.now()` of operation 0's intended time. */
  startedAt: number;
  /** Intended time of operation `i`. */
  intendedAt(i: number): number;
  /** From the first intended time to the last operation fired. */
  firedSeconds: number;
  fired: number;
}

/**
 * Fires `count` operations at `rate` per second on a fixed schedule, whatever the answers do
 * (an open loop: a slow system does not slow the arrivals, so its queueing shows in the
 * latencies measured from the intended times). A late timer fires the overdue operations in
 * one burst. Stops after `count`, at `deadlineMs` past the start, or when `fire` answers false
 * (the operation was not sent).
 */
export async function runOpenLoop(rate: number, count: number, deadlineMs: number, fire: (index: number) => boolean | void): Promise<OpenLoopRun> {
  const interval = 1000 / rate;
  const startedAt = performance.now();
  const intendedAt = (i: number) => startedAt + i * interval;
  let fired = 0;
  let stopped = false;
  while (fired < count && !stopped) {
    const now = performance.now();
    if (now - startedAt > deadlineMs) break;
    while (fired < count && intendedAt(fired) <= now) {
      if (fire(fired) === false) {
        stopped = true;
        break;
      }
      fired += 1;
    }
    if (!stopped) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return { startedAt, intendedAt, firedSeconds: (performance.now() - startedAt) / 1000, fired };
}

/** Resolves when `done()` is true, polling every 10 ms, or after `timeoutMs` (answering false). */
export async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
