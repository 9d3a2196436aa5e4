import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase, dropDatabase } from '@switchboard/dev';
import { testLogger } from '@switchboard/testing';
import { createOrm, isDatabaseHealthy, migrate, migrations, withPlatform, withTenant, withUser, type Orm } from '../src/index.ts';

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
type Settings = { tenant: string | null; user: string | null; platform: boolean };
const settingsQuery = 'select app_current_tenant() as tenant, app_current_user() as "user", app_is_platform() as platform';

describe('database and transaction scopes on a real PostgreSQL', () => {
  it('applies the migrations once, even when several processes start together', async () => {
    const second = await createOrm({ databaseUrl: url, logger: testLogger() });
    try {
      const [first, other] = await Promise.all([migrate(orm, url), migrate(second, url)]);
      expect([...first, ...other]).toEqual(migrations.map((migration) => migration.name));
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

  it('sets exactly the settings of each scope, and clears the others', async () => {
    const tenantId = randomUUID();
    const userId = randomUUID();
    const settings = (em: EntityManager) => em.execute<Settings[]>(settingsQuery).then((rows) => rows[0]);
    expect(await withTenant(orm.em, tenantId, settings)).toEqual({ tenant: tenantId, user: null, platform: false });
    expect(await withTenant(orm.em, tenantId, settings, { userId })).toEqual({ tenant: tenantId, user: userId, platform: false });
    expect(await withUser(orm.em, userId, settings)).toEqual({ tenant: null, user: userId, platform: false });
    expect(await withPlatform(orm.em, settings)).toEqual({ tenant: null, user: null, platform: true });
    expect(await settings(orm.em.fork())).toEqual({ tenant: null, user: null, platform: false });
  });

  it('runs a scope opened inside another in its own transaction, inheriting nothing', async () => {
    const tenantId = randomUUID();
    const userId = randomUUID();
    const settings = (em: EntityManager) => em.execute<Settings[]>(settingsQuery).then((rows) => rows[0]);
    const seen = await withPlatform(orm.em, async (outer) => {
      const inner = await withTenant(outer, tenantId, settings, { userId });
      const innermost = await withUser(outer, userId, settings);
      return { inner, innermost, outer: await settings(outer) };
    });
    expect(seen).toEqual({
      inner: { tenant: tenantId, user: userId, platform: false },
      innermost: { tenant: null, user: userId, platform: false },
      outer: { tenant: null, user: null, platform: true },
    });
  });

  it('refuses a user id that is not a UUID before touching the database', async () => {
    await expect(withUser(orm.em, 'me', async () => 1)).rejects.toThrow(/needs a user UUID/);
    await expect(withTenant(orm.em, randomUUID(), async () => 1, { userId: "'; reset all; --" })).rejects.toThrow(/needs a user UUID/);
  });

  it('reports the database healthy while it answers', async () => {
    expect(await isDatabaseHealthy(orm)).toBe(true);
  });
});
