import { streamDefinitions, type ConsumerHandle } from '@switchboard/bus';
import { ConversationCommandReply, ConversationCommandRequest, subjects } from '@switchboard/contracts';
import { AppError } from '@switchboard/errors';
import { ConversationRuntime, type ConversationRuntimeOptions } from './conversation-runtime.ts';

export interface InboundPipelineOptions extends ConversationRuntimeOptions {
  /** Messages handled at once across conversations (each conversation stays in order; default 64). */
  concurrency?: number;
  /** How often the sweeper releases inactive agents and resumes stalled answers (ms, default 5 000; 0 turns it off). */
  sweepIntervalMs?: number;
}

export interface InboundPipeline {
  runtime: ConversationRuntime;
  host: ConversationRuntime['host'];
  stop(): Promise<void>;
}

/**
 * The runner's message path (ARCHITECTURE.md, steps 2 to 4): consume `SB_INBOUND` into the
 * conversation actors, answer agents' commands on `sb.req.conversation.<tenant>`, and sweep
 * inactive agents and answers a crash interrupted. The inbound message is acked only after its
 * step is stored: a crash before that redelivers it, and its unique key makes that harmless.
 */
export async function startInboundPipeline(options: InboundPipelineOptions): Promise<InboundPipeline> {
  const { bus } = options;
  const runtime = new ConversationRuntime(options);
  const log = options.logger.child({ component: 'conversations' });

  // Before consuming: give the answers a crashed runner left in flight.
  await runtime.sweep(0).catch((error: unknown) => log.warn({ err: error }, 'start-up sweep failed'));

  const inbound: ConsumerHandle = await bus.consume({
    stream: streamDefinitions.inbound.name,
    durable: 'runner-conversations',
    types: ['inbound.message'],
    concurrency: options.concurrency ?? 64,
    handler: (envelope) => runtime.handleInbound(envelope),
  });
  const commands = bus.serve(subjects.all.requests('conversation'), { request: ConversationCommandRequest, response: ConversationCommandReply }, async (command, context) => {
    if (context.tenantId === undefined) throw new AppError('SB_ERR_FORBIDDEN', { message: `no tenant in ${context.subject}` });
    return runtime.handleCommand(context.tenantId, command);
  });

  const every = options.sweepIntervalMs ?? 5_000;
  let sweeping: Promise<unknown> = Promise.resolve();
  const sweeper = every > 0
    ? setInterval(() => {
      sweeping = runtime.sweep(30).catch((error: unknown) => log.warn({ err: error }, 'sweep failed'));
    }, every)
    : undefined;
  sweeper?.unref();

  return {
    runtime,
    host: runtime.host,
    stop: async () => {
      clearInterval(sweeper);
      await sweeping;
      await commands.stop();
      await inbound.stop();
      await runtime.stop();
    },
  };
}
