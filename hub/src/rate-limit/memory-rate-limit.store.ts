import type { RateLimitStore } from './rate-limit-store.ts';

export interface MemoryRateLimitStoreOptions {
  /** Most keys kept at once (default 100 000); beyond it the oldest windows are dropped. */
  maxKeys?: number;
  /** How often windows that have ended are swept out (default one minute). */
  sweepIntervalMs?: number;
}

interface Window {
  count: number;
  resetAt: number;
}

/**
 * Fixed-window counters in this process's memory: right for a single hub. Memory stays
 * bounded however many clients come by: ended windows are swept periodically, and at the
 * key cap the oldest window is dropped (forgetting some counts beats running out of memory).
 */
export function createMemoryRateLimitStore(options: MemoryRateLimitStoreOptions = {}): RateLimitStore {
  const { maxKeys = 100_000, sweepIntervalMs = 60_000 } = options;
  const windows = new Map<string, Window>();

  const sweep = (now: number): void => {
    for (const [key, window] of windows) {
      if (window.resetAt <= now) windows.delete(key);
    }
  };
  const timer = setInterval(() => sweep(Date.now()), sweepIntervalMs);
  // The sweep must never be what keeps a process alive.
  timer.unref();

  return {
    async hit(key, windowMs) {
      const now = Date.now();
      const current = windows.get(key);
      if (current !== undefined && current.resetAt > now) {
        current.count += 1;
        return { count: current.count, resetAt: current.resetAt };
      }
      windows.delete(key);
      if (windows.size >= maxKeys) {
        sweep(now);
        // Maps iterate in insertion order, so the first key holds the oldest window.
        while (windows.size >= maxKeys) {
          const oldest = windows.keys().next();
          if (oldest.done === true) break;
          windows.delete(oldest.value);
        }
      }
      const fresh: Window = { count: 1, resetAt: now + windowMs };
      windows.set(key, fresh);
      return { count: fresh.count, resetAt: fresh.resetAt };
    },
    async close() {
      clearInterval(timer);
      windows.clear();
    },
  };
}
