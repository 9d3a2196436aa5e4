import Type, { type Static } from 'typebox';
import type { Attachment, InboundMessage } from './message.ts';
import { MESSAGE_TEXT_MAX } from './primitives.ts';

// The part of a Telegram Bot API `Update` that Switchboard reads, as Telegram sends it to a
// webhook and answers it to `getUpdates`. Objects stay open (Telegram adds fields often); only
// what we read is constrained. It lives here rather than in the Telegram connector because the
// hub's webhook route and the connector's polling loop must normalise an update the same way,
// and neither may import the other.

const TelegramChat = Type.Object({
  id: Type.Integer(),
  type: Type.String({ maxLength: 32 }),
  title: Type.Optional(Type.String()),
  username: Type.Optional(Type.String()),
  first_name: Type.Optional(Type.String()),
  last_name: Type.Optional(Type.String()),
});

const TelegramUser = Type.Object({
  id: Type.Integer(),
  is_bot: Type.Boolean(),
  first_name: Type.String(),
  last_name: Type.Optional(Type.String()),
  username: Type.Optional(Type.String()),
  language_code: Type.Optional(Type.String()),
});

const TelegramPhotoSize = Type.Object({
  file_id: Type.String({ minLength: 1 }),
  file_unique_id: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
  file_size: Type.Optional(Type.Integer({ minimum: 0 })),
});

const TelegramDocument = Type.Object({
  file_id: Type.String({ minLength: 1 }),
  file_unique_id: Type.String(),
  file_name: Type.Optional(Type.String()),
  mime_type: Type.Optional(Type.String()),
  file_size: Type.Optional(Type.Integer({ minimum: 0 })),
});

/** A Telegram `Message`, the fields Switchboard reads. */
export const TelegramMessage = Type.Object({
  message_id: Type.Integer(),
  date: Type.Integer(),
  chat: TelegramChat,
  from: Type.Optional(TelegramUser),
  text: Type.Optional(Type.String()),
  caption: Type.Optional(Type.String()),
  photo: Type.Optional(Type.Array(TelegramPhotoSize)),
  document: Type.Optional(TelegramDocument),
  reply_to_message: Type.Optional(Type.Object({ message_id: Type.Integer() })),
});
export type TelegramMessage = Static<typeof TelegramMessage>;

/** A Telegram `Update` (webhook body, `getUpdates` item); only `message` updates become messages. */
export const TelegramUpdate = Type.Object({
  update_id: Type.Integer(),
  message: Type.Optional(TelegramMessage),
});
export type TelegramUpdate = Static<typeof TelegramUpdate>;

/** What normalising needs to know about the channel the update came to. */
export interface TelegramChannelContext {
  channelId: string;
  /** Group and supergroup chats become conversations only when the channel's settings allow it. */
  allowGroups: boolean;
}

/** Prefix of an attachment `url` that names a Telegram file by id (see {@link telegramFileRef}). */
export const TELEGRAM_FILE_PREFIX = 'telegram-file:';

/**
 * The reference stored for a file a customer sent on Telegram. Not the `getFile` download URL:
 * that URL carries the bot token, which must never reach the database or a console. The
 * connector resolves the id (getFile) when the file is needed, and can send it back by id.
 */
export function telegramFileRef(fileId: string): string {
  return `${TELEGRAM_FILE_PREFIX}${fileId}`;
}

/** `/start <payload>` (also `/start@bot <payload>`): a deep link `t.me/<bot>?start=<payload>`. */
const startCommand = /^\/start(?:@\w+)?\s+([A-Za-z0-9_-]{1,64})\s*$/;

const clip = (text: string, max: number) => (text.length > max ? text.slice(0, max) : text);

/**
 * Turns a Telegram update into the `InboundMessage` every channel produces, or `undefined` when
 * it is not a customer's message Switchboard handles (edits, channel posts, other bots, group
 * chats the channel does not take, stickers and other content without text or a file).
 * The external id is `<chat id>:<message_id>` because Telegram's message ids are unique only
 * within a chat; the same update delivered again (webhook retry, polling replay) gets the same id.
 */
export function normaliseTelegramUpdate(update: TelegramUpdate, channel: TelegramChannelContext): InboundMessage | undefined {
  const message = update.message;
  if (message === undefined || message.from?.is_bot === true) return undefined;
  const { chat } = message;
  const isGroup = chat.type === 'group' || chat.type === 'supergroup';
  if (!isGroup && chat.type !== 'private') return undefined;
  if (isGroup && !channel.allowGroups) return undefined;

  const attachments: Attachment[] = [];
  const largestPhoto = message.photo?.at(-1);
  if (largestPhoto !== undefined) {
    attachments.push({
      kind: 'image',
      mimeType: 'image/jpeg', // Telegram re-encodes every photo as JPEG
      url: telegramFileRef(largestPhoto.file_id),
      ...(largestPhoto.file_size === undefined ? {} : { sizeBytes: largestPhoto.file_size }),
    });
  }
  if (message.document !== undefined) {
    const { document } = message;
    attachments.push({
      kind: 'document',
      mimeType: clip(document.mime_type || 'application/octet-stream', 255),
      url: telegramFileRef(document.file_id),
      ...(document.file_name ? { fileName: clip(document.file_name, 255) } : {}),
      ...(document.file_size === undefined ? {} : { sizeBytes: document.file_size }),
    });
  }
  const text = message.text ?? message.caption;
  if ((text === undefined || text.trim() === '') && attachments.length === 0) return undefined;

  const sender = message.from;
  const personName = sender ? [sender.first_name, sender.last_name].filter(Boolean).join(' ') : undefined;
  // In a group the conversation is the group, so the group is the contact; in a private chat
  // the chat id is the user's id.
  const contactName = isGroup ? chat.title : personName;
  const contactUsername = isGroup ? chat.username : sender?.username;
  const campaign = message.text === undefined ? undefined : startCommand.exec(message.text)?.[1];

  return {
    channelId: channel.channelId,
    channelType: 'telegram',
    externalMessageId: `${chat.id}:${message.message_id}`,
    externalChatId: String(chat.id),
    contact: {
      externalId: String(chat.id),
      ...(contactName ? { name: clip(contactName, 255) } : {}),
      ...(contactUsername ? { username: clip(contactUsername, 255) } : {}),
    },
    ...(text === undefined || text.trim() === '' ? {} : { text: clip(text, MESSAGE_TEXT_MAX) }),
    attachments,
    ...(message.reply_to_message ? { replyToExternalId: `${chat.id}:${message.reply_to_message.message_id}` } : {}),
    isGroup,
    sentAt: new Date(message.date * 1000).toISOString(),
    ...(campaign === undefined ? {} : { visit: { campaign } }),
  };
}

/**
 * The chat and message ids of an external id made by {@link normaliseTelegramUpdate}, for a
 * reply-to; `undefined` when the id is not of that form.
 */
export function telegramMessageRef(externalMessageId: string): { chatId: string; messageId: number } | undefined {
  const match = /^(-?\d+):(\d+)$/.exec(externalMessageId);
  return match ? { chatId: match[1] ?? '', messageId: Number(match[2]) } : undefined;
}
