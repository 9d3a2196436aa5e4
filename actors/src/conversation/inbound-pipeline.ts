import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { streamDefinitions, type ConsumerHandle } from '@switchboard/bus';
import { ConversationCommandReply, ConversationCommandRequest, subjects } from '@switchboard/contracts';
import { AppError } from '@switchboard/errors';
import { PartitionOwner } from '../runtime/partition-owner.ts';
import { ConversationRuntime, partitionOfKey, type ConversationRuntimeOptions } from './conversation-runtime.ts';

export interface InboundPipelineOptions extends ConversationRuntimeOptions {
  /** Messages handled at once per owned partition (each conversation stays in order; default 4, so 128 for a runner owning all 32). */
  concurrency?: number;
  /** How often the sweeper releases inactive agents and resumes stalled answers (ms, default 5 000; 0 turns it off). */
  sweepIntervalMs?: number;
  /** This runner's name in the partition leases (default host, pid and a random suffix). */
  node?: string;
  /** Partition lease lifetime and renewal period (ms; defaults 10 000 and 2 000). */
  partitionLease?: { ttlMs?: number; tickMs?: number };
}

export interface InboundPipeline {
  runtime: ConversationRuntime;
  host: ConversationRuntime['host'];
  /** The conversation partitions this runner owns now. */
  partitions(): number[];
  stop(): Promise<void>;
}

/** The durable consumer of one partition's inbound messages, shared by whichever runner owns it. */
export const partitionConsumerName = (partition: number) => `runner-p${partition}`;

/**
 * The runner's message path (ARCHITECTURE.md, steps 2 to 4). Conversations are partitioned
 * across runners (`conversationPartition`); this runner owns some partitions at a time (see
 * {@link PartitionOwner}) and, for each, consumes its inbound messages (`sb.in.*.*.<partition>`)
 * into the conversation actors and answers agents' commands for its conversations
 * (`sb.req.conversation-p<partition>.<tenant>`), so every conversation has one live actor in the
 * cluster. The sweeper releases inactive agents and resumes answers a crash interrupted, in the
 * partitions it owns. An inbound message is acked only after its step is stored: a crash before
 * that redelivers it, and its unique key makes that harmless.
 */
export async function startInboundPipeline(options: InboundPipelineOptions): Promise<InboundPipeline> {
  const { bus } = options;
  const runtime = new ConversationRuntime(options);
  const log = options.logger.child({ component: 'conversations' });
  const node = options.node ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const running = new Map<number, ConsumerHandle[]>();

  // The single consumer of the runners before partitioning: gone, so it cannot take messages.
  await bus.jsm.consumers.delete(streamDefinitions.inbound.name, 'runner-conversations').catch(() => undefined);

  const owner = new PartitionOwner({
    orm: options.orm,
    node,
    logger: options.logger,
    ...(options.partitionLease?.ttlMs === undefined ? {} : { ttlMs: options.partitionLease.ttlMs }),
    ...(options.partitionLease?.tickMs === undefined ? {} : { tickMs: options.partitionLease.tickMs }),
    acquire: async (partition) => {
      const inbound = await bus.consume({
        stream: streamDefinitions.inbound.name,
        durable: partitionConsumerName(partition),
        filterSubject: subjects.all.inboundOfPartition(partition),
        types: ['inbound.message'],
        concurrency: options.concurrency ?? 4,
        // Pulled ahead and not handled when the partition moves waits out the ack wait: keep it small.
        bufferSize: 8,
        handler: (envelope) => runtime.handleInbound(envelope),
      });
      const commands = bus.serve(subjects.all.conversationCommands(partition), { request: ConversationCommandRequest, response: ConversationCommandReply }, async (command, context) => {
        if (context.tenantId === undefined) throw new AppError('SB_ERR_FORBIDDEN', { message: `no tenant in ${context.subject}` });
        return runtime.handleCommand(context.tenantId, command);
      });
      running.set(partition, [inbound, commands]);
    },
    // Answers the previous owners left in flight (they crashed, or gave partitions back
    // mid-answer): one sweep for every partition a tick took, not one each.
    acquired: async (partitions) => {
      const taken = new Set(partitions);
      await runtime.sweep(0, (partition) => taken.has(partition));
    },
    release: async (partition) => {
      const handles = running.get(partition) ?? [];
      running.delete(partition);
      await Promise.all(handles.map((handle) => handle.stop()));
      await runtime.host.release((key) => partitionOfKey(key) === partition);
    },
  });
  await owner.start();
  log.info({ node, partitions: owner.partitions() }, 'runner owns its conversation partitions');

  const every = options.sweepIntervalMs ?? 5_000;
  let sweeping: Promise<unknown> = Promise.resolve();
  const sweeper = every > 0
    ? setInterval(() => {
      sweeping = runtime.sweep(30, (partition) => owner.owns(partition)).catch((error: unknown) => log.warn({ err: error }, 'sweep failed'));
    }, every)
    : undefined;
  sweeper?.unref();

  return {
    runtime,
    host: runtime.host,
    partitions: () => owner.partitions(),
    stop: async () => {
      clearInterval(sweeper);
      await sweeping;
      await owner.stop();
      await runtime.stop();
    },
  };
}
