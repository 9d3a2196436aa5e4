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

/** The value below which `share` (0..1) of the sorted `values` fall (nearest rank). */
export function percentile(sorted: ArrayLike<number>, share: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))] ?? Number.NaN;
}

/** p50/p95/p99/max of latencies in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarizeLatencies(values: number[]): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  return { count: sorted.length, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1] ?? Number.NaN };
}

export const formatLatencies = (s: LatencySummary) => `p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(1)} ms`;

/** 12,345 */
export const formatCount = (value: number) => Math.round(value).toLocaleString('en-US');

/** Bytes as a whole number, or KB/MB once large. */
export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs >= 10 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  if (abs >= 10 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${formatCount(bytes)} B`;
}
