import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase, dropDatabase } from '@switchboard/dev';
import { testLogger } from '@switchboard/testing';
import { createOrm, isDatabaseHealthy, migrate, withTenant, type Orm } from '../src/index.ts';

const adminUrl = inject('databaseUrl');
const name = `sb_db_${randomUUID().replaceAll('-', '')}`;
let url: string;
let orm: Orm;

beforeAll(async () => {
  url = await createDatabase(adminUrl, name);
  orm = await createOrm({ databaseUrl: url, logger: testLogger() });
});

afterAll(async () => {
  await orm?.close();
  await dropDatabase(adminUrl, name);
});

type Row = { tenant: string | null };

describe('database on a real PostgreSQL', () => {
  it('applies the migrations once, even when several processes start together', async () => {
    const second = await createOrm({ databaseUrl: url, logger: testLogger() });
    try {
      const [first, other] = await Promise.all([migrate(orm, url), migrate(second, url)]);
      expect([...first, ...other]).toEqual(['0001-tenant-context', '0002-identity']);
      expect(await migrate(orm, url)).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it('sets the tenant for exactly the transaction it scopes', async () => {
    const tenantId = randomUUID();
    const inside = await withTenant(orm.em, tenantId, (em) => em.execute<Row[]>('select app_current_tenant() as tenant'));
    expect(inside[0]?.tenant).toBe(tenantId);
    // The pool has one connection in play here; the setting must not outlive the transaction.
    const outside = await orm.em.fork().execute<Row[]>('select app_current_tenant() as tenant');
    expect(outside[0]?.tenant).toBeNull();
  });

  it('keeps concurrent tenants apart on a shared pool', async () => {
    const tenants = Array.from({ length: 12 }, () => randomUUID());
    const seen = await Promise.all(tenants.map((tenantId) =>
      withTenant(orm.em, tenantId, async (em) => {
        await em.execute('select pg_sleep(0.01)');
        const rows = await em.execute<Row[]>('select app_current_tenant() as tenant');
        return rows[0]?.tenant;
      })));
    expect(seen).toEqual(tenants);
  });

  it('rolls the tenant setting back with a failed transaction', async () => {
    await expect(withTenant(orm.em, randomUUID(), async (em) => {
      await em.execute('select 1');
      throw new Error('work failed');
    })).rejects.toThrow('work failed');
    const rows = await orm.em.fork().execute<Row[]>('select app_current_tenant() as tenant');
    expect(rows[0]?.tenant).toBeNull();
  });

  it('refuses a tenant id that is not a UUID before touching the database', async () => {
    await expect(withTenant(orm.em, "x'; drop table users; --", async () => 1)).rejects.toThrow(/needs a tenant UUID/);
  });

  it('reports the database healthy while it answers', async () => {
    expect(await isDatabaseHealthy(orm)).toBe(true);
  });
});
