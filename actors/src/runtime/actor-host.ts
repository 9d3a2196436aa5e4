import { createActor, type Actor, type AnyStateMachine, type EmittedFrom, type EventFromLogic, type InputFrom, type Snapshot } from 'xstate';
import { KeyedQueue } from './keyed-queue.ts';

/**
 * A stored snapshot and its version. The store writes a step only where the version is still
 * the one loaded (a conditional update) and answers the next version, so two hosts that woke
 * the same actor can never both write: the loser fails, is dropped and retries from the store.
 */
export interface StoredSnapshot {
  snapshot: Snapshot<unknown>;
  version: number;
}

/** Where the host keeps passivated actors: the persisted snapshot, a few hundred bytes. */
export interface SnapshotSource {
  load(key: string): Promise<StoredSnapshot | undefined>;
}

/** What one step produced: the actor's persisted snapshot, the facts it emitted, and the version it started from. */
export interface Step<Emitted> {
  snapshot: Snapshot<unknown>;
  emitted: Emitted[];
  version: number;
}

/**
 * Called with what an asynchronous step produced; the runner writes the snapshot and the
 * messages it implies in one transaction and answers the version it wrote.
 */
export type StepHandler<Emitted> = (key: string, step: Step<Emitted>) => Promise<number>;

export interface ActorHostOptions<Machine extends AnyStateMachine> {
  machine: Machine;
  snapshots: SnapshotSource;
  /** Persists what an asynchronous step (e.g. an AI answer arriving) produced. */
  onAsyncStep: StepHandler<EmittedFrom<Machine>>;
  /** Called when an asynchronous step could not be persisted; the snapshot in the store stays the old one. */
  onAsyncError?: (key: string, error: unknown) => void;
  /** Live actors idle longer than this are passivated (default 5 minutes). */
  idleMs?: number;
  /** At most this many live actors; the least recently used are passivated first (default 10 000). */
  maxLive?: number;
}

interface LiveActor<Machine extends AnyStateMachine> {
  actor: Actor<Machine>;
  lastUsed: number;
  /** Emitted events not yet handed to a step handler. */
  buffer: EmittedFrom<Machine>[];
  /** Version of the stored snapshot this actor is at (0: never stored). */
  version: number;
  /** True while `dispatch` holds the actor; emissions then belong to that step. */
  inStep: boolean;
}

/**
 * Hosts one live actor per key (conversation id). An actor is woken from its snapshot on its
 * first event, stepped with events in order per key, and passivated back to its snapshot when
 * idle, so memory follows the active conversations rather than all of them. Emissions during
 * a dispatch are returned to the caller, to persist with the event that caused them; later
 * emissions (an invoked actor finishing) go to `onAsyncStep`, queued behind that key's events.
 */
export class ActorHost<Machine extends AnyStateMachine> {
  private readonly live = new Map<string, LiveActor<Machine>>();
  private readonly queue = new KeyedQueue();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: ActorHostOptions<Machine>) {
    const idleMs = options.idleMs ?? 300_000;
    this.sweeper = setInterval(() => this.passivateIdle(idleMs), Math.max(1_000, Math.min(idleMs, 60_000)));
    this.sweeper.unref();
  }

  /**
   * Sends `event` to the actor of `key` (woken or created with `input`), then lets `persist`
   * write the resulting snapshot and emissions and answer the version it wrote. If `persist`
   * throws, the live actor is dropped so the next event starts again from the last stored
   * snapshot: nothing half-applied lingers.
   */
  dispatch<T>(
    key: string,
    input: InputFrom<Machine> | (() => Promise<InputFrom<Machine>>),
    event: EventFromLogic<Machine>,
    persist: (step: Step<EmittedFrom<Machine>>) => Promise<{ result: T; version: number }>,
  ): Promise<T> {
    return this.queue.run(key, async () => {
      const entry = await this.wake(key, input);
      entry.inStep = true;
      try {
        entry.actor.send(event);
        const emitted = entry.buffer.splice(0);
        const { result, version } = await persist({ snapshot: entry.actor.getPersistedSnapshot(), emitted, version: entry.version });
        entry.version = version;
        return result;
      } catch (error) {
        this.drop(key);
        throw error;
      } finally {
        entry.inStep = false;
        entry.lastUsed = Date.now();
        // An invoked actor may have finished while `persist` ran; that is the next step.
        if (entry.buffer.length > 0 && this.live.get(key) === entry) this.flushAsync(key, entry);
      }
    });
  }

  /**
   * Wakes the actor of `key` if it is passivated, so that work its snapshot left in flight (an
   * AI answer the runner crashed before storing) resumes; a live actor is left alone.
   */
  touch(key: string, input: InputFrom<Machine> | (() => Promise<InputFrom<Machine>>)): Promise<void> {
    return this.queue.run(key, async () => {
      await this.wake(key, input);
    });
  }

  /** True when the actor of `key` is live (not passivated). */
  isLive(key: string): boolean {
    return this.live.has(key);
  }

  /** Number of live (not passivated) actors. */
  get liveCount(): number {
    return this.live.size;
  }

  /**
   * Passivates the live actors whose key matches, each once its queued work finished: their
   * conversations moved to another host. An AI answer still in flight there is dropped; the new
   * owner resumes it from the stored snapshot.
   */
  async release(matches: (key: string) => boolean): Promise<void> {
    await Promise.all([...this.live.keys()].filter(matches).map((key) => this.queue.run(key, async () => this.drop(key))));
  }

  /** Passivates every actor and stops the sweeper; queued work finishes first. */
  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    await this.queue.drain();
    for (const key of [...this.live.keys()]) this.drop(key);
  }

  private async wake(key: string, input: InputFrom<Machine> | (() => Promise<InputFrom<Machine>>)): Promise<LiveActor<Machine>> {
    const existing = this.live.get(key);
    if (existing) return existing;
    const stored = await this.options.snapshots.load(key);
    const actorInput = typeof input === 'function' ? (stored ? undefined : await (input as () => Promise<InputFrom<Machine>>)()) : input;
    const actor = createActor(this.options.machine, { input: actorInput, ...(stored ? { snapshot: stored.snapshot } : {}) }) as Actor<Machine>;
    const entry: LiveActor<Machine> = { actor, lastUsed: Date.now(), buffer: [], inStep: true, version: stored?.version ?? 0 };
    actor.on('*', (emitted) => {
      entry.buffer.push(emitted as EmittedFrom<Machine>);
      if (!entry.inStep) this.flushAsync(key, entry);
    });
    this.live.set(key, entry);
    actor.start();
    entry.inStep = false;
    // A restored actor may emit at once (e.g. an invoked AI call restarted and answered); deliver it.
    if (entry.buffer.length > 0) this.flushAsync(key, entry);
    this.evictOverflow();
    return entry;
  }

  private flushAsync(key: string, entry: LiveActor<Machine>): void {
    void this.queue.run(key, async () => {
      const emitted = entry.buffer.splice(0);
      if (emitted.length === 0 || this.live.get(key) !== entry) return;
      try {
        entry.version = await this.options.onAsyncStep(key, { snapshot: entry.actor.getPersistedSnapshot(), emitted, version: entry.version });
      } catch (error) {
        this.drop(key);
        this.options.onAsyncError?.(key, error);
      }
    });
  }

  private passivateIdle(idleMs: number): void {
    const cutoff = Date.now() - idleMs;
    for (const [key, entry] of this.live) {
      if (entry.lastUsed < cutoff && !this.isBusy(entry)) this.drop(key);
    }
  }

  private evictOverflow(): void {
    const max = this.options.maxLive ?? 10_000;
    if (this.live.size <= max) return;
    const byAge = [...this.live.entries()].filter(([, entry]) => !this.isBusy(entry)).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [key] of byAge.slice(0, this.live.size - max)) this.drop(key);
  }

  /** An actor waiting on an invoked actor (an AI answer) keeps running until it is done. */
  private isBusy(entry: LiveActor<Machine>): boolean {
    const snapshot = entry.actor.getSnapshot() as { children?: Record<string, unknown> };
    return entry.inStep || Object.keys(snapshot.children ?? {}).length > 0;
  }

  private drop(key: string): void {
    this.live.get(key)?.actor.stop();
    this.live.delete(key);
  }
}
