/** One benchmark's result: how many operations in how long. */
export interface Measurement {
  name: string;
  operations: number;
  seconds: number;
}

export const perSecond = (m: Measurement) => m.operations / m.seconds;

/** Runs `work` once and times it with the monotonic clock. */
export async function measure(name: string, operations: number, work: () => Promise<void>): Promise<Measurement> {
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { name, operations, seconds };
}

/** Prints results as an aligned table, each compared with its baseline (the raw cost of the same work). */
export function printComparison(title: string, baseline: Measurement, candidates: Measurement[]): void {
  const rows = [baseline, ...candidates];
  const width = Math.max(...rows.map((row) => row.name.length));
  process.stdout.write(`\n${title}\n`);
  for (const row of rows) {
    const rate = perSecond(row);
    const relative = row === baseline ? 'baseline' : `${((rate / perSecond(baseline)) * 100).toFixed(0)}% of baseline`;
    process.stdout.write(`  ${row.name.padEnd(width)}  ${Math.round(rate).toLocaleString('en-US').padStart(10)} /s  ${relative}\n`);
  }
}
