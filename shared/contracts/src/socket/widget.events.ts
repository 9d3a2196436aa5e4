import Type, { type Static } from 'typebox';
import { ConversationStatus } from '../conversation.ts';
import { MessageView, VisitContext } from '../message.ts';
import { MESSAGE_TEXT_MAX, Uuid } from '../primitives.ts';

/** Handshake `auth` of the `/widget` namespace. */
export const WidgetAuth = Type.Object(
  {
    key: Type.String({ minLength: 8, maxLength: 128, description: 'The webchat channel public key' }),
    visitorId: Type.String({ minLength: 8, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' }),
    /** HMAC-SHA256 (hex) of `identifier` with the channel's identity secret, from the storefront's server. */
    identityHash: Type.Optional(Type.String({ pattern: '^[a-f0-9]{64}$' })),
    identifier: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    visit: Type.Optional(VisitContext),
  },
  { additionalProperties: false },
);
export type WidgetAuth = Static<typeof WidgetAuth>;

/** Commands a visitor's widget sends, each with its payload schema. */
export const widgetCommands = {
  'message.send': Type.Object(
    {
      text: Type.String({ minLength: 1, maxLength: MESSAGE_TEXT_MAX }),
      clientId: Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
    },
    { additionalProperties: false },
  ),
  /** Messages after `afterMessageId` (what a reconnecting widget missed), or the latest ones. */
  'messages.fetch': Type.Object(
    { afterMessageId: Type.Optional(Uuid), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) },
    { additionalProperties: false },
  ),
  'typing.start': Type.Object({}, { additionalProperties: false }),
  'typing.stop': Type.Object({}, { additionalProperties: false }),
} as const;
export type WidgetCommand = keyof typeof widgetCommands;

/** The ack data of `message.send`: the id the message has (and keeps, if sent again). */
export const WidgetSendResult = Type.Object({ id: Uuid }, { additionalProperties: false });
export type WidgetSendResult = Static<typeof WidgetSendResult>;

/** The ack data of `messages.fetch`, oldest first. */
export const WidgetMessages = Type.Object({ messages: Type.Array(MessageView) }, { additionalProperties: false });
export type WidgetMessages = Static<typeof WidgetMessages>;

/** Facts the hub pushes to a visitor's widget. Private notes never reach it. */
export const widgetEvents = {
  /** Sent once after connecting: the visitor's conversation so far (latest messages, oldest first). */
  'session.ready': Type.Object(
    {
      conversationId: Type.Optional(Uuid),
      status: Type.Optional(ConversationStatus),
      agentName: Type.Optional(Type.String()),
      messages: Type.Array(MessageView),
    },
    { additionalProperties: false },
  ),
  'message.created': Type.Object({ message: MessageView }, { additionalProperties: false }),
  'message.updated': Type.Object({ message: MessageView }, { additionalProperties: false }),
  'typing.started': Type.Object({ authorName: Type.Optional(Type.String()) }, { additionalProperties: false }),
  'typing.stopped': Type.Object({}, { additionalProperties: false }),
  /** The bot's reply as it is written (the text so far); `message.created` replaces it. */
  'reply.streaming': Type.Object({ text: Type.String({ maxLength: MESSAGE_TEXT_MAX }), done: Type.Boolean() }, { additionalProperties: false }),
  'agent.joined': Type.Object({ agentName: Type.String() }, { additionalProperties: false }),
  'agent.left': Type.Object({}, { additionalProperties: false }),
  'widget.unavailable': Type.Object({ reason: Type.String() }, { additionalProperties: false }),
} as const;
export type WidgetEvent = keyof typeof widgetEvents;
