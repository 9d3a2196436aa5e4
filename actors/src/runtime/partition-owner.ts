import { CONVERSATION_PARTITIONS } from '@switchboard/contracts';
import type { Orm } from '@switchboard/db';
import type { Logger } from 'pino';

export interface PartitionOwnerOptions {
  orm: Orm;
  /** This runner's name in the leases; unique per process. */
  node: string;
  logger: Logger;
  /** Starts consuming a partition this runner now owns. */
  acquire: (partition: number) => Promise<void>;
  /** Called once per tick with the partitions that tick took (after `acquire` for each). */
  acquired?: (partitions: number[]) => Promise<void>;
  /** Stops consuming a partition (its in-flight work finished) before it is given back. */
  release: (partition: number) => Promise<void>;
  /** How long a lease lasts without renewal (ms, default 10 000). */
  ttlMs?: number;
  /** How often leases are renewed and shares rebalanced (ms, default 2 000). */
  tickMs?: number;
  count?: number;
}

/**
 * Which conversation partitions this runner owns (migration 0014). Every tick it heartbeats,
 * renews its leases and takes free or lapsed partitions up to its fair share; above its share
 * (a runner joined) it stops the extra ones first and then gives them back, so a partition is
 * consumed by one runner at a time. A runner that cannot renew stops consuming before its
 * leases can lapse; one that died loses them after `ttlMs`, and the others take them over.
 */
export class PartitionOwner {
  private readonly held = new Set<number>();
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private confirmedAt = 0;
  private stopped = false;

  constructor(private readonly options: PartitionOwnerOptions) {
    this.log = options.logger.child({ component: 'partitions', node: options.node });
  }

  private get ttlMs(): number {
    return this.options.ttlMs ?? 10_000;
  }

  private get tickMs(): number {
    return this.options.tickMs ?? 2_000;
  }

  /** Takes this runner's first share, then keeps ticking. */
  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => {
      this.ticking = this.ticking.then(() => this.tick());
    }, this.tickMs);
    this.timer.unref();
  }

  /** Whether this runner owns `partition` now. */
  owns(partition: number): boolean {
    return this.held.has(partition);
  }

  /** The partitions this runner owns, sorted. */
  partitions(): number[] {
    return [...this.held].sort((a, b) => a - b);
  }

  /** Stops consuming every partition and gives them all back, so the others take them at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.ticking;
    for (const partition of this.partitions()) await this.drop(partition);
    await this.options.orm.em.fork().execute('select runner_partition_release(?, ?::integer[], true)', [this.options.node, '{}'])
      .catch((error: unknown) => this.log.warn({ err: error }, 'could not give the partitions back; they lapse on their own'));
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    let answer: { held: number[]; target: number };
    try {
      const [row] = await this.options.orm.em.fork().execute<Array<{ result: { held: number[]; target: number } }>>(
        'select runner_partition_tick(?, ?, ?) as result', [this.options.node, Math.ceil(this.ttlMs / 1000), this.options.count ?? CONVERSATION_PARTITIONS]);
      if (!row) throw new Error('runner_partition_tick answered nothing');
      answer = row.result;
    } catch (error) {
      // Without the database the leases cannot be renewed: stop consuming before they lapse,
      // since another runner may then take them.
      if (Date.now() - this.confirmedAt >= this.ttlMs - this.tickMs && this.held.size > 0) {
        this.log.warn({ err: error }, 'could not renew the partition leases before they lapse; stopping them here');
        for (const partition of this.partitions()) await this.drop(partition);
      } else {
        this.log.warn({ err: error }, 'could not renew the partition leases; trying again');
      }
      return;
    }
    this.confirmedAt = Date.now();
    const confirmed = new Set(answer.held);
    // Taken by another runner after our lease lapsed (this process stalled): not ours any more.
    for (const partition of this.partitions()) if (!confirmed.has(partition)) await this.drop(partition);
    const taken: number[] = [];
    for (const partition of answer.held) {
      if (this.held.has(partition) || this.stopped) continue;
      try {
        await this.options.acquire(partition);
        this.held.add(partition);
        taken.push(partition);
      } catch (error) {
        this.log.error({ err: error, partition }, 'could not start consuming a partition; giving it back');
        await this.giveBack([partition]);
      }
    }
    if (taken.length > 0) await this.options.acquired?.(taken).catch((error: unknown) => this.log.warn({ err: error, partitions: taken }, 'could not finish taking partitions over'));
    const extra = this.partitions().slice(answer.target);
    if (extra.length > 0) {
      for (const partition of extra) await this.drop(partition);
      await this.giveBack(extra);
      this.log.info({ partitions: extra }, 'gave partitions back to balance the runners');
    }
  }

  private async drop(partition: number): Promise<void> {
    this.held.delete(partition);
    await this.options.release(partition).catch((error: unknown) => this.log.error({ err: error, partition }, 'could not stop consuming a partition cleanly'));
  }

  private async giveBack(partitions: number[]): Promise<void> {
    await this.options.orm.em.fork().execute('select runner_partition_release(?, ?::integer[], false)', [this.options.node, `{${partitions.join(',')}}`])
      .catch((error: unknown) => this.log.warn({ err: error, partitions }, 'could not give partitions back; they lapse on their own'));
  }
}
