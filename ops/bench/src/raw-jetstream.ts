import { AckPolicy, jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { summarizeLatencies, type LatencySummary } from './measure.ts';
import { runOpenLoop, waitUntil } from './open-loop.ts';

/**
 * Raw JetStream on the live stack's own nats-server: what one hop of the pipeline costs with
 * nothing of the product around it. Each message is the pre-encoded payload the hub publishes
 * for a widget message, with the same `Nats-Msg-Id` de-duplication header; the consumer is a
 * durable pull consumer with explicit acks, as the runner's is.
 */
export interface RawJetStream {
  /** Publishes `count` (with `inFlight` awaited publishes at once) while one consumer consumes and acks: messages/second from the first publish to the last ack. */
  throughput(count: number, inFlight: number): Promise<{ perSecond: number; seconds: number }>;
  /** Publishes at `rate` per second on an open-loop schedule: publish-to-consume latency from the intended time. */
  latency(rate: number, count: number): Promise<{ summary: LatencySummary; fired: number; firedSeconds: number; received: number }>;
  /** Messages stored in the product's `SB_*` streams (every fact and command the pipeline published). */
  productMessages(): Promise<number>;
  close(): Promise<void>;
}

const sequenceOf = (msgId: string | undefined) => Number((msgId ?? '').slice((msgId ?? '').lastIndexOf('-') + 1));

export async function openRawJetStream(natsUrl: string, payload: Uint8Array): Promise<RawJetStream> {
  const nc = await connect({ servers: natsUrl, name: 'bench-raw' });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  let runs = 0;

  /** A fresh stream and durable consumer per run, so runs cannot see each other's messages. */
  const consumerFor = async (name: string) => {
    await jsm.streams.add({ name, subjects: [`${name.toLowerCase()}.>`], duplicate_window: 120_000_000_000 });
    await jsm.consumers.add(name, { durable_name: 'raw', ack_policy: AckPolicy.Explicit });
    return js.consumers.get(name, 'raw');
  };

  /** Consumes and acks until `count` were seen or `stop` is called; calls `onMessage` with each's sequence. */
  const consumeAll = async (name: string, count: number, onMessage: (sequence: number) => void) => {
    const consumer = await consumerFor(name);
    const messages = await consumer.consume({ max_messages: 512 });
    let seen = 0;
    const loop = (async () => {
      for await (const message of messages) {
        onMessage(sequenceOf(message.headers?.get('Nats-Msg-Id')));
        message.ack();
        if (++seen === count) break;
      }
    })();
    return { seen: () => seen, stop: async () => { await messages.close(); await loop; } };
  };

  const publish = (client: JetStreamClient, subject: string, run: string, i: number) => client.publish(subject, payload, { msgID: `${run}-${i}` });

  return {
    async throughput(count, inFlight) {
      const name = `BENCH_RAW_${++runs}`;
      let lastAck = 0;
      const consuming = await consumeAll(name, count, () => (lastAck = performance.now()));
      const started = performance.now();
      let next = 0;
      await Promise.all(Array.from({ length: inFlight }, async () => {
        while (next < count) await publish(js, `${name.toLowerCase()}.in`, name, next++);
      }));
      await waitUntil(() => consuming.seen() >= count, 60_000);
      await consuming.stop();
      const seconds = ((lastAck || performance.now()) - started) / 1000;
      return { perSecond: consuming.seen() / seconds, seconds };
    },

    async latency(rate, count) {
      const name = `BENCH_RAW_${++runs}`;
      const seenAt = new Float64Array(count);
      const consuming = await consumeAll(name, count, (sequence) => {
        if (sequence >= 0 && sequence < count && seenAt[sequence] === 0) seenAt[sequence] = performance.now();
      });
      const failures: unknown[] = [];
      const run = await runOpenLoop(rate, count, (count / rate) * 1000 + 5_000, (i) => {
        publish(js, `${name.toLowerCase()}.in`, name, i).catch((error: unknown) => failures.push(error));
      });
      await waitUntil(() => consuming.seen() >= run.fired, 30_000);
      await consuming.stop();
      const latencies: number[] = [];
      for (let i = 0; i < run.fired; i++) if ((seenAt[i] ?? 0) > 0) latencies.push((seenAt[i] ?? 0) - run.intendedAt(i));
      return { summary: summarizeLatencies(latencies), fired: run.fired, firedSeconds: run.firedSeconds, received: latencies.length };
    },

    async productMessages() {
      let total = 0;
      for await (const stream of jsm.streams.list()) if (stream.config.name.startsWith('SB_')) total += stream.state.messages;
      return total;
    },

    async close() {
      for (let i = 1; i <= runs; i++) await jsm.streams.delete(`BENCH_RAW_${i}`).catch(() => undefined);
      await nc.close();
    },
  };
}
