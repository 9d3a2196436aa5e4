import Type, { type Static } from 'typebox';
import { ChannelType, Timestamp, Uuid } from './primitives.ts';

/**
 * A channel session's lifecycle as the console shows it (the WhatsApp supervisor's states; a
 * Telegram bot uses the subset starting, ready, failed, stopped).
 */
export const channelStates = ['starting', 'qr', 'authenticated', 'ready', 'disconnected', 'reconnecting', 'failed', 'stopped'] as const;
export const ChannelState = Type.Enum(channelStates);
export type ChannelState = Static<typeof ChannelState>;

/** `channel.status`: a channel session changed state, published to that tenant's consoles only. */
export const ChannelStatusChanged = Type.Object(
  {
    channelId: Uuid,
    channelType: ChannelType,
    state: ChannelState,
    /** Why a session is disconnected, reconnecting or failed, in words an admin can act on. */
    reason: Type.Optional(Type.String({ maxLength: 500 })),
    /** The connected account: a WhatsApp number or a Telegram bot's @username. */
    account: Type.Optional(Type.String({ maxLength: 100 })),
    /** The connector node holding the session. */
    node: Type.Optional(Type.String({ maxLength: 200 })),
    /** Memory of the session (a WhatsApp session's Chromium RSS), in bytes. */
    rssBytes: Type.Optional(Type.Integer({ minimum: 0 })),
    at: Timestamp,
  },
  { additionalProperties: false },
);
export type ChannelStatusChanged = Static<typeof ChannelStatusChanged>;

/** `channel.qr`: a WhatsApp session's current QR code (it rotates about every 20 s until scanned). */
export const ChannelQr = Type.Object(
  {
    channelId: Uuid,
    /** The QR payload as whatsapp-web.js emits it; the console renders it. */
    qr: Type.String({ minLength: 1, maxLength: 4096 }),
    at: Timestamp,
  },
  { additionalProperties: false },
);
export type ChannelQr = Static<typeof ChannelQr>;
