import { createHash } from 'node:crypto';

/**
 * The id a channel message gets in Switchboard, derived from its channel and the channel's own
 * id (a UUID in the version-5 layout, from SHA-256). The widget's hub can answer a visitor's
 * `message.send` with the id before the runner has stored the message, and the same message
 * sent twice has the same id.
 */
export function inboundMessageId(channelId: string, externalMessageId: string): string {
  const bytes = createHash('sha256').update(`${channelId}\u0000${externalMessageId}`).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The media store id of a file from a channel: `source` names it there (a message id and the
 * attachment's place, or a Telegram file id). Derived, so a file that arrives again (a replayed
 * message) or is asked for again (a Telegram file viewed twice) is kept once.
 */
export function channelMediaId(channelId: string, source: string): string {
  return inboundMessageId(channelId, `media:${source}`);
}

/**
 * `Nats-Msg-Id` of a channel message on `SB_INBOUND`: the channel plus the channel's own id, so a
 * reconnect replay or a webhook retry inside the dedupe window is stored once. Shared by the
 * connectors and the hub's webhooks, which publish the same messages.
 */
export function inboundDedupeKey(message: { channelId: string; externalMessageId: string }): string {
  return `in:${message.channelId}:${message.externalMessageId}`;
}
