import { benchActorMemory } from './actor-memory.bench.ts';
import { benchBus } from './bus.bench.ts';

/**
 * `npm run bench`: prints figures, each next to the raw cost of the same work measured in the
 * same run. `BENCH_SCALE` (default 1) multiplies the message counts.
 */
export async function runBenchmarks(env: NodeJS.ProcessEnv): Promise<void> {
  const scale = Math.max(1, Number(env['BENCH_SCALE'] ?? '1') || 1);
  process.stdout.write(`Switchboard benchmarks (scale ${scale}, Node ${process.version})\n`);
  await benchBus(scale);
  await benchActorMemory(scale);
  process.stdout.write('\n');
}
