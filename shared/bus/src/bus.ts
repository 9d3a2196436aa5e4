import { connect } from '@nats-io/transport-node';
import { headers as natsHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type JsMsg, type PubAck } from '@nats-io/jetstream';
import {
  busMessages,
  checkSchema,
  describeIssues,
  conversationPartition,
  subjectOf,
  subjects,
  type BusEnvelope,
  type BusMessageType,
} from '@switchboard/contracts';
import { AppError } from '@switchboard/errors';
import type { Logger } from 'pino';
import { busHeaders } from './bus-headers.ts';
import { decodeEnvelope } from './envelope-decoder.ts';
import { requestReply, serveRequests, type RequestOptions, type ServeContext } from './request-reply.ts';
import type { Static, TSchema } from 'typebox';
import { provisionConsumer, provisionStreams, streamDefinitions, type StreamDefinition } from './streams.ts';

export interface BusOptions {
  /** One URL or a comma-separated list (a cluster). */
  servers: string;
  /** Connection name shown by `nats server report connections`. */
  name: string;
  logger: Logger;
  /** Streams to create or update at connect; defaults to all of Switchboard's. */
  streams?: readonly StreamDefinition[];
  /** How long the first connection may take before `connectBus` fails (ms). */
  connectTimeoutMs?: number;
}

export interface PublishOptions {
  /** Routing key for channel-scoped subjects (inbound, outbound, delivery). */
  channelId?: string;
  /**
   * JetStream dedupe key (`Nats-Msg-Id`); defaults to the envelope id. Connectors pass
   * channel + external message id so the same channel message twice is stored once.
   */
  msgId?: string;
}

export interface ConsumeContext {
  /** 1 on first delivery; higher on redelivery after a crash or a nak. */
  deliveryCount: number;
  subject: string;
  /** Tells JetStream the handler is still working, so it does not redeliver yet. */
  working(): void;
}

export interface ConsumeOptions<Kind extends BusMessageType> {
  stream: string;
  durable: string;
  /** One subject filter (nats-server 2.9, Debian's, has no multi-filter consumers). */
  filterSubject?: string;
  /** Types this consumer accepts; anything else is parked. */
  types: readonly Kind[];
  handler: (envelope: BusEnvelope<Kind>, context: ConsumeContext) => Promise<void>;
  /** Deliveries before a failing message is parked (default 5). */
  maxDeliver?: number;
  /** How long JetStream waits for an ack before redelivering (ms, default 30 000). */
  ackWaitMs?: number;
  /**
   * Delay before the n-th retry of a failed handler (ms), given what the handler threw: a handler
   * told by its remote side when to come back (Telegram's 429 `retry_after`) can wait that long
   * through the nak, so the consumer goes on with other messages meanwhile.
   */
  retryDelayMs?: (deliveryCount: number, error: unknown) => number;
  /**
   * Messages handled at once (default 1: strictly in order). Above 1 the handler must keep its
   * own order where it matters (the runner queues per conversation), since messages are handed
   * to it in stream order but finish in any order.
   */
  concurrency?: number;
  /**
   * Messages pulled ahead of the handler (default 64). What is pulled but not handled when the
   * consumer stops is redelivered only after `ackWaitMs`, so a consumer that may hand its work
   * to another process keeps this small.
   */
  bufferSize?: number;
}

export interface ConsumerHandle {
  /** Stops pulling, lets the message in hand finish, and resolves when the loop is done. */
  stop(): Promise<void>;
}

const encoder = new TextEncoder();
const defaultRetryDelay = (deliveryCount: number) => Math.min(30_000, 250 * 2 ** (deliveryCount - 1));

/**
 * Switchboard's NATS bus: typed, validated publish and consume over JetStream, and core
 * request/reply for queries. Construct with {@link connectBus}.
 */
export class Bus {
  readonly js: JetStreamClient;

  private readonly consumers = new Set<ConsumerHandle>();

  private constructor(
    readonly nc: NatsConnection,
    readonly jsm: JetStreamManager,
    private readonly logger: Logger,
  ) {
    this.js = jetstream(nc);
  }

  /** Connects, starts watching connection status and provisions streams idempotently. */
  static async connect(options: BusOptions): Promise<Bus> {
    const nc = await connect({
      servers: options.servers.split(',').map((server) => server.trim()),
      name: options.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      timeout: options.connectTimeoutMs ?? 10_000,
      pingInterval: 10_000,
      // Every request (each JetStream publish is one) would otherwise capture a stack trace up
      // front for a timeout that rarely happens: measurable CPU on the message path.
      noAsyncTraces: true,
    });
    const jsm = await jetstreamManager(nc);
    const bus = new Bus(nc, jsm, options.logger);
    bus.watchStatus();
    await provisionStreams(jsm, options.streams ?? Object.values(streamDefinitions));
    return bus;
  }

  /**
   * Validates the envelope against its schema and stores it on its stream. A sender bug (an
   * invalid payload) throws `SB_ERR_VALIDATION` here rather than poisoning consumers.
   */
  async publish<Kind extends BusMessageType>(envelope: BusEnvelope<Kind>, options: PublishOptions = {}): Promise<PubAck> {
    const check = checkSchema(busMessages[envelope.type], envelope.data);
    if (!check.ok) {
      throw new AppError('SB_ERR_VALIDATION', {
        message: `refusing to publish an invalid ${envelope.type}: ${describeIssues(check.issues)}`,
        issues: check.issues,
      });
    }
    // A customer message goes to its conversation's partition, whose runner alone consumes it.
    const inbound = envelope.type === 'inbound.message' ? (envelope.data as { channelId: string; externalChatId: string }) : undefined;
    const subject = subjectOf(envelope.type, envelope.tenantId, options.channelId, inbound && conversationPartition(inbound.channelId, inbound.externalChatId));
    const headers = this.headersFor(envelope);
    return this.js.publish(subject, encoder.encode(JSON.stringify(envelope)), {
      msgID: options.msgId ?? envelope.id,
      headers,
    });
  }

  /**
   * Runs a durable pull consumer. Each message is decoded and validated before the handler
   * sees it; an invalid one is parked on `sb.parked.*` with its reason and terminated, and the
   * loop goes on. A handler that throws gets the message again after a backoff, and after
   * `maxDeliver` attempts the message is parked too. The ack happens only after the handler
   * resolved, so a crash before it means redelivery, never loss.
   */
  async consume<Kind extends BusMessageType>(options: ConsumeOptions<Kind>): Promise<ConsumerHandle> {
    const maxDeliver = options.maxDeliver ?? 5;
    await provisionConsumer(this.jsm, options.stream, {
      durable_name: options.durable,
      ...(options.filterSubject ? { filter_subject: options.filterSubject } : {}),
      ack_wait: (options.ackWaitMs ?? 30_000) * 1_000_000,
      max_deliver: maxDeliver + 1, // one more than ours, so we park before JetStream gives up silently
    });
    const consumer = await this.js.consumers.get(options.stream, options.durable);
    const messages = await consumer.consume({ max_messages: Math.max(1, options.bufferSize ?? 64) });
    const retryDelay = options.retryDelayMs ?? defaultRetryDelay;
    const log = this.logger.child({ consumer: options.durable });

    const concurrency = Math.max(1, options.concurrency ?? 1);
    const inFlight = new Set<Promise<void>>();
    const loop = (async () => {
      for await (const msg of messages) {
        const handled = this.handleOne(msg, options, maxDeliver, retryDelay, log);
        if (concurrency === 1) {
          await handled;
          continue;
        }
        inFlight.add(handled);
        void handled.finally(() => inFlight.delete(handled));
        if (inFlight.size >= concurrency) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    })();
    const handle: ConsumerHandle = {
      stop: async () => {
        this.consumers.delete(handle);
        await messages.close();
        await loop;
      },
    };
    this.consumers.add(handle);
    return handle;
  }

  /** Sends a validated request and returns the validated reply; see {@link requestReply}. */
  request<Req extends TSchema, Res extends TSchema>(subject: string, schemas: { request: Req; response: Res }, payload: Static<Req>, options?: RequestOptions): Promise<Static<Res>> {
    return requestReply(this.nc, subject, schemas, payload, options);
  }

  /** Answers requests on `subject` in a queue group; see {@link serveRequests}. Stopped by `close()`. */
  serve<Req extends TSchema, Res extends TSchema>(
    subject: string,
    schemas: { request: Req; response: Res },
    handler: (request: Static<Req>, context: ServeContext) => Promise<Static<Res>>,
  ): ConsumerHandle {
    const server = serveRequests(this.nc, subject, schemas, handler, this.logger.child({ service: subject }));
    const handle: ConsumerHandle = {
      stop: async () => {
        this.consumers.delete(handle);
        await server.stop();
      },
    };
    this.consumers.add(handle);
    return handle;
  }

  /** Publishes a non-persistent fact on core NATS (typing indicators, presence). */
  publishTransient(subject: string, payload: unknown): void {
    this.nc.publish(subject, encoder.encode(JSON.stringify(payload)));
  }

  /** True when the connection is open and the server answers a ping within `timeoutMs`. */
  async isHealthy(timeoutMs = 1_000): Promise<boolean> {
    if (this.nc.isClosed()) return false;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.nc.flush().then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), timeoutMs);
        }),
      ]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops every consumer, then drains: in-flight publishes finish, nothing new is accepted. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.consumers].map((consumer) => consumer.stop()));
    if (!this.nc.isClosed()) {
      await this.nc.drain().catch((error: unknown) => this.logger.warn({ err: error }, 'NATS drain failed'));
    }
  }

  private async handleOne<Kind extends BusMessageType>(
    msg: JsMsg,
    options: ConsumeOptions<Kind>,
    maxDeliver: number,
    retryDelay: (deliveryCount: number, error: unknown) => number,
    log: Logger,
  ): Promise<void> {
    const decoded = decodeEnvelope(msg.data, options.types, msg.headers?.get(busHeaders.tenantId) || undefined);
    if (!decoded.ok) {
      log.warn({ subject: msg.subject, seq: msg.seq, code: decoded.code, reason: decoded.reason }, 'bus message refused and parked');
      await this.park(msg, options.durable, decoded.reason);
      return;
    }
    const { envelope } = decoded;
    const deliveryCount = msg.info.deliveryCount;
    try {
      await options.handler(envelope, { deliveryCount, subject: msg.subject, working: () => msg.working() });
      // Not awaited (ackAck would cost a round trip per message): the work is committed, and a
      // lost ack is a redelivery that idempotent handlers absorb.
      msg.ack();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (deliveryCount >= maxDeliver) {
        log.error({ err: error, traceId: envelope.traceId, id: envelope.id, deliveryCount }, 'bus handler failed for the last time; parked');
        await this.park(msg, options.durable, `handler failed ${deliveryCount} times: ${reason}`);
      } else {
        log.warn({ err: error, traceId: envelope.traceId, id: envelope.id, deliveryCount }, 'bus handler failed; will retry');
        msg.nak(retryDelay(deliveryCount, error));
      }
    }
  }

  private async park(msg: JsMsg, consumer: string, reason: string): Promise<void> {
    const headers = natsHeaders();
    for (const [key, values] of msg.headers ?? []) {
      if (key === busHeaders.msgId) continue;
      for (const value of values) headers.append(key, value);
    }
    headers.set(busHeaders.parkReason, reason.slice(0, 1000).replace(/[\r\n]+/g, ' '));
    headers.set(busHeaders.parkConsumer, consumer);
    headers.set(busHeaders.parkSubject, msg.subject);
    try {
      await this.js.publish(subjects.parked(msg.subject), msg.data, { headers, msgID: `${consumer}:${msg.seq}` });
      msg.term(reason.slice(0, 200));
    } catch (error) {
      // Could not park: leave it unacked so JetStream redelivers, rather than lose it.
      this.logger.error({ err: error, subject: msg.subject }, 'could not park a refused message');
      msg.nak(5_000);
    }
  }

  private headersFor(envelope: { traceId: string; tenantId: string; type: string }): MsgHdrs {
    const headers = natsHeaders();
    headers.set(busHeaders.traceId, envelope.traceId);
    headers.set(busHeaders.tenantId, envelope.tenantId);
    headers.set(busHeaders.type, envelope.type);
    return headers;
  }

  private watchStatus(): void {
    void (async () => {
      for await (const status of this.nc.status()) {
        if (status.type === 'disconnect') this.logger.warn({ server: status.server }, 'NATS disconnected; reconnecting');
        else if (status.type === 'reconnect') this.logger.info({ server: status.server }, 'NATS reconnected');
        else if (status.type === 'error') this.logger.error({ err: status.error }, 'NATS error');
      }
    })().catch(() => undefined);
  }
}

/** Connects to NATS and provisions Switchboard's streams. */
export function connectBus(options: BusOptions): Promise<Bus> {
  return Bus.connect(options);
}
