import pg from 'pg';

export type PgClient = pg.Client;

/**
 * Connects a `pg` client to `connectionString`, runs `work` with it and closes it, whether or
 * not `work` succeeds.
 */
export async function withPgClient<T>(connectionString: string, work: (client: PgClient) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  // A server-side disconnect is emitted as an event; without a listener it would crash us.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
