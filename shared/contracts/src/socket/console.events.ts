import Type, { type Static } from 'typebox';
import {
  ConversationAssigned,
  ConversationChanged,
  ConversationReleased,
  HandoffRequested,
} from '../conversation.ts';
import { ActionChanged } from '../ai.ts';
import { ChannelQr, ChannelStatusChanged } from '../channel-events.ts';
import { OutgoingAttachment } from '../inbox/inbox.schemas.ts';
import { KnowledgeProgress } from '../knowledge.ts';
import { MessageView } from '../message.ts';
import { MESSAGE_TEXT_MAX, Timestamp, Uuid } from '../primitives.ts';

const ConversationRef = Type.Object({ conversationId: Uuid }, { additionalProperties: false });

export const presenceStatuses = ['online', 'away', 'offline'] as const;
export const PresenceStatus = Type.Enum(presenceStatuses);
export type PresenceStatus = Static<typeof PresenceStatus>;

/** Commands an agent's console sends on the `/console` namespace (the same exist as REST). */
export const consoleCommands = {
  'conversation.claim': ConversationRef,
  'conversation.release': ConversationRef,
  'conversation.transfer': Type.Object({ conversationId: Uuid, agentId: Uuid }, { additionalProperties: false }),
  'conversation.close': ConversationRef,
  'conversation.reopen': ConversationRef,
  /** Marks the conversation read by the caller (its unread count goes to zero). */
  'conversation.read': ConversationRef,
  /** Text, files uploaded first (`POST /api/v1/conversations/:id/attachments`), or both. */
  'message.send': Type.Object(
    {
      conversationId: Uuid,
      text: Type.Optional(Type.String({ minLength: 1, maxLength: MESSAGE_TEXT_MAX })),
      attachments: Type.Optional(Type.Array(OutgoingAttachment, { maxItems: 10 })),
      clientId: Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
    },
    { additionalProperties: false },
  ),
  'note.add': Type.Object(
    {
      conversationId: Uuid,
      text: Type.String({ minLength: 1, maxLength: MESSAGE_TEXT_MAX }),
      clientId: Type.Optional(Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })),
    },
    { additionalProperties: false },
  ),
  'typing.start': ConversationRef,
  'typing.stop': ConversationRef,
  /** The agent's own presence: away keeps them signed in but out of the "online" list. */
  'presence.set': Type.Object({ status: Type.Enum(['online', 'away'] as const) }, { additionalProperties: false }),
  /** Presence of every agent of the tenant connected now. */
  'presence.list': Type.Object({}, { additionalProperties: false }),
  /** Asks for every event after `afterEventId` (the last one this console saw). */
  'events.replay': Type.Object({ afterEventId: Uuid }, { additionalProperties: false }),
} as const;
export type ConsoleCommand = keyof typeof consoleCommands;

const Typing = Type.Object(
  {
    conversationId: Uuid,
    author: Type.Union([Type.Literal('customer'), Type.Literal('agent')]),
    agentId: Type.Optional(Uuid),
    agentName: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const PresenceView = Type.Object(
  { agentId: Uuid, name: Type.Optional(Type.String()), status: PresenceStatus, lastSeenAt: Timestamp },
  { additionalProperties: false },
);
export type PresenceView = Static<typeof PresenceView>;

/** Facts the hub pushes to consoles, each sent as a {@link ConsoleFrame} around this data. */
export const consoleEvents = {
  'conversation.created': ConversationChanged,
  'conversation.updated': ConversationChanged,
  'conversation.closed': ConversationChanged,
  'message.created': Type.Object({ message: MessageView }, { additionalProperties: false }),
  'message.updated': Type.Object({ message: MessageView }, { additionalProperties: false }),
  'handoff.requested': HandoffRequested,
  'conversation.assigned': ConversationAssigned,
  'conversation.released': ConversationReleased,
  'typing.started': Typing,
  'typing.stopped': Typing,
  'presence.updated': PresenceView,
  /** The bot's reply as it is written (the text so far); the stored message replaces it. */
  'reply.streaming': Type.Object(
    { conversationId: Uuid, replyTo: Type.String(), text: Type.String({ maxLength: MESSAGE_TEXT_MAX }), done: Type.Boolean() },
    { additionalProperties: false },
  ),
  'channel.status': ChannelStatusChanged,
  'channel.qr': ChannelQr,
  'action.proposed': ActionChanged,
  'action.confirmed': ActionChanged,
  'action.rejected': ActionChanged,
  'knowledge.progress': KnowledgeProgress,
} as const;
export type ConsoleEvent = keyof typeof consoleEvents;
export type ConsoleEventData<Kind extends ConsoleEvent> = Static<(typeof consoleEvents)[Kind]>;

/**
 * What every console event carries on the wire: the bus event's id (for `events.replay` after a
 * reconnect; absent on transient events such as typing and presence), when it happened, and the
 * event's data.
 */
export interface ConsoleFrame<Kind extends ConsoleEvent = ConsoleEvent> {
  eventId?: string;
  occurredAt: string;
  data: ConsoleEventData<Kind>;
}

/** The ack data of `events.replay`: the missed events in order, and whether that is all of them. */
export const ReplayResult = Type.Object(
  {
    events: Type.Array(
      Type.Object({ type: Type.String(), eventId: Uuid, occurredAt: Timestamp, data: Type.Unknown() }, { additionalProperties: false }),
    ),
    /** False when the hub no longer holds events that old: reload the lists instead. */
    complete: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type ReplayResult = Static<typeof ReplayResult>;
