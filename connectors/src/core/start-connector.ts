import type { AppConfig } from '@switchboard/config';
import type { Infrastructure, Logger, RunningRole } from '@switchboard/runtime';
import { startTelegramSessions } from '../telegram/telegram-sessions.ts';
import type { Connector } from './connector.ts';
import { startOutboundDispatcher } from './outbound-dispatcher.ts';
// ── WhatsApp ──
import { startWhatsAppRole, type WhatsAppRoleOverrides } from '../whatsapp/whatsapp-role.ts';
// ── end WhatsApp ──

/**
 * The connector role: holds channel sessions (WhatsApp's Chromium clients, Telegram bots: those
 * in polling mode poll, every one sends its channel's replies) and sends the outbound replies for the channels it holds, reporting sent or
 * failed. The storefront widget needs none: the hub holds its sockets and its replies travel on
 * the events stream. WhatsApp sessions are leased per channel (see whatsapp/); a reply for a
 * channel this node does not hold is left to the node that does.
 * `overrides` is for tests: they replace WhatsApp itself (a fake client factory) and timings.
 */
export async function startConnector(config: AppConfig, logger: Logger, infrastructure: Infrastructure, overrides: { whatsapp?: WhatsAppRoleOverrides } = {}): Promise<RunningRole> {
  const log = logger.child({ component: 'connector' });
  const sessions = new Map<string, Connector>();
  const telegram = config.secretKey === undefined
    ? undefined
    : await startTelegramSessions({ bus: infrastructure.bus, orm: infrastructure.orm, logger, secretKey: config.secretKey, apiRoot: config.telegramApiRoot, mediaMaxBytes: config.mediaMaxBytes, sessions });
  if (telegram === undefined) log.warn('no SECRET_KEY: Telegram bots cannot be started');
  const dispatcher = await startOutboundDispatcher({
    bus: infrastructure.bus,
    logger,
    durable: 'connector-outbound',
    connectorFor: (channelId, channelType) => {
      const held = sessions.get(channelId);
      // A Telegram channel added since the last refresh: load it now; the dispatcher retries.
      if (held === undefined && channelType === 'telegram') telegram?.refreshSoon();
      return held;
    },
  });
  // ── WhatsApp: one supervised whatsapp-web.js session per leased channel ──
  const whatsapp = await startWhatsAppRole(config, logger, infrastructure, sessions, overrides.whatsapp);
  // ── end WhatsApp ──
  log.info({ sessions: sessions.size }, 'connector started');
  return {
    role: 'connector',
    stop: async () => {
      await dispatcher.stop();
      await telegram?.stop();
      await whatsapp.stop(); // WhatsApp
      await Promise.all([...sessions.values()].map((session) => session.stop()));
      log.info('connector stopped');
    },
  };
}
