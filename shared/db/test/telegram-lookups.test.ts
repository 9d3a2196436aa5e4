import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPlatform } from '../src/index.ts';
import { openIdentityDatabase, sqlStateOf, type IdentityDatabase } from './support/identity-database.ts';

// Migration 0008's lookups, as the application role meets them: the connector role reads every
// workspace's Telegram channels, the webhook route one channel, neither with a scope of its own.
let db: IdentityDatabase;
const active = randomUUID();
const suspended = randomUUID();
const bots: Record<string, string> = {};

beforeAll(async () => {
  db = await openIdentityDatabase('tglookup');
  await db.admin(`insert into tenants (id, name, slug) values ($1, 'Atlas', 'atlas-tg'), ($2, 'Bolt', 'bolt-tg')`, [active, suspended]);
  await withPlatform(db.orm.em, (tx) => tx.execute(`update tenants set status = 'suspended', suspended_at = now() where id = ?`, [suspended]));
  for (const [tenantId, mode] of [[active, 'polling'], [active, 'webhook'], [suspended, 'polling']] as const) {
    const [row] = await db.admin<{ id: string }>(
      `insert into channels (tenant_id, type, name, settings, credentials_sealed) values ($1, 'telegram', $2, $3, 'v1.sealed') returning id`,
      [tenantId, `${mode} bot`, JSON.stringify({ mode, allowGroups: false, account: '@bot' })],
    );
    bots[`${tenantId}:${mode}`] = row?.id ?? '';
  }
});

afterAll(async () => {
  await db?.close();
});

describe('Telegram channel lookups', () => {
  it("answers the connector every active workspace's Telegram channels with their sealed token, and leaves no scope open", async () => {
    const rows = await db.orm.em.fork().execute<Array<{ id: string; tenant_id: string; credentials_sealed: string }>>('select * from telegram_channels()');
    const ours = rows.filter((row) => Object.values(bots).includes(row.id));
    expect(ours.map((row) => row.id).sort()).toEqual([bots[`${active}:polling`], bots[`${active}:webhook`]].sort());
    expect(ours.every((row) => row.credentials_sealed === 'v1.sealed')).toBe(true);
    expect(await db.orm.em.fork().transactional(async (em) => {
      await em.execute('select * from telegram_channels()');
      return em.execute('select id from channels');
    })).toEqual([]);
  });

  it('answers the webhook route one channel with its tenant and settings, and never the token', async () => {
    const [row] = await db.orm.em.fork().execute<Array<Record<string, unknown>>>('select * from telegram_webhook_channel(?)', [bots[`${active}:webhook`]]);
    expect(row).toMatchObject({ id: bots[`${active}:webhook`], tenant_id: active, tenant_status: 'active' });
    expect(Object.keys(row ?? {})).not.toContain('credentials_sealed');
    expect(await db.orm.em.fork().execute('select * from telegram_webhook_channel(?)', [randomUUID()])).toEqual([]);
  });

  it('answers neither lookup a removed channel (migration 0012), and refuses a removal without its time', async () => {
    const [row] = await db.admin<{ id: string }>(
      `insert into channels (tenant_id, type, name, settings, credentials_sealed) values ($1, 'telegram', 'removed bot', '{"mode": "webhook"}', 'v1.sealed') returning id`,
      [active],
    );
    const id = row?.id ?? '';
    expect((await db.orm.em.fork().execute<Array<{ id: string }>>('select * from telegram_channels()')).map((channel) => channel.id)).toContain(id);
    await db.admin(`update channels set status = 'removed', removed_at = now() where id = $1`, [id]);
    expect((await db.orm.em.fork().execute<Array<{ id: string }>>('select * from telegram_channels()')).map((channel) => channel.id)).not.toContain(id);
    expect(await db.orm.em.fork().execute('select * from telegram_webhook_channel(?)', [id])).toEqual([]);
    // 23514: check_violation. A removed channel has its time; a live one has none.
    expect(sqlStateOf(await db.admin(`update channels set status = 'active' where id = $1`, [id]).catch((error: unknown) => error))).toBe('23514');
    expect(sqlStateOf(await db.admin(`update channels set status = 'removed' where id = $1`, [bots[`${active}:polling`]]).catch((error: unknown) => error))).toBe('23514');
  });
});
