import { withPgClient } from './pg-client.ts';

/**
 * Creates database `name` on the server of `adminUrl` (any database of a role allowed to
 * create databases) and returns the URL of the new database. Fails if it already exists.
 */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  await withPgClient(adminUrl, (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
  return databaseUrl(adminUrl, name);
}

/**
 * Drops database `name` if it exists, disconnecting its sessions first (`WITH (FORCE)`), so a
 * test's leftover connection pool cannot block it.
 */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withPgClient(adminUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`),
  );
}

/** `url` with its database (path) replaced by `name`. */
export function databaseUrl(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(name)}`;
  return parsed.toString();
}
