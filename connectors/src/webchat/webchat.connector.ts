import type { InboundMessage, OutboundMessage } from '@switchboard/contracts';
import type { Connector, ConnectorStatus, SendReceipt } from '../core/connector.ts';

/**
 * The storefront widget as a channel. Visitors' messages come in through the hub's `/widget`
 * socket, which publishes them to `SB_INBOUND` itself; replies reach the visitor from the hub's
 * read of `SB_EVENTS` (`message.created` to the visitor's room). So sending is acknowledging:
 * the reply is on the events stream, and the message is reported `sent` under its own id.
 * One instance serves every webchat channel of every tenant; it holds no session.
 */
export class WebchatConnector implements Connector {
  readonly channelId = '*';
  readonly tenantId = '*';
  readonly channelType = 'webchat' as const;

  async start(_onInbound: (message: InboundMessage) => Promise<void>): Promise<void> {
    // Inbound arrives through the hub's socket, not through a session here.
  }

  async send(message: OutboundMessage): Promise<SendReceipt> {
    return { externalMessageId: message.messageId };
  }

  status(): ConnectorStatus {
    return { state: 'ready' };
  }

  async stop(): Promise<void> {
    // Nothing held.
  }
}
