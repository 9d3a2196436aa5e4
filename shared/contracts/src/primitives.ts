import Type from 'typebox';

/** A UUID, the id format of every Switchboard entity. */
export const Uuid = Type.String({ format: 'uuid', description: 'UUID' });
/** An ISO 8601 timestamp with a time zone, e.g. `2026-11-22T10:00:00.000Z`. */
export const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 date-time' });
/** A trace id that follows one piece of work across processes (W3C trace-id style hex or any short token). */
export const TraceId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

export const channelTypes = ['webchat', 'whatsapp', 'telegram'] as const;
export const ChannelType = Type.Enum(channelTypes);
export type ChannelType = (typeof channelTypes)[number];

/** Upper bound of a chat message's text, in characters; channels with smaller limits split. */
export const MESSAGE_TEXT_MAX = 4096;
