/** Send `typing.start` at most this often while the visitor keeps typing. */
export const typingRepeatMs = 2000;
/** Send `typing.stop` after this long without a keystroke. */
export const typingIdleMs = 3000;

/**
 * Turns keystrokes into throttled typing signals: `start` at most once per two seconds while
 * typing, `stop` after three idle seconds or when the message is sent.
 */
export class TypingSignal {
  private lastStart = Number.NEGATIVE_INFINITY;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly signal: (typing: boolean) => void, private readonly now: () => number = Date.now) {}

  keystroke(): void {
    const now = this.now();
    if (now - this.lastStart >= typingRepeatMs) {
      this.lastStart = now;
      this.signal(true);
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(), typingIdleMs);
  }

  stop(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.lastStart === Number.NEGATIVE_INFINITY) return;
    this.lastStart = Number.NEGATIVE_INFINITY;
    this.signal(false);
  }
}
