import { MESSAGE_TEXT_MAX, type Attachment, type InboundMessage } from '@switchboard/contracts';
import type { WaMessage } from './whatsapp-client.ts';

/** Per-channel rules from the channel's settings (`PUT /api/v1/channels/:id/whatsapp-settings`). */
export interface WhatsAppChannelRules {
  /** Numbers (digits) that get bot replies; empty means everyone. */
  whitelist: readonly string[];
  /** Group chat ids (`…@g.us`) the session listens to; every other group is ignored. */
  enabledGroups: readonly string[];
}

export const noRules: WhatsAppChannelRules = { whitelist: [], enabledGroups: [] };

const attachmentKindOf: Record<string, Attachment['kind']> = {
  image: 'image',
  document: 'document',
  audio: 'audio',
  ptt: 'audio',
  video: 'video',
  sticker: 'sticker',
};
const handledTypes = new Set(['chat', 'location', ...Object.keys(attachmentKindOf)]);

/** Digits of a personal WhatsApp id (`212600000000@c.us` → `212600000000`), else undefined. */
export function phoneOf(whatsAppId: string): string | undefined {
  const match = /^(\d{4,20})@c\.us$/.exec(whatsAppId);
  return match?.[1];
}

/**
 * A whatsapp-web.js message as Switchboard's `InboundMessage`, or undefined for what is not a
 * message of a chat the channel serves (status broadcasts, system notices, calls, groups the
 * channel does not listen to). A customer's message (`message`) comes from its chat; one the
 * business wrote from its own phone (`message_create` with `fromMe`) goes to it and is marked
 * `fromBusiness`, with the customer as the contact (never the business's own name). The external
 * id is WhatsApp's own (`id._serialized`), which a reconnect replays unchanged, so the bus and
 * the database see a replay as the same message. Media is described (kind, type, name, size,
 * caption); the connector fetches its bytes into the media store.
 */
export async function normaliseWhatsAppMessage(channelId: string, message: WaMessage, rules: WhatsAppChannelRules): Promise<InboundMessage | undefined> {
  const chatId = message.fromMe ? message.to : message.from;
  if (chatId === 'status@broadcast' || !handledTypes.has(message.type)) return undefined;
  const isGroup = chatId.endsWith('@g.us');
  // The business writing in a group from its phone is not a takeover of a customer's chat.
  if (isGroup && (message.fromMe || !rules.enabledGroups.includes(chatId))) return undefined;
  const senderId = message.fromMe ? chatId : isGroup ? (message.author ?? chatId) : chatId;
  const phone = phoneOf(senderId);
  // On the business's own message, notifyName is the business: the customer keeps their name.
  const name = message.fromMe ? undefined : message._data?.notifyName?.slice(0, 255);
  const kind = attachmentKindOf[message.type];
  const caption = kind && message.body ? message.body.slice(0, 1024) : undefined;
  const attachments: Attachment[] = kind && message.hasMedia
    ? [{
        kind,
        mimeType: message._data?.mimetype?.slice(0, 255) || 'application/octet-stream',
        ...(message._data?.filename ? { fileName: message._data.filename.slice(0, 255) } : {}),
        ...(typeof message._data?.size === 'number' && message._data.size >= 0 ? { sizeBytes: Math.floor(message._data.size) } : {}),
        ...(caption ? { caption } : {}),
      }]
    : [];
  let replyToExternalId: string | undefined;
  if (message.hasQuotedMsg) {
    // A quoted message that WhatsApp no longer has leaves a plain message, not a lost one.
    replyToExternalId = (await message.getQuotedMessage().catch(() => undefined))?.id._serialized;
  }
  const text = message.body ? message.body.slice(0, MESSAGE_TEXT_MAX) : undefined;
  return {
    channelId,
    channelType: 'whatsapp',
    externalMessageId: message.id._serialized.slice(0, 255),
    externalChatId: chatId.slice(0, 255),
    contact: { externalId: senderId.slice(0, 255), ...(name ? { name } : {}), ...(phone ? { phone } : {}) },
    ...(text ? { text } : {}),
    attachments,
    ...(replyToExternalId ? { replyToExternalId: replyToExternalId.slice(0, 255) } : {}),
    isGroup,
    sentAt: new Date((Number.isFinite(message.timestamp) ? message.timestamp : Date.now() / 1000) * 1000).toISOString(),
    ...(message.fromMe ? { fromBusiness: true } : {}),
  };
}
