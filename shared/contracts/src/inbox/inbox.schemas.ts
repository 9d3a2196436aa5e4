import Type, { type Static } from 'typebox';
import { ConversationStatus, ConversationView } from '../conversation.ts';
import { attachmentKinds, MessageView } from '../message.ts';
import { ChannelType, MESSAGE_TEXT_MAX, Timestamp, Uuid } from '../primitives.ts';

// ── the inbox (REST under /api/v1/conversations; the same commands exist on the /console socket) ──

/** The console's inbox tabs: the queue, the caller's own chats, the bot's, and closed ones. */
export const inboxTabs = ['awaiting', 'mine', 'bot', 'closed', 'all'] as const;
export const InboxTab = Type.Enum(inboxTabs);
export type InboxTab = Static<typeof InboxTab>;

/** `GET /api/v1/conversations`: newest activity first, keyset-paged with `cursor`. */
export const ConversationListQuery = Type.Object(
  {
    tab: Type.Optional(InboxTab),
    status: Type.Optional(ConversationStatus),
    channelType: Type.Optional(ChannelType),
    assignedAgentId: Type.Optional(Uuid),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);
export type ConversationListQuery = Static<typeof ConversationListQuery>;

export const ConversationPage = Type.Object(
  { items: Type.Array(ConversationView), nextCursor: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
export type ConversationPage = Static<typeof ConversationPage>;

/** `GET /api/v1/conversations/counts`: how many conversations each tab holds for the caller. */
export const InboxCounts = Type.Object(
  {
    awaiting: Type.Integer({ minimum: 0 }),
    mine: Type.Integer({ minimum: 0 }),
    bot: Type.Integer({ minimum: 0 }),
    closed: Type.Integer({ minimum: 0 }),
    /** Conversations assigned to the caller with customer messages they have not read. */
    unreadMine: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type InboxCounts = Static<typeof InboxCounts>;

/** `GET /api/v1/conversations/:id/messages`: oldest first within the page; `before` pages back in time. */
export const MessageListQuery = Type.Object(
  {
    before: Type.Optional(Uuid),
    after: Type.Optional(Uuid),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);
export type MessageListQuery = Static<typeof MessageListQuery>;

export const MessagePage = Type.Object(
  { items: Type.Array(MessageView), hasMore: Type.Boolean() },
  { additionalProperties: false },
);
export type MessagePage = Static<typeof MessagePage>;

/** `POST /api/v1/conversations/:id/messages`: an agent's reply; idempotent on `clientId`. */
/** A file an agent uploaded (`POST /api/v1/conversations/:id/attachments`), named in the message that sends it. */
export const OutgoingAttachment = Type.Object({ mediaId: Uuid }, { additionalProperties: false });
export type OutgoingAttachment = Static<typeof OutgoingAttachment>;

/** Text, files (at most 10), or both. */
export const SendMessageRequest = Type.Object(
  {
    text: Type.Optional(Type.String({ minLength: 1, maxLength: MESSAGE_TEXT_MAX })),
    attachments: Type.Optional(Type.Array(OutgoingAttachment, { maxItems: 10 })),
    clientId: Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
  },
  { additionalProperties: false },
);
export type SendMessageRequest = Static<typeof SendMessageRequest>;

/** `POST /api/v1/conversations/:id/notes`: a private note for colleagues; never reaches the customer. */
export const AddNoteRequest = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: MESSAGE_TEXT_MAX }),
    clientId: Type.Optional(Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })),
  },
  { additionalProperties: false },
);
export type AddNoteRequest = Static<typeof AddNoteRequest>;

/** `POST /api/v1/conversations/:id/transfer`. */
export const TransferRequest = Type.Object({ agentId: Uuid }, { additionalProperties: false });
export type TransferRequest = Static<typeof TransferRequest>;

/** The answer of claim, release, transfer, close, reopen: the conversation as it is now. */
export const ConversationCommandResult = Type.Object({ conversation: ConversationView }, { additionalProperties: false });
export type ConversationCommandResult = Static<typeof ConversationCommandResult>;

export const MessageCommandResult = Type.Object({ message: MessageView }, { additionalProperties: false });
export type MessageCommandResult = Static<typeof MessageCommandResult>;

export const ConversationIdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

/** What an upload answers: the file kept, and the `mediaId` to send it with. */
export const UploadedAttachment = Type.Object(
  {
    mediaId: Uuid,
    kind: Type.Enum(attachmentKinds),
    mimeType: Type.String({ minLength: 1, maxLength: 255 }),
    fileName: Type.Optional(Type.String({ maxLength: 255 })),
    sizeBytes: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type UploadedAttachment = Static<typeof UploadedAttachment>;

/** One file of a message: `GET /api/v1/conversations/:id/messages/:messageId/attachments/:index`. */
export const AttachmentParams = Type.Object(
  { id: Uuid, messageId: Uuid, index: Type.Integer({ minimum: 0, maximum: 9 }) },
  { additionalProperties: false },
);
export type AttachmentParams = Static<typeof AttachmentParams>;

// ── canned responses ──────────────────────────────────────────────────────────────────────────

/** A saved reply an agent inserts by typing `/` and its shortcut in the composer. */
export const CannedResponseView = Type.Object(
  {
    id: Uuid,
    shortcut: Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z0-9][a-z0-9_-]*$' }),
    text: Type.String({ minLength: 1, maxLength: MESSAGE_TEXT_MAX }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { additionalProperties: false },
);
export type CannedResponseView = Static<typeof CannedResponseView>;

export const CannedResponseRequest = Type.Object(
  {
    shortcut: Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z0-9][a-z0-9_-]*$' }),
    text: Type.String({ minLength: 1, maxLength: MESSAGE_TEXT_MAX }),
  },
  { additionalProperties: false },
);
export type CannedResponseRequest = Static<typeof CannedResponseRequest>;

export const CannedResponseList = Type.Object({ items: Type.Array(CannedResponseView) }, { additionalProperties: false });
export type CannedResponseList = Static<typeof CannedResponseList>;

// ── channels ──────────────────────────────────────────────────────────────────────────────────

/** A channel as `GET /api/v1/channels` lists it; a webchat channel carries its public key. */
export const ChannelView = Type.Object(
  {
    id: Uuid,
    type: ChannelType,
    name: Type.String(),
    publicKey: Type.Optional(Type.String()),
    allowedOrigins: Type.Array(Type.String()),
    /** Storefront sign-in identities must be HMAC-signed with the channel's identity secret. */
    enforceIdentity: Type.Boolean(),
    status: Type.String(),
    /** The connected account: a Telegram bot's `@username` (checked with getMe when added). */
    account: Type.Optional(Type.String()),
    /** How a Telegram bot receives updates: Telegram calls the hub's webhook, or the connector polls. */
    mode: Type.Optional(Type.Union([Type.Literal('webhook'), Type.Literal('polling')])),
    /** Group chats become conversations (Telegram). */
    allowGroups: Type.Optional(Type.Boolean()),
    lastActivityAt: Type.Optional(Timestamp),
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);
export type ChannelView = Static<typeof ChannelView>;

export const ChannelList = Type.Object({ items: Type.Array(ChannelView) }, { additionalProperties: false });
export type ChannelList = Static<typeof ChannelList>;

/**
 * `POST /api/v1/channels` for a Telegram bot. The token is checked with getMe before anything is
 * stored, stored sealed, and never returned.
 */
export const CreateTelegramChannelRequest = Type.Object(
  {
    type: Type.Literal('telegram'),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    /** The token @BotFather gave, `<bot id>:<secret>`. */
    token: Type.String({ pattern: '^[0-9]{1,20}:[A-Za-z0-9_-]{1,200}$', maxLength: 222 }),
    mode: Type.Union([Type.Literal('webhook'), Type.Literal('polling')]),
    allowGroups: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateTelegramChannelRequest = Static<typeof CreateTelegramChannelRequest>;

/**
 * `PATCH /api/v1/channels/:id` for a Telegram channel: `type` says which body this is (as on
 * create); any of the rest may change. A new token is checked with getMe and may belong to
 * another bot only if that bot is not already a channel; a new token or mode is told to
 * Telegram (setWebhook, or deleteWebhook for polling) before it is stored.
 */
export const UpdateTelegramChannelRequest = Type.Object(
  {
    type: Type.Literal('telegram'),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    token: Type.Optional(Type.String({ pattern: '^[0-9]{1,20}:[A-Za-z0-9_-]{1,200}$', maxLength: 222 })),
    mode: Type.Optional(Type.Union([Type.Literal('webhook'), Type.Literal('polling')])),
    allowGroups: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 2 },
);
export type UpdateTelegramChannelRequest = Static<typeof UpdateTelegramChannelRequest>;

/**
 * `DELETE /api/v1/channels/:id`: the channel is gone from the list and takes nothing in, its
 * conversations and messages stay. `warnings` says what could not be undone at the provider
 * (Telegram unreachable to remove the webhook), in words an admin can act on.
 */
export const ChannelRemoved = Type.Object(
  { id: Uuid, removedAt: Timestamp, warnings: Type.Array(Type.String()) },
  { additionalProperties: false },
);
export type ChannelRemoved = Static<typeof ChannelRemoved>;

/** `PATCH /api/v1/channels/:id` for a webchat channel. */
export const UpdateWebchatChannelRequest = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    allowedOrigins: Type.Optional(Type.Array(Type.String({ pattern: '^https?://[^/\\s]+$', maxLength: 255 }), { maxItems: 50 })),
    enforceIdentity: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateWebchatChannelRequest = Static<typeof UpdateWebchatChannelRequest>;

// ── conversation settings (part of the bot settings) ──────────────────────────────────────────

const ClockTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$' });

/**
 * When people answer: opening periods per weekday (0 = Sunday) in the workspace's time zone.
 * Outside them a customer asking for a person gets the out-of-hours message (the chat still waits
 * in the queue for the morning).
 */
export const BusinessHours = Type.Object(
  {
    /** An IANA time zone, e.g. `Africa/Casablanca`. */
    timezone: Type.String({ minLength: 1, maxLength: 64 }),
    periods: Type.Array(
      Type.Object({ day: Type.Integer({ minimum: 0, maximum: 6 }), from: ClockTime, to: ClockTime }, { additionalProperties: false }),
      { maxItems: 50 },
    ),
  },
  { additionalProperties: false },
);
export type BusinessHours = Static<typeof BusinessHours>;

/** `GET`/`PUT /api/v1/conversation-settings`: how conversations hand off and time out. */
export const ConversationSettingsView = Type.Object(
  {
    handoffKeywords: Type.Array(Type.String({ minLength: 2, maxLength: 60 }), { maxItems: 50 }),
    /** Minutes an assigned agent may stay silent before the chat goes back to the queue. */
    agentInactivityMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
    handoffMessage: Type.String({ minLength: 1, maxLength: 500 }),
    fallbackMessage: Type.String({ minLength: 1, maxLength: 500 }),
    greeting: Type.String({ maxLength: 500 }),
    faq: Type.Array(
      Type.Object(
        { question: Type.String({ minLength: 2, maxLength: 300 }), answer: Type.String({ minLength: 1, maxLength: 2000 }) },
        { additionalProperties: false },
      ),
      { maxItems: 200 },
    ),
    /** Phrases the bot must never send (matched case-insensitively, as plain text): such replies are withheld. */
    blockedPatterns: Type.Array(Type.String({ minLength: 2, maxLength: 200 }), { maxItems: 50 }),
    /** Absent: people answer at any hour. */
    businessHours: Type.Optional(BusinessHours),
    /** Said instead of the handoff message when a customer asks for a person outside business hours. */
    outOfHoursMessage: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type ConversationSettingsView = Static<typeof ConversationSettingsView>;

// ── the storefront widget's public configuration ──────────────────────────────────────────────

/** `GET /api/v1/widget/:key/config`: what the widget shows before it connects. */
export const WidgetConfig = Type.Object(
  {
    tenantName: Type.String(),
    primaryColor: Type.String(),
    welcomeMessage: Type.String(),
    available: Type.Boolean(),
    /** Text direction of the tenant's language; visitors' own messages set their own. */
    locale: Type.String(),
  },
  { additionalProperties: false },
);
export type WidgetConfig = Static<typeof WidgetConfig>;

export const WidgetKeyParams = Type.Object({ key: Type.String({ minLength: 8, maxLength: 128 }) }, { additionalProperties: false });

/** `GET /api/v1/widget/files/:token`: any string, so a token that is not one of ours is a 404 from the route, never a 400. */
export const WidgetFileParams = Type.Object({ token: Type.String() }, { additionalProperties: false });
export type WidgetFileParams = Static<typeof WidgetFileParams>;

/** What a new tenant's conversations and bot do until an admin changes them. */
export const defaultConversationSettingsView: ConversationSettingsView = {
  handoffKeywords: [],
  agentInactivityMinutes: 15,
  handoffMessage: "I'm connecting you with a member of our team. They will reply here shortly.",
  fallbackMessage: "Sorry, I couldn't answer just now. I'm asking a member of our team to help you.",
  greeting: 'Hello! How can I help you today?',
  faq: [],
  blockedPatterns: [],
  outOfHoursMessage: "Our team is away right now. We've passed your message on, and a member of our team will reply here as soon as we're back.",
};
