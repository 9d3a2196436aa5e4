/** Where rate-limit counters live: this process's memory, or Redis when several hubs share them. */
export interface RateLimitStore {
  /**
   * Counts one hit on `key` in a fixed window of `windowMs` that starts with the key's first
   * hit; answers the count so far in this window and when the window ends (epoch ms).
   */
  hit(key: string, windowMs: number): Promise<{ count: number; resetAt: number }>;
  close(): Promise<void>;
}
