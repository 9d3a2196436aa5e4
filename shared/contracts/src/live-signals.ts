import Type, { type Static } from 'typebox';
import { ChatRoute } from './message.ts';
import { PresenceStatus } from './socket/console.events.ts';
import { MESSAGE_TEXT_MAX, Timestamp, Uuid } from './primitives.ts';

/**
 * Signals on `sb.live.<tenant>` (core NATS, not stored): a visitor or an agent typing, an
 * agent's presence (between hubs), the bot's reply streaming (from the runner's AI actor).
 * Losing one costs a typing dot or a streamed word, never a message.
 */
export const LiveSignal = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('typing'),
      typing: Type.Boolean(),
      conversationId: Uuid,
      author: Type.Union([Type.Literal('customer'), Type.Literal('agent')]),
      agentId: Type.Optional(Uuid),
      agentName: Type.Optional(Type.String({ maxLength: 255 })),
      /** Where the visitor is, so the agent's typing reaches their widget. */
      route: Type.Optional(ChatRoute),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('presence'),
      hubId: Type.String({ maxLength: 64 }),
      agentId: Uuid,
      name: Type.Optional(Type.String({ maxLength: 255 })),
      status: PresenceStatus,
      at: Timestamp,
    },
    { additionalProperties: false },
  ),
  // The bot's reply as the model writes it, the text so far each time; `done` ends the stream
  // (the stored message follows on the events stream and replaces it).
  Type.Object(
    {
      kind: Type.Literal('reply'),
      conversationId: Uuid,
      /** The customer message being answered. */
      replyTo: Type.String({ minLength: 1, maxLength: 255 }),
      text: Type.String({ maxLength: MESSAGE_TEXT_MAX }),
      done: Type.Boolean(),
      route: Type.Optional(ChatRoute),
    },
    { additionalProperties: false },
  ),
]);
export type LiveSignal = Static<typeof LiveSignal>;
