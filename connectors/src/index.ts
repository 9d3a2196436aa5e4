export { startConnector } from './core/start-connector.ts';
export { main } from './main.ts';
export { PermanentSendError, type Connector, type ConnectorStatus, type SendReceipt } from './core/connector.ts';
export { inboundDedupeKey, publishInbound } from './core/inbound-publisher.ts';
export { startOutboundDispatcher, type OutboundDispatcherOptions } from './core/outbound-dispatcher.ts';
export { WhatsAppSessionManager, startWhatsAppSessions, type WhatsAppSessionsOptions } from './whatsapp/whatsapp-session-manager.ts';
export type { WhatsAppRoleOverrides } from './whatsapp/whatsapp-role.ts';
export { localSessionVault, postgresSessionVault, type SessionVault } from './whatsapp/session-vault.ts';
export { SessionLeases } from './whatsapp/session-lease.ts';
