import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { AppConfig } from '@switchboard/config';
import { AppError } from '@switchboard/errors';
import type { Infrastructure, Logger } from '@switchboard/runtime';
import { createSecretBox, deriveKeys } from '@switchboard/security';
import type { Connector } from '../core/connector.ts';
import { localSessionVault, postgresSessionVault, type SessionVault } from './session-vault.ts';
import { webJsClientFactory } from './webjs-client-factory.ts';
import type { WhatsAppClientFactory } from './whatsapp-client.ts';
import { startWhatsAppSessions, type WhatsAppSessionManager, type WhatsAppSessionsOptions } from './whatsapp-session-manager.ts';

/** What tests (and only tests) swap: WhatsApp itself, and the timings of leases and restarts. */
export type WhatsAppRoleOverrides = Partial<Pick<WhatsAppSessionsOptions, 'clientFactory' | 'leaseTtlMs' | 'renewIntervalMs' | 'statusIntervalMs' | 'maxAttempts' | 'backoffMs' | 'node'>>;

/**
 * The connector role's WhatsApp sessions from the configuration: the real whatsapp-web.js
 * client on `CHROMIUM_PATH`, logins under `DATA_DIR/whatsapp` and, with
 * `WHATSAPP_AUTH_STORE=postgres`, sealed in the database as well.
 */
export async function startWhatsAppRole(
  config: AppConfig,
  logger: Logger,
  infrastructure: Infrastructure,
  sessions: Map<string, Connector>,
  overrides: WhatsAppRoleOverrides = {},
): Promise<WhatsAppSessionManager> {
  let vault: SessionVault = localSessionVault();
  if (config.whatsappAuthStore === 'postgres') {
    if (config.secretKey === undefined) throw new AppError('SB_ERR_CONFIG_INVALID', { message: 'WHATSAPP_AUTH_STORE=postgres seals logins with SECRET_KEY: set SECRET_KEY.' });
    vault = postgresSessionVault(infrastructure.orm, createSecretBox(deriveKeys(config.secretKey).encryptionKey));
  }
  const clientFactory: WhatsAppClientFactory = overrides.clientFactory ?? webJsClientFactory({ executablePath: config.chromiumPath });
  return startWhatsAppSessions({
    bus: infrastructure.bus,
    orm: infrastructure.orm,
    logger,
    sessions,
    node: overrides.node ?? config.connectorNode ?? `${hostname()}-${process.pid}`,
    authDataPath: resolve(join(config.dataDir, 'whatsapp')),
    clientFactory,
    vault,
    maxSessions: config.whatsappMaxSessions,
    mediaMaxBytes: config.mediaMaxBytes,
    ...overrides,
  });
}
