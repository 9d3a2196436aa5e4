import { connectBus, type Bus } from '@switchboard/bus';
import type { AppConfig } from '@switchboard/config';
import { createOrm, migrate, type Orm } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import type { Logger } from 'pino';

/** The connections a role works with; one set is shared by every role in one process. */
export interface Infrastructure {
  bus: Bus;
  orm: Orm;
  chromaUrl: string;
  close(): Promise<void>;
}

export interface InfrastructureUrls {
  natsUrl: string;
  databaseUrl: string;
  chromaUrl: string;
}

/** Resolves the service URLs of a role started on its own; each must be given. */
export function requireServiceUrls(config: AppConfig): InfrastructureUrls {
  const { natsUrl, databaseUrl, chromaUrl } = config;
  if (natsUrl === undefined || databaseUrl === undefined || chromaUrl === undefined) {
    const missing = (['natsUrl', 'databaseUrl', 'chromaUrl'] as const).filter((key) => config[key] === undefined);
    const names = missing.map((key) => ({ natsUrl: 'NATS_URL', databaseUrl: 'DATABASE_URL', chromaUrl: 'CHROMA_URL' })[key]);
    throw new AppError('SB_ERR_CONFIG_INVALID', {
      message: `The environment is not valid:\n${names.map((name) => `  ${name}: is required when a role starts on its own (npm start runs embedded services instead)`).join('\n')}`,
      issues: names.map((name) => ({ path: name, message: 'is required' })),
    });
  }
  return { natsUrl, databaseUrl, chromaUrl };
}

/**
 * Connects to NATS (provisioning streams) and PostgreSQL (applying migrations). Closing drains
 * the bus before the pool closes, so in-flight work can still write.
 */
export async function openInfrastructure(urls: InfrastructureUrls, logger: Logger, name: string): Promise<Infrastructure> {
  const bus = await connectBus({ servers: urls.natsUrl, name, logger: logger.child({ component: 'bus' }) });
  let orm: Orm;
  try {
    orm = await createOrm({ databaseUrl: urls.databaseUrl, logger });
    const applied = await migrate(orm, urls.databaseUrl);
    if (applied.length > 0) logger.info({ applied }, 'database migrations applied');
  } catch (error) {
    await bus.close();
    throw error;
  }
  return {
    bus,
    orm,
    chromaUrl: urls.chromaUrl,
    close: async () => {
      await bus.close();
      await orm.close();
    },
  };
}
