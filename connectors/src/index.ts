export { startConnector } from './core/start-connector.ts';
export { main } from './main.ts';
export { PermanentSendError, type Connector, type ConnectorStatus, type SendReceipt } from './core/connector.ts';
export { inboundDedupeKey, publishInbound } from './core/inbound-publisher.ts';
export { startOutboundDispatcher, type OutboundDispatcherOptions } from './core/outbound-dispatcher.ts';
export { TelegramConnector, type TelegramConnectorOptions } from './telegram/telegram.connector.ts';
export { startTelegramSessions, type TelegramSessions, type TelegramSessionsOptions } from './telegram/telegram-sessions.ts';
