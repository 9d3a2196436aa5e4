import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabase, dropDatabase } from '@switchboard/dev';
import { deriveKeys } from '@switchboard/security';
import { testLogger, testSecretKey } from '@switchboard/testing';
import { openDatabase, type Orm } from '../../src/index.ts';

export { testSecretKey };
export const testAppRolePassword = deriveKeys(testSecretKey).databaseAppPassword;

export interface IdentityDatabase {
  /** The owner's (here: the superuser's) URL of this file's database. */
  ownerUrl: string;
  /** The application's pool, connected as `switchboard_app`. */
  orm: Orm;
  /** Runs SQL as the superuser, past row-level security (seeding, checking what is really there). */
  admin<Row extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

/** A fresh database for one test file, migrated, with the application's pool open on it. */
export async function openIdentityDatabase(prefix: string): Promise<IdentityDatabase> {
  const adminUrl = inject('databaseUrl');
  const name = `sb_${prefix}_${randomUUID().replaceAll('-', '')}`;
  const ownerUrl = await createDatabase(adminUrl, name);
  const { orm } = await openDatabase({ databaseUrl: ownerUrl, appRolePassword: testAppRolePassword, logger: testLogger() });
  const admin = new pg.Client({ connectionString: ownerUrl });
  await admin.connect();
  return {
    ownerUrl,
    orm,
    admin: async <Row extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => (await admin.query<Row>(sql, params)).rows,
    close: async () => {
      await admin.end();
      await orm.close();
      await dropDatabase(adminUrl, name);
    },
  };
}

/** The PostgreSQL error code of a failed query (`42501` insufficient privilege, …). */
export function sqlStateOf(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    if ('code' in current && typeof current.code === 'string' && /^[0-9A-Z]{5}$/.test(current.code)) return current.code;
    current = 'cause' in current ? current.cause : undefined;
  }
  return undefined;
}
