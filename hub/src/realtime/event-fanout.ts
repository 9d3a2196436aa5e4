import { DeliverPolicy, type ConsumerMessages } from '@nats-io/jetstream';
import { busHeaders, decodeEnvelope, streamDefinitions, type Bus } from '@switchboard/bus';
import { domainEventTypes, type BusEnvelope, type ChatRoute, type DomainEventType, type ReplayResult } from '@switchboard/contracts';
import type { Logger } from 'pino';

/** A domain event as consoles receive it: the bus event without the chat route. */
export interface FannedEvent {
  eventId: string;
  type: DomainEventType;
  tenantId: string;
  occurredAt: string;
  data: unknown;
}

export interface FanoutSinks {
  /** Emits to the tenant's consoles connected to this hub. */
  console(event: FannedEvent): void;
  /** Emits to the visitor's widget connected to this hub, when the event concerns one. */
  visitor(route: ChatRoute, envelope: BusEnvelope<DomainEventType>): void;
}

export interface EventFanoutOptions {
  bus: Bus;
  sinks: FanoutSinks;
  logger: Logger;
  /** Events kept for `replay`, by age (default 15 minutes) and count (default 20 000, some 30 MB). */
  replayWindowMs?: number;
  replayMaxEvents?: number;
}

/**
 * Every hub reads the whole `SB_EVENTS` stream with an ordered consumer and emits each event to
 * the sockets connected to it (rooms per tenant and per visitor), so hubs need no adapter
 * between them to fan out. The last events are kept for consoles that reconnect and ask what
 * they missed; at start the hub reads the replay window back from the stream, so a restarted
 * hub can answer too. Older than the window: `complete: false`, and the console reloads.
 */
export class EventFanout {
  private readonly events: FannedEvent[] = [];
  private readonly positions = new Map<string, number>();
  /** Absolute position of `events[0]`. */
  private base = 0;
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private readonly windowMs: number;
  private readonly maxEvents: number;

  constructor(private readonly options: EventFanoutOptions) {
    this.windowMs = options.replayWindowMs ?? 15 * 60_000;
    this.maxEvents = options.replayMaxEvents ?? 20_000;
  }

  async start(): Promise<void> {
    const { bus } = this.options;
    const consumer = await bus.js.consumers.get(streamDefinitions.events.name, {
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: new Date(Date.now() - this.windowMs).toISOString(),
    });
    const messages = await consumer.consume({ max_messages: 512 });
    this.messages = messages;
    const log = this.options.logger.child({ component: 'fanout' });
    this.loop = (async () => {
      for await (const msg of messages) {
        const decoded = decodeEnvelope(msg.data, domainEventTypes, msg.headers?.get(busHeaders.tenantId) || undefined);
        if (!decoded.ok) {
          log.warn({ subject: msg.subject, reason: decoded.reason }, 'event not fanned out');
          continue;
        }
        this.deliver(decoded.envelope);
      }
    })().catch((error: unknown) => log.error({ err: error }, 'event fan-out stopped'));
  }

  /** Events of `tenantId` after `afterEventId`, oldest first. */
  replay(tenantId: string, afterEventId: string): ReplayResult {
    const position = this.positions.get(afterEventId);
    if (position === undefined) return { events: [], complete: false };
    const from = position - this.base + 1;
    const events = this.events.slice(Math.max(0, from)).filter((event) => event.tenantId === tenantId)
      .map(({ eventId, type, occurredAt, data }) => ({ eventId, type, occurredAt, data }));
    return { events, complete: from >= 0 };
  }

  async stop(): Promise<void> {
    await this.messages?.close();
    await this.loop;
  }

  private deliver(envelope: BusEnvelope<DomainEventType>): void {
    const { route, ...data } = envelope.data as { route?: ChatRoute } & Record<string, unknown>;
    const event: FannedEvent = { eventId: envelope.id, type: envelope.type, tenantId: envelope.tenantId, occurredAt: envelope.occurredAt, data };
    this.remember(event);
    this.options.sinks.console(event);
    if (route) this.options.sinks.visitor(route, envelope);
  }

  private remember(event: FannedEvent): void {
    this.positions.set(event.eventId, this.base + this.events.length);
    this.events.push(event);
    const cutoff = new Date(Date.now() - this.windowMs).toISOString();
    let drop = Math.max(0, this.events.length - this.maxEvents);
    while (drop < this.events.length && (this.events[drop]?.occurredAt ?? '') < cutoff) drop += 1;
    // Trim in batches: one splice per thousand events rather than a shift per event.
    if (drop >= 1_000 || (drop > 0 && this.events.length > this.maxEvents * 1.1)) {
      for (const removed of this.events.splice(0, drop)) this.positions.delete(removed.eventId);
      this.base += drop;
    }
  }
}
