import pg from 'pg';
import { scramSha256Verifier } from './scram-verifier.ts';

/**
 * The PostgreSQL role the application runs as. It owns no table and has neither SUPERUSER nor
 * BYPASSRLS, so every row it reads or writes passes the row-level-security policies. Migrations
 * create it when missing and grant it exactly what the application needs; the tables belong to
 * the role of `DATABASE_URL`. A `DATABASE_APP_URL` may name this role or a role that is a member
 * of it (`GRANT switchboard_app TO …`).
 */
export const appRoleName = 'switchboard_app';

/** `ownerUrl` (the `DATABASE_URL`) with its user and password replaced by the application role's. */
export function appDatabaseUrl(ownerUrl: string, password: string): string {
  const url = new URL(ownerUrl);
  url.username = appRoleName;
  url.password = encodeURIComponent(password);
  return url.toString();
}

const invalidPassword = '28P01';
const invalidAuthorization = '28000';
const concurrentCatalogUpdate = 'XX000';

function sqlState(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

async function canSignIn(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return true;
  } catch (error) {
    const code = sqlState(error);
    if (code === invalidPassword || code === invalidAuthorization) return false;
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Makes `password` the application role's, connected as the owner (`ownerUrl`). Repeatable: when
 * the role already signs in with it nothing is written, so processes that start together do not
 * fight over the role's catalog row (and a lost race is retried). Sends a SCRAM verifier, never
 * the password. Returns whether it changed the password.
 */
export async function ensureAppRolePassword(ownerUrl: string, password: string): Promise<boolean> {
  if (await canSignIn(appDatabaseUrl(ownerUrl, password))) return false;
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await client.query(`alter role ${appRoleName} password ${client.escapeLiteral(scramSha256Verifier(password))}`);
        return true;
      } catch (error) {
        // "tuple concurrently updated": another process set it at the same moment.
        if (sqlState(error) !== concurrentCatalogUpdate || attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  } finally {
    await client.end();
  }
}
