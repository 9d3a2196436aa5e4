import { AppError } from '@switchboard/errors';
import type { Logger } from 'pino';
import { appDatabaseUrl } from './app-role.ts';
import { createOrm, migrate, type Orm } from './orm.ts';

export interface OpenDatabaseOptions {
  /** The owner role's URL (`DATABASE_URL`): runs the migrations, owns the tables. */
  databaseUrl: string;
  /** The application role's URL (`DATABASE_APP_URL`); role passwords are then left alone. */
  databaseAppUrl?: string | undefined;
  /** Without `databaseAppUrl`: the password to give `switchboard_app` (derived from `SECRET_KEY`). */
  appRolePassword?: string | undefined;
  logger: Logger;
  poolMax?: number;
}

export interface OpenedDatabase {
  /** The application's pool, connected as the application role. */
  orm: Orm;
  /** Names of the migrations this call applied. */
  applied: string[];
}

/**
 * Brings the database up to date as the owner, then opens the application's pool as the
 * application role and checks that row-level security binds it: a role that is a superuser, has
 * BYPASSRLS, or owns (or may become the owner of) a table is refused, since the policies would
 * not hold it.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<OpenedDatabase> {
  const { databaseUrl, databaseAppUrl, appRolePassword, logger } = options;
  if (databaseAppUrl === undefined && appRolePassword === undefined) {
    throw new TypeError('openDatabase needs databaseAppUrl or appRolePassword');
  }
  const owner = await createOrm({ databaseUrl, logger, poolMax: 1 });
  let applied: string[];
  try {
    applied = await migrate(owner, databaseUrl, databaseAppUrl === undefined ? { appRolePassword } : {});
  } finally {
    await owner.close();
  }
  const orm = await createOrm({
    databaseUrl: databaseAppUrl ?? appDatabaseUrl(databaseUrl, appRolePassword ?? ''),
    logger,
    ...(options.poolMax === undefined ? {} : { poolMax: options.poolMax }),
  });
  try {
    await assertConfinedByRowSecurity(orm);
  } catch (error) {
    await orm.close();
    throw error;
  }
  return { orm, applied };
}

interface RoleFacts {
  role: string;
  superuser: boolean;
  bypassrls: boolean;
  table_owner: string | null;
}

async function assertConfinedByRowSecurity(orm: Orm): Promise<void> {
  const [facts] = await orm.em.fork().execute<RoleFacts[]>(`
    select r.rolname as role, r.rolsuper as superuser, r.rolbypassrls as bypassrls,
           (select t.tableowner from pg_tables t
             where t.schemaname = 'public' and pg_has_role(current_user, t.tableowner, 'MEMBER') limit 1) as table_owner
    from pg_roles r where r.rolname = current_user`);
  const problem = facts === undefined ? 'is unknown'
    : facts.superuser ? 'is a superuser'
    : facts.bypassrls ? 'has BYPASSRLS'
    : facts.table_owner !== null ? `owns the tables (or is a member of their owner "${facts.table_owner}")`
    : undefined;
  if (problem !== undefined) {
    throw new AppError('SB_ERR_CONFIG_INVALID', {
      message: `The environment is not valid:\n  DATABASE_APP_URL: its role "${facts?.role ?? '?'}" ${problem}, so row-level security would not confine it; use a role like switchboard_app (no table ownership, no BYPASSRLS)`,
      issues: [{ path: 'DATABASE_APP_URL', message: `its role ${problem}` }],
    });
  }
}
