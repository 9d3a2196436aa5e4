import Type, { type Static } from 'typebox';
import { ChannelType, MESSAGE_TEXT_MAX, Timestamp, Uuid } from './primitives.ts';

export const attachmentKinds = ['image', 'document', 'audio', 'video', 'sticker', 'location'] as const;

/**
 * Prefix of an attachment `url` naming a file in Switchboard's media store (`media_objects`,
 * migration 0011). Consoles fetch a message's files from
 * `GET /api/v1/conversations/:id/messages/:messageId/attachments/:index`, never from this value.
 */
export const MEDIA_REF_PREFIX = 'media:';

/** What kind of attachment a file of this MIME type is, when the channel did not say. */
export function attachmentKindOf(mimeType: string): (typeof attachmentKinds)[number] {
  const type = mimeType.toLowerCase();
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('audio/')) return 'audio';
  if (type.startsWith('video/')) return 'video';
  return 'document';
}

/** The attachment `url` of a stored file. */
export function mediaRef(mediaId: string): string {
  return `${MEDIA_REF_PREFIX}${mediaId}`;
}

/** The media store id an attachment `url` names (`media:<uuid>`), or undefined for any other url. */
export function mediaIdOf(url: string | undefined): string | undefined {
  const id = url?.startsWith(MEDIA_REF_PREFIX) ? url.slice(MEDIA_REF_PREFIX.length) : undefined;
  return id !== undefined && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ? id : undefined;
}

/**
 * A file or media item on a message. `url` is where its bytes are: `media:<id>` (our media
 * store), `telegram-file:<id>` (fetched from the Bot API when first viewed), or absent when
 * the file could not be kept (too large, or the channel no longer had it).
 */
export const Attachment = Type.Object(
  {
    kind: Type.Enum(attachmentKinds),
    mimeType: Type.String({ minLength: 1, maxLength: 255 }),
    url: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    fileName: Type.Optional(Type.String({ maxLength: 255 })),
    sizeBytes: Type.Optional(Type.Integer({ minimum: 0 })),
    caption: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);
export type Attachment = Static<typeof Attachment>;

/** Who the customer is on their channel (phone for WhatsApp, user for Telegram, visitor id for webchat). */
export const ChannelContact = Type.Object(
  {
    externalId: Type.String({ minLength: 1, maxLength: 255 }),
    name: Type.Optional(Type.String({ maxLength: 255 })),
    phone: Type.Optional(Type.String({ maxLength: 32 })),
    username: Type.Optional(Type.String({ maxLength: 255 })),
  },
  { additionalProperties: false },
);
export type ChannelContact = Static<typeof ChannelContact>;

/** Where a visit came from: storefront page and campaign parameters, or a Telegram deep link. */
export const VisitContext = Type.Object(
  {
    pageUrl: Type.Optional(Type.String({ maxLength: 2048 })),
    referrer: Type.Optional(Type.String({ maxLength: 2048 })),
    utm: Type.Optional(Type.Record(Type.String({ pattern: '^utm_[a-z_]+$' }), Type.String({ maxLength: 255 }))),
    campaign: Type.Optional(Type.String({ maxLength: 255 })),
    locale: Type.Optional(Type.String({ maxLength: 35 })),
  },
  { additionalProperties: false },
);
export type VisitContext = Static<typeof VisitContext>;

/**
 * A customer's message as a connector normalised it, before any conversation exists.
 * `externalMessageId` is the channel's own id; with the channel id it is the dedupe key.
 */
export const InboundMessage = Type.Object(
  {
    channelId: Uuid,
    channelType: ChannelType,
    externalMessageId: Type.String({ minLength: 1, maxLength: 255 }),
    externalChatId: Type.String({ minLength: 1, maxLength: 255 }),
    contact: ChannelContact,
    text: Type.Optional(Type.String({ maxLength: MESSAGE_TEXT_MAX })),
    attachments: Type.Array(Attachment, { maxItems: 10 }),
    replyToExternalId: Type.Optional(Type.String({ maxLength: 255 })),
    isGroup: Type.Boolean(),
    sentAt: Timestamp,
    visit: Type.Optional(VisitContext),
    /**
     * Written by the business itself outside Switchboard (WhatsApp: from its own phone). Stored
     * as an outbound message by a person, and the bot stops answering in that chat: a human took
     * it over. `contact` is then the customer the message went to.
     */
    fromBusiness: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type InboundMessage = Static<typeof InboundMessage>;

export const authorKinds = ['customer', 'bot', 'agent', 'system'] as const;
export const Author = Type.Object(
  {
    kind: Type.Enum(authorKinds),
    id: Type.Optional(Uuid),
    name: Type.Optional(Type.String({ maxLength: 255 })),
  },
  { additionalProperties: false },
);
export type Author = Static<typeof Author>;

/** A reply to send on a channel; only the connector that holds the channel's session sends it. */
export const OutboundMessage = Type.Object(
  {
    messageId: Uuid,
    conversationId: Uuid,
    channelId: Uuid,
    channelType: ChannelType,
    externalChatId: Type.String({ minLength: 1, maxLength: 255 }),
    text: Type.Optional(Type.String({ maxLength: MESSAGE_TEXT_MAX })),
    attachments: Type.Array(Attachment, { maxItems: 10 }),
    replyToExternalId: Type.Optional(Type.String({ maxLength: 255 })),
    author: Author,
  },
  { additionalProperties: false },
);
export type OutboundMessage = Static<typeof OutboundMessage>;

export const deliveryStatuses = ['received', 'pending', 'sent', 'delivered', 'read', 'failed'] as const;
export const DeliveryStatus = Type.Enum(deliveryStatuses);
export type DeliveryStatus = Static<typeof DeliveryStatus>;

/** A message as the console and the widget see it. Private notes never reach the customer. */
export const MessageView = Type.Object(
  {
    id: Uuid,
    conversationId: Uuid,
    direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound')]),
    author: Author,
    text: Type.Optional(Type.String({ maxLength: MESSAGE_TEXT_MAX })),
    attachments: Type.Array(Attachment),
    isPrivate: Type.Boolean(),
    status: DeliveryStatus,
    failureReason: Type.Optional(Type.String({ maxLength: 1024 })),
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);
export type MessageView = Static<typeof MessageView>;

/** A connector's report on an outbound message (sent, delivered, read or failed). */
export const DeliveryReport = Type.Object(
  {
    messageId: Uuid,
    channelId: Uuid,
    externalMessageId: Type.Optional(Type.String({ maxLength: 255 })),
    status: DeliveryStatus,
    failureReason: Type.Optional(Type.String({ maxLength: 1024 })),
    at: Timestamp,
  },
  { additionalProperties: false },
);
export type DeliveryReport = Static<typeof DeliveryReport>;

/**
 * Where a conversation lives on its channel. Bus events carry it so that a hub can reach the
 * visitor's widget; it is stripped before an event reaches a console.
 */
export const ChatRoute = Type.Object(
  { channelId: Uuid, externalChatId: Type.String({ minLength: 1, maxLength: 255 }) },
  { additionalProperties: false },
);
export type ChatRoute = Static<typeof ChatRoute>;
