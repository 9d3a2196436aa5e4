/**
 * Runs tasks one at a time per key and concurrently across keys: the messages of one
 * conversation are handled in order while other conversations proceed. Memory is bounded by
 * the keys with work in hand; a key's chain is dropped once it drains.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Resolves with `task`'s result after every earlier task of `key` has settled. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with work queued or running. */
  get activeKeys(): number {
    return this.tails.size;
  }

  /** Resolves when every task queued so far has settled. */
  async drain(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }
}
