import type { EntitySchema, MigrationObject } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Logger } from 'pino';
import { ensureAppRolePassword } from './app-role.ts';
import { coreEntities } from './entities/core-entities.ts';
import { migrations as coreMigrations } from './migrations/index.ts';

export type Orm = MikroORM;

export interface OrmOptions {
  databaseUrl: string;
  logger: Logger;
  /** Replaces Switchboard's entities (all of them by default). */
  entities?: EntitySchema[];
  /** Extra migrations after the core ones (tests use this). */
  migrations?: MigrationObject[];
  /** Connections in the pool (default 10). */
  poolMax?: number;
}

/**
 * Opens a PostgreSQL connection pool with Switchboard's entities and migrations, as whichever
 * role `databaseUrl` names. The application's pool should be the application role's: see
 * `openDatabase`, which migrates as the owner and then connects as `switchboard_app`.
 */
export async function createOrm(options: OrmOptions): Promise<Orm> {
  return MikroORM.init({
    clientUrl: options.databaseUrl,
    entities: options.entities ?? coreEntities,
    discovery: { warnWhenNoEntities: false },
    extensions: [Migrator],
    migrations: {
      migrationsList: [...coreMigrations, ...(options.migrations ?? [])],
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    pool: { min: 0, max: options.poolMax ?? 10 },
    allowGlobalContext: false,
    debug: false,
  });
}

// Any constant works; it only has to be the same for every Switchboard process.
const migrationLockKey = 0x5b_0001;

export interface MigrateOptions {
  /**
   * Set afterwards as the password of `switchboard_app` (created by the migrations), unless it
   * already is. Leave out when the application connects with its own `DATABASE_APP_URL`.
   */
  appRolePassword?: string | undefined;
}

/**
 * Applies pending migrations, as the owner role of `databaseUrl` (`orm` must be connected as
 * it too). Several processes may start at once (hub, runner, connector on separate machines): a
 * PostgreSQL advisory lock lets exactly one migrate while the others wait, then find nothing
 * left to do. Returns the names of the migrations it applied.
 */
export async function migrate(orm: Orm, databaseUrl: string, options: MigrateOptions = {}): Promise<string[]> {
  const lock = new pg.Client({ connectionString: databaseUrl });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [migrationLockKey]);
    const applied = await orm.migrator.up();
    if (options.appRolePassword !== undefined) await ensureAppRolePassword(databaseUrl, options.appRolePassword);
    return applied.map((migration) => migration.name);
  } finally {
    await lock.query('select pg_advisory_unlock($1)', [migrationLockKey]).catch(() => undefined);
    await lock.end();
  }
}

/** True when the database answers `select 1` within `timeoutMs`. */
export async function isDatabaseHealthy(orm: Orm, timeoutMs = 1_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      orm.em.fork().execute('select 1').then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
