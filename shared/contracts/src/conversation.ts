import Type, { type Static } from 'typebox';
import { ChatRoute } from './message.ts';
import { ChannelType, Timestamp, Uuid } from './primitives.ts';

/** The conversation machine's top-level states (see ARCHITECTURE.md, "Conversation machine"). */
export const conversationStatuses = ['bot', 'awaiting_agent', 'agent', 'closed'] as const;
export const ConversationStatus = Type.Enum(conversationStatuses);
export type ConversationStatus = Static<typeof ConversationStatus>;

export const handoffReasons = ['customer_request', 'keyword', 'ai_intent', 'agent_claim', 'quota_exhausted', 'provider_failure', 'out_of_hours', 'answered_from_phone'] as const;
export const HandoffReason = Type.Enum(handoffReasons);
export type HandoffReason = Static<typeof HandoffReason>;

export const ConversationView = Type.Object(
  {
    id: Uuid,
    channelId: Uuid,
    channelType: ChannelType,
    status: ConversationStatus,
    contactName: Type.Optional(Type.String({ maxLength: 255 })),
    assignedAgentId: Type.Optional(Uuid),
    lastMessageAt: Type.Optional(Timestamp),
    lastMessagePreview: Type.Optional(Type.String({ maxLength: 280 })),
    unreadCount: Type.Integer({ minimum: 0 }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { additionalProperties: false },
);
export type ConversationView = Static<typeof ConversationView>;

export const ConversationChanged = Type.Object({ conversation: ConversationView }, { additionalProperties: false });
export type ConversationChanged = Static<typeof ConversationChanged>;

export const HandoffRequested = Type.Object(
  { conversation: ConversationView, reason: HandoffReason, note: Type.Optional(Type.String({ maxLength: 1024 })) },
  { additionalProperties: false },
);
export type HandoffRequested = Static<typeof HandoffRequested>;

export const ConversationAssigned = Type.Object(
  {
    conversation: ConversationView,
    agentId: Uuid,
    agentName: Type.Optional(Type.String({ maxLength: 255 })),
    previousAgentId: Type.Optional(Uuid),
    route: Type.Optional(ChatRoute),
  },
  { additionalProperties: false },
);
export type ConversationAssigned = Static<typeof ConversationAssigned>;

export const ConversationReleased = Type.Object(
  {
    conversation: ConversationView,
    agentId: Uuid,
    reason: Type.Union([Type.Literal('agent_released'), Type.Literal('agent_inactive'), Type.Literal('closed')]),
    route: Type.Optional(ChatRoute),
  },
  { additionalProperties: false },
);
export type ConversationReleased = Static<typeof ConversationReleased>;
