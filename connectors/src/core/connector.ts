import type { ChannelType, InboundMessage, OutboundMessage } from '@switchboard/contracts';

/** A channel session's health, as the console shows it. */
export type ConnectorStatus =
  | { state: 'starting' | 'ready' | 'stopped' }
  | { state: 'qr'; qr: string }
  | { state: 'disconnected' | 'reconnecting' | 'failed'; reason: string };

/** What a channel answered when asked to send: its own message id. */
export interface SendReceipt {
  externalMessageId: string;
}

/**
 * One channel's connection (a WhatsApp session, a Telegram bot, the web widget). Every channel
 * implements this and nothing else leaves it: SDK types (whatsapp-web.js, telegraf) stay inside.
 * Inbound events are normalised to `InboundMessage` and handed to `onInbound`; outbound replies
 * arrive through `send`, which throws to signal a failure (the dispatcher retries).
 */
export interface Connector {
  readonly channelId: string;
  readonly tenantId: string;
  readonly channelType: ChannelType;
  start(onInbound: (message: InboundMessage) => Promise<void>): Promise<void>;
  send(message: OutboundMessage): Promise<SendReceipt>;
  status(): ConnectorStatus;
  stop(): Promise<void>;
}

/** A send failure that retrying cannot fix (a blocked chat, an invalid recipient). */
export class PermanentSendError extends Error {
  override readonly name = 'PermanentSendError';
}

/**
 * A send the channel refused for now and said when to try again (Telegram's 429 with
 * `retry_after`): the dispatcher waits at least `retryAfterMs` before the next attempt.
 */
export class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';

  constructor(message: string, readonly retryAfterMs: number, options?: ErrorOptions) {
    super(message, options);
  }
}
