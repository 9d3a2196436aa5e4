/**
 * At most `limit` customer messages per conversation within `windowMs` go to the AI provider;
 * past that the offline responder answers (a customer pasting fifty messages must not spend the
 * tenant's budget). Held in the runner's memory, which holds the conversation's actor too.
 */
export class ConversationRateLimit {
  private readonly seen = new Map<string, number[]>();

  constructor(
    private readonly limit = 10,
    private readonly windowMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one message for the conversation; false when it is over the limit. */
  take(conversationId: string): boolean {
    const now = this.now();
    const recent = (this.seen.get(conversationId) ?? []).filter((at) => now - at < this.windowMs);
    // Map order is insertion order: re-inserting keeps the most recently active last.
    this.seen.delete(conversationId);
    if (recent.length >= this.limit) {
      this.seen.set(conversationId, recent);
      return false;
    }
    recent.push(now);
    this.seen.set(conversationId, recent);
    this.evict(now);
    return true;
  }

  /** Forgets conversations silent for a whole window, oldest first, so memory stays bounded. */
  private evict(now: number): void {
    for (const [conversationId, times] of this.seen) {
      if (this.seen.size <= 1_000 && now - (times.at(-1) ?? 0) < this.windowMs) break;
      if (now - (times.at(-1) ?? 0) >= this.windowMs || this.seen.size > 100_000) this.seen.delete(conversationId);
      else break;
    }
  }
}
