import Type, { type Static } from 'typebox';
import { ConversationStatus } from '../conversation.ts';
import { MessageView, VisitContext } from '../message.ts';
import { MESSAGE_TEXT_MAX, Uuid } from '../primitives.ts';
import { WIDGET_FILES_PER_MESSAGE, WIDGET_UPLOAD_CHUNK_BYTES } from './widget-files.ts';

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

/** The widget's own id for a message or a file; the same one sent again is the same message or file. */
const ClientId = Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

/**
 * Bytes as Socket.IO carries them: an `ArrayBuffer` or a typed array from the browser, a
 * `Buffer` on the hub. TypeBox has no binary type, so the check is a refinement.
 */
const ChunkBytes = Type.Refine(
  Type.Unsafe<ArrayBuffer | Uint8Array>({}),
  (value) => (value instanceof Uint8Array || value instanceof ArrayBuffer) && value.byteLength >= 1 && value.byteLength <= WIDGET_UPLOAD_CHUNK_BYTES,
  () => `must be binary data (an ArrayBuffer or bytes) of 1 to ${WIDGET_UPLOAD_CHUNK_BYTES} bytes`,
);

/** Commands a visitor's widget sends, each with its payload schema. */
export const widgetCommands = {
  /**
   * A message: text, files uploaded with `file.upload` (named by their `clientId`), or both.
   * Files are named by the upload's `clientId` rather than a stored id, so a visitor can only
   * ever send files they uploaded themselves.
   */
  'message.send': Type.Object(
    {
      text: Type.Optional(Type.String({ minLength: 1, maxLength: MESSAGE_TEXT_MAX })),
      clientId: ClientId,
      files: Type.Optional(Type.Array(ClientId, { minItems: 1, maxItems: WIDGET_FILES_PER_MESSAGE })),
    },
    { additionalProperties: false },
  ),
  /**
   * One piece of a file the visitor is sending: `data` holds bytes `offset`… of the file's
   * `size`, at most `WIDGET_UPLOAD_CHUNK_BYTES` of them; pieces go in order, each after the
   * last one's ack. The ack says how much has arrived; with the last piece the file is kept.
   * A file already kept under this `clientId` is answered as done at once, whatever the offset.
   */
  'file.upload': Type.Object(
    {
      clientId: ClientId,
      name: Type.String({ minLength: 1, maxLength: 255 }),
      type: Type.String({ minLength: 3, maxLength: 255, pattern: '^[\\w.+-]+/[\\w.+-]+$' }),
      size: Type.Integer({ minimum: 1 }),
      offset: Type.Integer({ minimum: 0 }),
      data: ChunkBytes,
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

/** The ack data of `file.upload`: the file's id, the bytes arrived so far, and whether it is kept. */
export const WidgetUploadResult = Type.Object(
  { id: Uuid, received: Type.Integer({ minimum: 0 }), done: Type.Boolean() },
  { additionalProperties: false },
);
export type WidgetUploadResult = Static<typeof WidgetUploadResult>;

/** The ack data of `messages.fetch`, oldest first. */
export const WidgetMessages = Type.Object({ messages: Type.Array(MessageView) }, { additionalProperties: false });
export type WidgetMessages = Static<typeof WidgetMessages>;

/**
 * Facts the hub pushes to a visitor's widget. Private notes never reach it. A message's file
 * reaches it with `url` a signed path on the hub (`WIDGET_FILE_PATH` + token) that works for a
 * day without a session; never a `media:` reference.
 */
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
