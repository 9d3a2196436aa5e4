import { subjects } from '@switchboard/contracts';
import {
  AckPolicy,
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';

const second = 1_000_000_000; // JetStream durations are nanoseconds
const minute = 60 * second;
const day = 24 * 60 * minute;

export type StreamDefinition = Pick<StreamConfig, 'name' | 'subjects'> & Partial<StreamConfig>;

/**
 * The streams Switchboard needs. Anything that must not be lost travels on one of them with
 * explicit ack; `duplicate_window` makes a repeated `Nats-Msg-Id` one stored message.
 */
export const streamDefinitions = {
  inbound: {
    name: 'SB_INBOUND',
    subjects: [subjects.all.inbound],
    description: 'Customer messages from connectors, for the runners',
    retention: RetentionPolicy.Limits,
    max_age: 7 * day,
    duplicate_window: 2 * minute,
  },
  outbound: {
    name: 'SB_OUTBOUND',
    subjects: [subjects.all.outbound],
    description: 'Replies for the connector holding each channel',
    retention: RetentionPolicy.Limits,
    max_age: 7 * day,
    duplicate_window: 2 * minute,
  },
  delivery: {
    name: 'SB_DELIVERY',
    subjects: [subjects.all.delivery],
    description: 'Delivery reports (sent, delivered, read, failed) from connectors',
    retention: RetentionPolicy.Limits,
    max_age: 3 * day,
    duplicate_window: 2 * minute,
  },
  events: {
    name: 'SB_EVENTS',
    subjects: [subjects.all.events],
    description: 'Domain events for hubs and business modules',
    retention: RetentionPolicy.Limits,
    max_age: 3 * day,
    duplicate_window: 2 * minute,
  },
  knowledge: {
    name: 'SB_KNOWLEDGE',
    subjects: [subjects.all.knowledgeIngest],
    description: 'Knowledge documents to index, one message per document version, removed once done',
    retention: RetentionPolicy.Workqueue,
    max_age: 7 * day,
    duplicate_window: 2 * minute,
  },
  parked: {
    name: 'SB_PARKED',
    subjects: [subjects.all.parked],
    description: 'Payloads a consumer refused, with the reason in the Sb-Park-Reason header',
    retention: RetentionPolicy.Limits,
    max_age: 30 * day,
  },
} as const satisfies Record<string, StreamDefinition>;

/**
 * Creates each stream, or updates it when it exists, so every role can call this at start
 * without coordination. Storage is file-based: a restarted nats-server keeps every message.
 */
export async function provisionStreams(jsm: JetStreamManager, definitions: readonly StreamDefinition[]): Promise<void> {
  for (const definition of definitions) {
    const config: Partial<StreamConfig> & { name: string } = {
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      num_replicas: 1,
      ...definition,
    };
    try {
      await jsm.streams.info(definition.name);
      const { name, storage: _storage, retention: _retention, ...mutable } = config;
      await jsm.streams.update(name, mutable);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await jsm.streams.add(config);
    }
  }
}

export type DurableConsumerDefinition = Partial<ConsumerConfig> & { durable_name: string };

/** Creates or updates a durable pull consumer with explicit ack. */
export async function provisionConsumer(jsm: JetStreamManager, stream: string, definition: DurableConsumerDefinition): Promise<void> {
  const config: Partial<ConsumerConfig> = { ack_policy: AckPolicy.Explicit, ...definition };
  try {
    await jsm.consumers.info(stream, definition.durable_name);
    const { durable_name: _name, deliver_policy: _policy, ...mutable } = config;
    await jsm.consumers.update(stream, definition.durable_name, mutable);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await jsm.consumers.add(stream, config);
  }
}

function isNotFound(error: unknown): boolean {
  // StreamNotFoundError and ConsumerNotFoundError both say so; their API codes differ.
  return error instanceof JetStreamApiError && /not found/i.test(error.message);
}
