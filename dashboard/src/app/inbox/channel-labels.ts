import type { ChannelType, ConversationStatus } from '@switchboard/contracts';

/** How the console names each channel. */
export const channelLabels: Readonly<Record<ChannelType, string>> = {
  webchat: 'Web chat',
  whatsapp: 'WhatsApp',
  telegram: 'Telegram',
};

/** How the console names each conversation status. */
export const statusLabels: Readonly<Record<ConversationStatus, string>> = {
  bot: 'With the bot',
  awaiting_agent: 'Waiting for an agent',
  agent: 'With an agent',
  closed: 'Closed',
};
