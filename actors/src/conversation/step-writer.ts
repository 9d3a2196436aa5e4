import type { Orm } from '@switchboard/db';

/** What `conversation_step` answers: the conversation row, the rows the step created, and whether the conversation is new. */
export interface StepRow<Conversation, Message> {
  conversation: Conversation;
  messages: Message[];
  created: boolean;
  /** Actions the bot proposed that this step stored (none when they were stored before). */
  actions?: unknown[];
}

/** A step the database refused, with the SQLSTATE it raised (SBDUP, SBVER, SBNOF, or any other). */
export class StepRefused extends Error {
  constructor(readonly state: string, message: string) {
    super(message);
  }
}

interface Pending {
  tenantId: string;
  step: unknown;
  resolve: (row: unknown) => void;
  reject: (error: unknown) => void;
}

/** The SQLSTATE a failed statement raised, looked for through wrapped errors. */
export function sqlState(error: unknown): string | undefined {
  if (error instanceof StepRefused) return error.state;
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Writes conversation steps, grouping them when they pile up: while `maxInFlight` calls are in
 * the database, new steps wait and go together in the next call (`conversation_steps`: one round
 * trip, one commit, each step in its own subtransaction). An idle runner writes each step at
 * once; a busy one pays one round trip for many steps instead of one each. Steps of one
 * conversation never meet in a batch: its actor waits for each step to be stored.
 */
export class StepWriter {
  private readonly waiting: Pending[] = [];
  private inFlight = 0;

  constructor(private readonly orm: Orm, private readonly maxInFlight = 4, private readonly maxBatch = 100) {}

  write<Row>(tenantId: string, step: unknown): Promise<Row> {
    return new Promise<Row>((resolve, reject) => {
      this.waiting.push({ tenantId, step, resolve: resolve as (row: unknown) => void, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.inFlight += 1;
      void this.run(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    const em = this.orm.em.fork();
    try {
      if (batch.length === 1) {
        const [only] = batch;
        if (!only) return;
        const [row] = await em.execute<Array<{ result: unknown }>>('select conversation_step(?, ?) as result', [only.tenantId, JSON.stringify(only.step)]);
        only.resolve(row?.result);
        return;
      }
      const [row] = await em.execute<Array<{ results: Array<{ result?: unknown; state?: string; message?: string }> }>>(
        'select conversation_steps(?) as results',
        [JSON.stringify(batch.map(({ tenantId, step }) => ({ tenantId, step })))],
      );
      batch.forEach((pending, index) => {
        const outcome = row?.results[index];
        if (outcome?.state !== undefined) pending.reject(new StepRefused(outcome.state, outcome.message ?? outcome.state));
        else if (outcome) pending.resolve(outcome.result);
        else pending.reject(new Error('conversation_steps answered fewer results than steps'));
      });
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }
}
