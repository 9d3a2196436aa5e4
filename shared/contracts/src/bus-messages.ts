import Type, { type Static } from 'typebox';
import { ActionChanged } from './ai.ts';
import { ChannelQr, ChannelStatusChanged } from './channel-events.ts';
import {
  ConversationAssigned,
  ConversationChanged,
  ConversationReleased,
  HandoffRequested,
} from './conversation.ts';
import type { EnvelopeOf } from './envelope.ts';
import { KnowledgeIngestJob, KnowledgeProgress } from './knowledge.ts';
import { ChatRoute, DeliveryReport, InboundMessage, MessageView, OutboundMessage } from './message.ts';

const MessageEvent = Type.Object({ message: MessageView, route: Type.Optional(ChatRoute) }, { additionalProperties: false });

/**
 * Every payload type that travels on the bus and the schema of its `data`. Names are facts
 * (`message.created`) or, for work items, the thing carried (`inbound.message`). This table is
 * the only place a bus type is declared; publishing or consuming an unlisted type is an error.
 */
export const busMessages = {
  'inbound.message': InboundMessage,
  'outbound.message': OutboundMessage,
  'delivery.reported': DeliveryReport,
  'message.created': MessageEvent,
  'message.updated': MessageEvent,
  'conversation.created': ConversationChanged,
  'conversation.updated': ConversationChanged,
  'conversation.closed': ConversationChanged,
  'handoff.requested': HandoffRequested,
  'conversation.assigned': ConversationAssigned,
  'conversation.released': ConversationReleased,
  'channel.status': ChannelStatusChanged,
  'channel.qr': ChannelQr,
  'action.proposed': ActionChanged,
  'action.confirmed': ActionChanged,
  'action.rejected': ActionChanged,
  'knowledge.ingest': KnowledgeIngestJob,
  'knowledge.progress': KnowledgeProgress,
} as const;

export type BusMessageType = keyof typeof busMessages;
export type BusData<Kind extends BusMessageType> = Static<(typeof busMessages)[Kind]>;
export type BusEnvelope<Kind extends BusMessageType = BusMessageType> = {
  [K in Kind]: EnvelopeOf<K, BusData<K>>;
}[Kind];

/** Domain events: facts that hubs fan out to consoles and widgets. */
export const domainEventTypes = [
  'message.created',
  'message.updated',
  'conversation.created',
  'conversation.updated',
  'conversation.closed',
  'handoff.requested',
  'conversation.assigned',
  'conversation.released',
  'channel.status',
  'channel.qr',
  'action.proposed',
  'action.confirmed',
  'action.rejected',
  'knowledge.progress',
] as const satisfies readonly BusMessageType[];
export type DomainEventType = (typeof domainEventTypes)[number];

/** True when `type` is declared in {@link busMessages}. */
export function isBusMessageType(type: string): type is BusMessageType {
  return Object.hasOwn(busMessages, type);
}
