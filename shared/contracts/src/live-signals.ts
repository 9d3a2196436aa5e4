import Type, { type Static } from 'typebox';
import { ChatRoute } from './message.ts';
import { PresenceStatus } from './socket/console.events.ts';
import { Timestamp, Uuid } from './primitives.ts';

/**
 * Signals hubs pass each other on `sb.live.<tenant>` (core NATS, not stored): a visitor or an
 * agent typing, an agent's presence. Losing one costs a typing dot, never a message.
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
]);
export type LiveSignal = Static<typeof LiveSignal>;
