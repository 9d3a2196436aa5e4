import { benchActorMemory } from './actor-memory.bench.ts';
import { benchAiOverhead } from './ai-overhead.bench.ts';
import { benchBus } from './bus.bench.ts';
import { benchLivePipeline } from './live-pipeline.bench.ts';
import { printSummary } from './live-report.ts';
import { benchTelegramIngest } from './telegram-ingest.bench.ts';
import { benchWhatsAppIngestion } from './whatsapp-ingestion.bench.ts';

/**
 * `npm run bench`: prints figures, each next to the raw cost of the same work measured in the
 * same run. `BENCH_SCALE` (default 1) multiplies the message counts, durations and connections.
 * `BENCH_LIVE=0` skips the live pipeline (which starts nats-server, PostgreSQL and the product);
 * `BENCH_PROFILE_DIR` writes a CPU profile of its server process there.
 */
export async function runBenchmarks(env: NodeJS.ProcessEnv): Promise<void> {
  const scale = Math.max(1, Number(env['BENCH_SCALE'] ?? '1') || 1);
  process.stdout.write(`Switchboard benchmarks (scale ${scale}, Node ${process.version})\n`);
  await benchBus(scale);
  await benchAiOverhead(scale);
  await benchTelegramIngest(scale);
  await benchWhatsAppIngestion(scale);
  if (env['BENCH_LIVE'] === '0') {
    await benchActorMemory(scale);
  } else {
    const live = await benchLivePipeline(scale, { profileDir: env['BENCH_PROFILE_DIR'] || undefined });
    const memory = await benchActorMemory(scale, live.actors.sample);
    printSummary(live.throughput, [live.latency, live.lightLatency], live.connections, live.actors, memory);
  }
  process.stdout.write('\n');
}
