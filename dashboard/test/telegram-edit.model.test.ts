import { describe, expect, it } from 'vitest';
import type { ChannelView } from '@switchboard/contracts';
import { telegramChanges, telegramEditModelOf } from '../src/app/channels/telegram-edit.model.ts';

const channel: ChannelView = {
  id: '0b8f1c1e-7d1a-4c55-9a43-2f9e3f7f6a10', type: 'telegram', name: 'Shop bot', allowedOrigins: [], enforceIdentity: false,
  status: 'active', account: '@shop_bot', mode: 'webhook', allowGroups: false, createdAt: '2026-01-01T00:00:00.000Z',
};

describe('the Telegram edit form', () => {
  it('opens with the channel as listed and an empty token box', () => {
    expect(telegramEditModelOf(channel)).toEqual({ name: 'Shop bot', token: '', mode: 'webhook', allowGroups: false });
  });

  it('sends nothing when nothing changed, so Telegram is not asked anything', () => {
    expect(telegramChanges(channel, telegramEditModelOf(channel))).toBeUndefined();
    expect(telegramChanges(channel, { ...telegramEditModelOf(channel), name: '  Shop bot ', token: '   ' })).toBeUndefined();
  });

  it('sends only the fields that changed, trimmed, with the type the hub needs', () => {
    expect(telegramChanges(channel, { name: 'Atlas support ', token: ' 123:AAbc ', mode: 'polling', allowGroups: false }))
      .toEqual({ type: 'telegram', name: 'Atlas support', token: '123:AAbc', mode: 'polling' });
    expect(telegramChanges(channel, { ...telegramEditModelOf(channel), allowGroups: true })).toEqual({ type: 'telegram', allowGroups: true });
  });
});
