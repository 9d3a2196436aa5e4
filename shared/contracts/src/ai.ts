import Type, { type Static } from 'typebox';
import { ChatRoute } from './message.ts';
import { MESSAGE_TEXT_MAX, Timestamp, Uuid } from './primitives.ts';

export const aiIntents = ['reply', 'task', 'handoff'] as const;
export const actionKinds = ['crm_note', 'task', 'booking_request', 'order', 'email_draft'] as const;

/** A proposal the AI makes; a person confirms it before a module actor executes it. */
export const ProposedAction = Type.Object(
  {
    kind: Type.Enum(actionKinds),
    summary: Type.String({ minLength: 1, maxLength: 500 }),
    fields: Type.Record(Type.String({ maxLength: 64 }), Type.Union([Type.String({ maxLength: 2000 }), Type.Number(), Type.Boolean()])),
  },
  { additionalProperties: false },
);
export type ProposedAction = Static<typeof ProposedAction>;

export const ConversationTurn = Type.Object(
  { role: Type.Enum(['customer', 'bot', 'agent'] as const), text: Type.String({ maxLength: MESSAGE_TEXT_MAX }) },
  { additionalProperties: false },
);
export type ConversationTurn = Static<typeof ConversationTurn>;

/** What a conversation actor asks the AI actor (core NATS request on `sb.req.ai.<tenant>`). */
export const AiRequest = Type.Object(
  {
    tenantId: Uuid,
    conversationId: Uuid,
    /** The channel's id of the message being answered (stable across redeliveries). */
    messageId: Type.String({ minLength: 1, maxLength: 255 }),
    text: Type.String({ maxLength: MESSAGE_TEXT_MAX }),
    /** Earlier turns, oldest first, bounded by the caller. */
    history: Type.Array(ConversationTurn, { maxItems: 50 }),
    locale: Type.Optional(Type.String({ maxLength: 35 })),
    /** True on the first customer message of the conversation, so the answer may greet. */
    isFirstMessage: Type.Boolean(),
    /** Where the customer is, so a streamed reply reaches their widget as it is written. */
    route: Type.Optional(ChatRoute),
  },
  { additionalProperties: false },
);
export type AiRequest = Static<typeof AiRequest>;

/**
 * The AI's answer, in the JSON-schema-constrained shape every provider must produce:
 * reply to the customer, propose a task, or hand off to a person.
 */
export const AiAnswer = Type.Object(
  {
    intent: Type.Enum(aiIntents),
    confidence: Type.Number({ minimum: 0, maximum: 1 }),
    reply: Type.String({ maxLength: MESSAGE_TEXT_MAX }),
    actions: Type.Array(ProposedAction, { maxItems: 5 }),
    /** Which responder produced it (`offline`, `openai:<model>`), shown in the console. */
    source: Type.String({ maxLength: 100 }),
  },
  { additionalProperties: false },
);
export type AiAnswer = Static<typeof AiAnswer>;

export const actionStatuses = ['proposed', 'confirmed', 'rejected'] as const;

/**
 * An action the bot proposed in a conversation, as agents see it: a person confirms or rejects
 * it (audited); executing a confirmed one belongs to the business-module actors.
 */
export const ActionView = Type.Object(
  {
    id: Uuid,
    conversationId: Uuid,
    kind: Type.Enum(actionKinds),
    summary: Type.String(),
    fields: ProposedAction.properties.fields,
    status: Type.Enum(actionStatuses),
    proposedAt: Timestamp,
    decidedBy: Type.Optional(Uuid),
    decidedAt: Type.Optional(Timestamp),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type ActionView = Static<typeof ActionView>;

/** `action.proposed` / `action.confirmed` / `action.rejected` on the bus and to consoles. */
export const ActionChanged = Type.Object({ action: ActionView }, { additionalProperties: false });
export type ActionChanged = Static<typeof ActionChanged>;

export const ActionList = Type.Object({ items: Type.Array(ActionView) }, { additionalProperties: false });
export type ActionList = Static<typeof ActionList>;

/** `POST /api/v1/actions/:id/reject`: why, optionally, for the audit log. */
export const RejectActionRequest = Type.Object({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) }, { additionalProperties: false });
export type RejectActionRequest = Static<typeof RejectActionRequest>;
