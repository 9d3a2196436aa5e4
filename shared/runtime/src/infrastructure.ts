import { connectBus, type Bus } from '@switchboard/bus';
import type { AppConfig } from '@switchboard/config';
import { openDatabase, type Orm } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import { deriveKeys } from '@switchboard/security';
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
  /** The owner role: migrations run as it. */
  databaseUrl: string;
  chromaUrl: string;
  /** The application role; when absent, `switchboard_app` with a password derived from `secretKey`. */
  databaseAppUrl?: string | undefined;
  secretKey: string;
}

const variableNames = { natsUrl: 'NATS_URL', databaseUrl: 'DATABASE_URL', chromaUrl: 'CHROMA_URL', secretKey: 'SECRET_KEY' } as const;

/**
 * Resolves the services and secret of a role started on its own; each must be given (every
 * role of one installation shares the one `SECRET_KEY`).
 */
export function requireServiceUrls(config: AppConfig): InfrastructureUrls {
  const { natsUrl, databaseUrl, chromaUrl, secretKey, databaseAppUrl } = config;
  if (natsUrl === undefined || databaseUrl === undefined || chromaUrl === undefined || secretKey === undefined) {
    const missing = (['natsUrl', 'databaseUrl', 'chromaUrl', 'secretKey'] as const).filter((key) => config[key] === undefined);
    const names = missing.map((key) => variableNames[key]);
    throw new AppError('SB_ERR_CONFIG_INVALID', {
      message: `The environment is not valid:\n${names.map((name) => `  ${name}: is required when a role starts on its own (npm start runs embedded services instead)`).join('\n')}`,
      issues: names.map((name) => ({ path: name, message: 'is required' })),
    });
  }
  return { natsUrl, databaseUrl, chromaUrl, secretKey, databaseAppUrl };
}

/**
 * Connects to NATS (provisioning streams) and PostgreSQL: migrations run as the `DATABASE_URL`
 * role, then the pool connects as the application role (`DATABASE_APP_URL`, or `switchboard_app`
 * with its password derived from `SECRET_KEY`), which row-level security confines. Closing drains
 * the bus before the pool closes, so in-flight work can still write.
 */
export async function openInfrastructure(urls: InfrastructureUrls, logger: Logger, name: string): Promise<Infrastructure> {
  const bus = await connectBus({ servers: urls.natsUrl, name, logger: logger.child({ component: 'bus' }) });
  let orm: Orm;
  try {
    const database = await openDatabase({
      databaseUrl: urls.databaseUrl,
      databaseAppUrl: urls.databaseAppUrl,
      appRolePassword: urls.databaseAppUrl === undefined ? deriveKeys(urls.secretKey).databaseAppPassword : undefined,
      logger,
    });
    orm = database.orm;
    const { applied } = database;
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
