import { domainEventTypes, type BusMessageType, type DomainEventType } from './bus-messages.ts';

/**
 * NATS subjects. The tenant id is the third token (the fourth for requests, after the service
 * name), so NATS permissions can fence one tenant's traffic and consumers can filter by tenant.
 *
 *  sb.in.<tenant>.<channel>.<part>    inbound customer messages (work, JetStream); <part> is the
 *                                     conversation's partition (see {@link conversationPartition})
 *  sb.out.<tenant>.<channel>          outbound replies for the channel's connector (work, JetStream)
 *  sb.dlv.<tenant>.<channel>          delivery reports from connectors (JetStream)
 *  sb.evt.<tenant>.<event type>       domain events for hubs and modules (JetStream)
 *  sb.parked.<original subject>       payloads a consumer refused, with the reason in headers
 *  sb.req.<service>.<tenant>          core request/reply queries (e.g. the AI actor); agents'
 *                                     commands go to `conversation-p<part>`, the partition's owner
 *  sb.live.<tenant>                   transient signals between hubs: typing, presence (core NATS)
 *  sb.kb.<tenant>                     knowledge documents to index (work queue, JetStream)
 */
export const subjects = {
  inbound: (tenantId: string, channelId: string, partition: number) => `sb.in.${token(tenantId)}.${token(channelId)}.${partitionToken(partition)}`,
  outbound: (tenantId: string, channelId: string) => `sb.out.${token(tenantId)}.${token(channelId)}`,
  delivery: (tenantId: string, channelId: string) => `sb.dlv.${token(tenantId)}.${token(channelId)}`,
  event: (tenantId: string, type: DomainEventType) => `sb.evt.${token(tenantId)}.${type}`,
  parked: (originalSubject: string) => `sb.parked.${originalSubject}`,
  /** Where agents' commands for a conversation of partition `partition` go: the runner owning it answers. */
  conversationCommands: (tenantId: string, partition: number) => `sb.req.conversation-p${partitionToken(partition)}.${token(tenantId)}`,
  /** Core NATS request subject of a service (e.g. `ai`) for one tenant. */
  request: (service: string, tenantId: string) => `sb.req.${token(service)}.${token(tenantId)}`,
  /** Transient signals (typing, presence) every hub relays to its sockets; lost if nobody listens. */
  live: (tenantId: string) => `sb.live.${token(tenantId)}`,
  /** Knowledge-base documents waiting to be chunked, embedded and stored. */
  knowledgeIngest: (tenantId: string) => `sb.kb.${token(tenantId)}`,
  /** Wildcards for consumers and stream definitions. */
  all: {
    live: 'sb.live.*',
    inbound: 'sb.in.>',
    /** One partition's inbound messages, of every tenant and channel (a runner's consumer filter). */
    inboundOfPartition: (partition: number) => `sb.in.*.*.${partitionToken(partition)}`,
    /** One channel's inbound messages, of every partition. */
    inboundOfChannel: (tenantId: string, channelId: string) => `sb.in.${token(tenantId)}.${token(channelId)}.*`,
    /** Agents' commands for one partition, of every tenant. */
    conversationCommands: (partition: number) => `sb.req.conversation-p${partitionToken(partition)}.*`,
    outbound: 'sb.out.>',
    delivery: 'sb.dlv.>',
    events: 'sb.evt.>',
    parked: 'sb.parked.>',
    knowledgeIngest: 'sb.kb.*',
    eventsOfTenant: (tenantId: string) => `sb.evt.${token(tenantId)}.>`,
    requests: (service: string) => `sb.req.${token(service)}.*`,
  },
} as const;

/**
 * Conversations are split into this many partitions, each owned by one runner at a time (more
 * runners than partitions would idle). Fixed, since every publisher and runner must agree on it.
 */
export const CONVERSATION_PARTITIONS = 32;

/**
 * The partition of a conversation, from where it lives (its channel and the chat on it):
 * FNV-1a over both, so every process computes the same one without asking anybody.
 */
export function conversationPartition(channelId: string, externalChatId: string): number {
  let hash = 0x811c9dc5;
  const text = `${channelId}\u0000${externalChatId}`;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % CONVERSATION_PARTITIONS;
}

/** The subject an envelope of this type is published on, given its tenant and routing key. */
export function subjectOf(type: BusMessageType, tenantId: string, channelId?: string, partition?: number): string {
  switch (type) {
    case 'inbound.message':
      if (partition === undefined) throw new TypeError(`a ${type} subject needs the conversation's partition`);
      return subjects.inbound(tenantId, required(channelId, type), partition);
    case 'outbound.message':
      return subjects.outbound(tenantId, required(channelId, type));
    case 'delivery.reported':
      return subjects.delivery(tenantId, required(channelId, type));
    case 'knowledge.ingest':
      return subjects.knowledgeIngest(tenantId);
    default:
      return subjects.event(tenantId, type);
  }
}

/** The tenant id carried by a subject built here, or undefined for a foreign subject. */
export function tenantOfSubject(subject: string): string | undefined {
  const parts = subject.split('.');
  if (parts[0] !== 'sb' || parts[1] === 'parked') return undefined;
  // Requests name their service first: sb.req.<service>.<tenant>.
  return parts[1] === 'req' ? parts[3] : parts[2];
}

export const isDomainEventType = (type: string): type is DomainEventType =>
  (domainEventTypes as readonly string[]).includes(type);

function token(value: string): string {
  if (value.length === 0 || /[\s.*>]/.test(value)) {
    throw new TypeError(`"${value}" cannot be a NATS subject token: it is empty or holds a space, ".", "*" or ">"`);
  }
  return value;
}

function required(channelId: string | undefined, type: string): string {
  if (channelId === undefined) throw new TypeError(`a ${type} subject needs the channel id`);
  return channelId;
}

function partitionToken(partition: number): string {
  if (!Number.isInteger(partition) || partition < 0 || partition >= CONVERSATION_PARTITIONS) {
    throw new RangeError(`${partition} is not a conversation partition (0 to ${CONVERSATION_PARTITIONS - 1})`);
  }
  return String(partition);
}
