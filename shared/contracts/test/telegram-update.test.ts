import { describe, expect, it } from 'vitest';
import { checkSchema, InboundMessage, MESSAGE_TEXT_MAX, normaliseTelegramUpdate, telegramMessageRef, TelegramUpdate } from '../src/index.ts';

const channel = { channelId: '0b5f3c1e-7a4d-4c4b-9a53-1f0e2d3c4b5a', allowGroups: false };
const message = (fields: Record<string, unknown>) => ({
  update_id: 1,
  message: { message_id: 7, date: 1_767_225_600, chat: { id: 42, type: 'private' }, from: { id: 42, is_bot: false, first_name: 'Salma' }, ...fields },
});
const normalise = (update: unknown, context = channel) => {
  const checked = checkSchema(TelegramUpdate, update);
  if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
  return normaliseTelegramUpdate(checked.value, context);
};

describe('normalising Telegram updates', () => {
  it('produces a valid InboundMessage keyed by chat and message id', () => {
    const inbound = normalise(message({ text: 'hello', reply_to_message: { message_id: 3 } }));
    expect(checkSchema(InboundMessage, inbound).ok).toBe(true);
    expect(inbound).toMatchObject({ externalMessageId: '42:7', externalChatId: '42', replyToExternalId: '42:3', text: 'hello' });
  });

  it('records /start and /start@bot deep-link payloads as the campaign, and nothing for a bare /start', () => {
    expect(normalise(message({ text: '/start spring-24' }))?.visit).toEqual({ campaign: 'spring-24' });
    expect(normalise(message({ text: '/start@atlas_bot spring_24' }))?.visit).toEqual({ campaign: 'spring_24' });
    expect(normalise(message({ text: '/start' }))?.visit).toBeUndefined();
    expect(normalise(message({ text: 'please /start summer' }))?.visit).toBeUndefined();
  });

  it('ignores updates that are not a customer message: edits, channel posts, bots, empty messages', () => {
    expect(normalise({ update_id: 2, edited_message: { message_id: 1 } })).toBeUndefined();
    expect(normalise(message({ chat: { id: -1001, type: 'channel' }, text: 'post' }))).toBeUndefined();
    expect(normalise(message({ from: { id: 9, is_bot: true, first_name: 'Bot' }, text: 'beep' }))).toBeUndefined();
    expect(normalise(message({ sticker: { file_id: 'x' } }))).toBeUndefined();
    expect(normalise(message({ text: '   ' }))).toBeUndefined();
  });

  it('clips text longer than a message may be', () => {
    expect(normalise(message({ text: 'x'.repeat(MESSAGE_TEXT_MAX + 50) }))?.text).toHaveLength(MESSAGE_TEXT_MAX);
  });

  it('reads back the chat and message of an external id, for replies', () => {
    expect(telegramMessageRef('-100200:15')).toEqual({ chatId: '-100200', messageId: 15 });
    expect(telegramMessageRef('w:visitor:1')).toBeUndefined();
  });
});
