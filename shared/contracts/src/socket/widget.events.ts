import Type, { type Static } from 'typebox';
import { MessageView, VisitContext } from '../message.ts';
import { MESSAGE_TEXT_MAX, Uuid } from '../primitives.ts';

/** Handshake `auth` of the `/widget` namespace. */
export const WidgetAuth = Type.Object(
  {
    key: Type.String({ minLength: 8, maxLength: 128, description: 'The webchat channel public key' }),
    visitorId: Type.String({ minLength: 8, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' }),
    identityHash: Type.Optional(Type.String({ pattern: '^[a-f0-9]{64}$' })),
    identifier: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
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
  'messages.fetch': Type.Object(
    { afterMessageId: Type.Optional(Uuid), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) },
    { additionalProperties: false },
  ),
  'typing.start': Type.Object({}, { additionalProperties: false }),
  'typing.stop': Type.Object({}, { additionalProperties: false }),
} as const;
export type WidgetCommand = keyof typeof widgetCommands;

/** Facts the hub pushes to a visitor's widget. */
export const widgetEvents = {
  'message.created': Type.Object({ message: MessageView }, { additionalProperties: false }),
  'typing.started': Type.Object({ authorName: Type.Optional(Type.String()) }, { additionalProperties: false }),
  'typing.stopped': Type.Object({}, { additionalProperties: false }),
  'agent.joined': Type.Object({ agentName: Type.String() }, { additionalProperties: false }),
  'agent.left': Type.Object({}, { additionalProperties: false }),
  'widget.unavailable': Type.Object({ reason: Type.String() }, { additionalProperties: false }),
} as const;
export type WidgetEvent = keyof typeof widgetEvents;
