import Type from 'typebox';
import {
  ConversationAssigned,
  ConversationChanged,
  ConversationReleased,
  HandoffRequested,
} from '../conversation.ts';
import { MessageView } from '../message.ts';
import { MESSAGE_TEXT_MAX, Timestamp, Uuid } from '../primitives.ts';

const ConversationRef = Type.Object({ conversationId: Uuid }, { additionalProperties: false });

/** Commands an agent's console sends on the `/console` namespace (the same exist as REST). */
export const consoleCommands = {
  'conversation.claim': ConversationRef,
  'conversation.release': ConversationRef,
  'conversation.transfer': Type.Object({ conversationId: Uuid, agentId: Uuid }, { additionalProperties: false }),
  'conversation.close': ConversationRef,
  'conversation.reopen': ConversationRef,
  'message.send': Type.Object(
    {
      conversationId: Uuid,
      text: Type.String({ minLength: 1, maxLength: MESSAGE_TEXT_MAX }),
      clientId: Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
    },
    { additionalProperties: false },
  ),
  'note.add': Type.Object(
    { conversationId: Uuid, text: Type.String({ minLength: 1, maxLength: MESSAGE_TEXT_MAX }) },
    { additionalProperties: false },
  ),
  'typing.start': ConversationRef,
  'typing.stop': ConversationRef,
  /** Asks for every event after `afterEventId` (the last one this console saw). */
  'events.replay': Type.Object({ afterEventId: Uuid }, { additionalProperties: false }),
} as const;
export type ConsoleCommand = keyof typeof consoleCommands;

const Typing = Type.Object(
  { conversationId: Uuid, author: Type.Union([Type.Literal('customer'), Type.Literal('agent')]), agentId: Type.Optional(Uuid) },
  { additionalProperties: false },
);

/** Facts the hub pushes to consoles. Every one is wrapped with its bus event id for replay. */
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
  'presence.updated': Type.Object(
    { agentId: Uuid, online: Type.Boolean(), lastSeenAt: Timestamp },
    { additionalProperties: false },
  ),
} as const;
export type ConsoleEvent = keyof typeof consoleEvents;
