import Type, { type Static } from 'typebox';
import { ConversationView } from './conversation.ts';
import { Attachment, MessageView } from './message.ts';
import { MESSAGE_TEXT_MAX, Uuid } from './primitives.ts';

const Agent = { agentId: Uuid, agentName: Type.Optional(Type.String({ maxLength: 255 })) };
const ClientId = Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

/**
 * What a hub asks the runner that owns a conversation to do on an agent's behalf (core NATS
 * request on `sb.req.conversation.<tenant>`). The runner applies it through the conversation's
 * actor, so a command and the customer's messages are one ordered stream; the caller may retry
 * (claims are refused when already held, messages are idempotent on `clientId`).
 */
export const ConversationCommandRequest = Type.Union([
  Type.Object({ type: Type.Literal('claim'), conversationId: Uuid, ...Agent }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('release'), conversationId: Uuid, ...Agent }, { additionalProperties: false }),
  Type.Object(
    { type: Type.Literal('transfer'), conversationId: Uuid, ...Agent, toAgentId: Uuid, toAgentName: Type.Optional(Type.String({ maxLength: 255 })) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('close'), conversationId: Uuid, ...Agent }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('reopen'), conversationId: Uuid, ...Agent }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('message'), conversationId: Uuid, ...Agent, clientId: ClientId,
      text: Type.Optional(Type.String({ minLength: 1, maxLength: MESSAGE_TEXT_MAX })),
      /** Files from the tenant's media store (`media:<id>`), described by the hub. */
      attachments: Type.Optional(Type.Array(Attachment, { maxItems: 10 })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('note'), conversationId: Uuid, ...Agent, text: Type.String({ minLength: 1, maxLength: MESSAGE_TEXT_MAX }), clientId: ClientId },
    { additionalProperties: false },
  ),
]);
export type ConversationCommandRequest = Static<typeof ConversationCommandRequest>;
export type ConversationCommandType = ConversationCommandRequest['type'];

export const ConversationCommandReply = Type.Object(
  { conversation: ConversationView, message: Type.Optional(MessageView) },
  { additionalProperties: false },
);
export type ConversationCommandReply = Static<typeof ConversationCommandReply>;
