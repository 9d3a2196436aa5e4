import type {
  AckError,
  ConsoleCommand,
  ConsoleEvent,
  ConsoleEventData,
  ConversationCommandResult,
  AddNoteRequest,
  MessageCommandResult,
  PresenceStatus,
  PresenceView,
  ReplayResult,
  SendMessageRequest,
  TransferRequest,
} from '@switchboard/contracts';

/**
 * The console events this client understands, in the order the contracts list them. Kept as a
 * typed list rather than `Object.keys(consoleEvents)` so that the console does not bundle the
 * schemas; the `satisfies` and the check below fail to compile when the contracts gain an event.
 */
export const consoleEventNames = [
  'conversation.created',
  'conversation.updated',
  'conversation.closed',
  'message.created',
  'message.updated',
  'handoff.requested',
  'conversation.assigned',
  'conversation.released',
  'typing.started',
  'typing.stopped',
  'presence.updated',
  'reply.streaming',
  'channel.status',
  'channel.qr',
  'action.proposed',
  'action.confirmed',
  'action.rejected',
  'knowledge.progress',
] as const satisfies readonly ConsoleEvent[];

type MissingEvents = Exclude<ConsoleEvent, (typeof consoleEventNames)[number]>;
const everyEventListed: MissingEvents extends never ? true : MissingEvents = true;
void everyEventListed;

/** One console event as the client handles it: the frame plus the event's name as `type`. */
export type ConsoleEventMessage = {
  [Kind in ConsoleEvent]: { readonly type: Kind; readonly eventId?: string; readonly occurredAt: string; readonly data: ConsoleEventData<Kind> };
}[ConsoleEvent];

/** Narrows a console event by name, e.g. `ofType(event, 'message.created')`. */
export function isEventOf<Kind extends ConsoleEvent>(event: ConsoleEventMessage, type: Kind): event is Extract<ConsoleEventMessage, { type: Kind }> {
  return event.type === type;
}

const knownEvents: ReadonlySet<string> = new Set(consoleEventNames);

/** True for the event names this client knows; unknown names from a newer hub are ignored. */
export function isConsoleEvent(name: string): name is ConsoleEvent {
  return knownEvents.has(name);
}

/**
 * Builds the client's event from what arrived on the socket (or in a replay). The hub validates
 * what it emits against the contracts; the console checks only the envelope's shape, as it does
 * for HTTP answers, and drops anything that does not even look like a frame.
 */
export function toConsoleEvent(type: string, frame: unknown): ConsoleEventMessage | null {
  if (!isConsoleEvent(type) || typeof frame !== 'object' || frame === null) return null;
  if (!('data' in frame) || typeof frame.data !== 'object' || frame.data === null) return null;
  const eventId = 'eventId' in frame && typeof frame.eventId === 'string' ? frame.eventId : undefined;
  const occurredAt = 'occurredAt' in frame && typeof frame.occurredAt === 'string' ? frame.occurredAt : new Date().toISOString();
  return { type, eventId, occurredAt, data: frame.data } as ConsoleEventMessage;
}

/**
 * What each command's ack carries in `data`. The contracts define the commands' payloads but not
 * their answers; these follow the REST equivalents (`{ conversation }`, `{ message }`) and the
 * two answers the contracts do name (presence list, replay). Move this map to the contracts.
 */
export interface ConsoleCommandResults {
  'conversation.claim': ConversationCommandResult;
  'conversation.release': ConversationCommandResult;
  'conversation.transfer': ConversationCommandResult;
  'conversation.close': ConversationCommandResult;
  'conversation.reopen': ConversationCommandResult;
  'conversation.read': unknown;
  'message.send': MessageCommandResult;
  'note.add': MessageCommandResult;
  'typing.start': unknown;
  'typing.stop': unknown;
  'presence.set': unknown;
  'presence.list': { items: PresenceView[] };
  'events.replay': ReplayResult;
}

interface ConversationRef {
  conversationId: string;
}

/**
 * What each command sends. The contracts export the schemas (`consoleCommands`) but no static
 * type per command, and the console may not import TypeBox to derive one; so this map is built
 * from the contracts' REST request types, which the socket commands mirror field for field.
 */
export interface ConsoleCommandPayloads {
  'conversation.claim': ConversationRef;
  'conversation.release': ConversationRef;
  'conversation.transfer': ConversationRef & TransferRequest;
  'conversation.close': ConversationRef;
  'conversation.reopen': ConversationRef;
  'conversation.read': ConversationRef;
  'message.send': ConversationRef & SendMessageRequest;
  'note.add': ConversationRef & AddNoteRequest;
  'typing.start': ConversationRef;
  'typing.stop': ConversationRef;
  'presence.set': { status: Exclude<PresenceStatus, 'offline'> };
  'presence.list': Record<string, never>;
  'events.replay': { afterEventId: string };
}

type EveryCommandAnswered = Exclude<ConsoleCommand, keyof ConsoleCommandResults & keyof ConsoleCommandPayloads>;
const everyCommandAnswered: EveryCommandAnswered extends never ? true : EveryCommandAnswered = true;
void everyCommandAnswered;

/** A command's ack as the hub sends it. */
export type CommandAck<Name extends ConsoleCommand> = { data: ConsoleCommandResults[Name] } | { error: AckError };
