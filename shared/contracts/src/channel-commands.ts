import Type, { type Static } from 'typebox';
import { ChannelStatusChanged } from './channel-events.ts';
import { Uuid } from './primitives.ts';

/**
 * What a hub asks the connector nodes about a WhatsApp channel (core NATS request on
 * `sb.req.whatsapp.<tenant>`). Every connector node hears it; only the node that holds (or, for
 * `start`, manages to lease) the channel's session answers, so a caller that gets no answer in
 * time knows no node holds it and may retry.
 *
 * A Telegram channel takes `settings` (edited: its bot starts again from the stored token, mode
 * and groups) and `stop` (removed) on `sb.req.telegram.<tenant>`; every node runs every bot, so
 * each reloads its channels and the first answers with the bot's state. A lost command costs
 * only time: the nodes reload every 30 s anyway.
 */
export const channelCommandTypes = ['start', 'stop', 'logout', 'groups', 'contacts', 'settings'] as const;
export const ChannelCommandRequest = Type.Object(
  { type: Type.Enum(channelCommandTypes), channelId: Uuid },
  { additionalProperties: false },
);
export type ChannelCommandRequest = Static<typeof ChannelCommandRequest>;

/** A group or a contact of a WhatsApp account, for the whitelist and group settings pages. */
export const ChannelPeer = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 255 }),
    name: Type.Optional(Type.String({ maxLength: 255 })),
    /** For groups: whether the bot answers in it (channel settings). */
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ChannelPeer = Static<typeof ChannelPeer>;

export const ChannelCommandReply = Type.Object(
  {
    status: Type.Omit(ChannelStatusChanged, ['at']),
    peers: Type.Optional(Type.Array(ChannelPeer, { maxItems: 10_000 })),
  },
  { additionalProperties: false },
);
export type ChannelCommandReply = Static<typeof ChannelCommandReply>;

// ── REST ───────────────────────────────────────────────────────────────────────────────────

/** `POST /api/v1/channels` for a WhatsApp channel: the session starts and its QR goes to the console. */
export const CreateWhatsAppChannelRequest = Type.Object(
  { type: Type.Literal('whatsapp'), name: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);
export type CreateWhatsAppChannelRequest = Static<typeof CreateWhatsAppChannelRequest>;

/** A WhatsApp number as WhatsApp ids carry it: digits only, country code first. */
const PhoneDigits = Type.String({ pattern: '^[0-9]{6,20}$' });

/**
 * `PUT /api/v1/channels/:id/whatsapp-settings`: who gets bot replies (an empty whitelist means
 * everyone) and the groups the bot answers in (every other group is ignored).
 */
export const WhatsAppSettings = Type.Object(
  {
    whitelist: Type.Array(PhoneDigits, { maxItems: 5_000 }),
    enabledGroups: Type.Array(Type.String({ pattern: '^[0-9-]+@g\\.us$', maxLength: 64 }), { maxItems: 1_000 }),
  },
  { additionalProperties: false },
);
export type WhatsAppSettings = Static<typeof WhatsAppSettings>;

export const ChannelPeerList = Type.Object({ items: Type.Array(ChannelPeer) }, { additionalProperties: false });
export type ChannelPeerList = Static<typeof ChannelPeerList>;
