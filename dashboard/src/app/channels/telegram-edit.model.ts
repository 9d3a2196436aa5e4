import type { ChannelView, UpdateTelegramChannelRequest } from '@switchboard/contracts';

/** The Telegram edit form's values. */
export interface TelegramEditModel {
  name: string;
  /** Empty keeps the stored token, which the console never sees. */
  token: string;
  mode: 'webhook' | 'polling';
  allowGroups: boolean;
}

/** The form as it opens: the channel as listed, and an empty token box. */
export function telegramEditModelOf(channel: ChannelView): TelegramEditModel {
  return { name: channel.name, token: '', mode: channel.mode ?? 'polling', allowGroups: channel.allowGroups === true };
}

/**
 * What the person changed, as the hub takes it, or undefined when nothing changed. Only changed
 * fields are sent: an unchanged mode asks nothing of Telegram, a name-only edit not even getMe.
 */
export function telegramChanges(channel: ChannelView, value: TelegramEditModel): UpdateTelegramChannelRequest | undefined {
  const name = value.name.trim();
  const token = value.token.trim();
  const changes = {
    ...(name !== channel.name ? { name } : {}),
    ...(token !== '' ? { token } : {}),
    ...(value.mode !== (channel.mode ?? 'polling') ? { mode: value.mode } : {}),
    ...(value.allowGroups !== (channel.allowGroups === true) ? { allowGroups: value.allowGroups } : {}),
  };
  return Object.keys(changes).length === 0 ? undefined : { type: 'telegram', ...changes };
}
