import { randomUUID } from 'node:crypto';
import type { QueryResult } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPlatform, withTenant, withUser } from '../src/index.ts';
import { openIdentityDatabase, sqlStateOf, type IdentityDatabase } from './support/identity-database.ts';
import { seedTwoTenants, type TwoTenants } from './support/two-tenants.seed.ts';

// Row-level security as the application meets it: every query below runs on the application's
// pool, connected as switchboard_app; only the seeding and the "what is really there" checks
// run as the superuser.
let db: IdentityDatabase;
let world: TwoTenants;
let tables: string[];
let tenantTables: string[];

/** The tables the seed fills; later migrations' tables are checked for what an empty table can show. */
const identityTables = ['api_keys', 'audit_log', 'invitations', 'memberships', 'refresh_sessions', 'tenants', 'user_tokens', 'users'];

const insufficientPrivilege = '42501';

beforeAll(async () => {
  db = await openIdentityDatabase('rls');
  world = await seedTwoTenants(db);
  const rows = await db.admin<{ name: string; has_tenant: boolean }>(`
    select c.relname as name,
           exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped) as has_tenant
    from pg_class c
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and c.relname <> 'mikro_orm_migrations'
    order by 1`);
  tables = rows.map((row) => row.name);
  tenantTables = rows.filter((row) => row.has_tenant).map((row) => row.name);
});

afterAll(async () => {
  await db?.close();
});

const count = async (em: EntityManager, table: string) => (await em.execute<Array<{ n: number }>>(`select count(*)::int as n from ${table}`))[0]?.n;
const adminCount = async (table: string, where = 'true', params: unknown[] = []) =>
  (await db.admin<{ n: number }>(`select count(*)::int as n from ${table} where ${where}`, params))[0]?.n;
const run = (em: EntityManager, sql: string, params: unknown[] = []) => em.execute<QueryResult>(sql, params, 'run');
const refusal = async (work: Promise<unknown>) => sqlStateOf(await work.then(() => undefined, (error: unknown) => error));

describe('row-level security, connected as the application role', () => {
  it('forces row-level security on every table, including each table with a tenant_id', async () => {
    expect(tenantTables).toEqual(expect.arrayContaining(['api_keys', 'audit_log', 'invitations', 'memberships', 'refresh_sessions']));
    const flags = await db.admin<{ name: string; enabled: boolean; forced: boolean; policies: number }>(`
      select c.relname as name, c.relrowsecurity as enabled, c.relforcerowsecurity as forced,
             (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
      from pg_class c where c.relname = any($1) and c.relnamespace = 'public'::regnamespace`, [tables]);
    const unprotected = flags.filter((table) => !table.enabled || !table.forced || table.policies === 0).map((table) => table.name);
    expect(unprotected).toEqual([]);
    expect(flags.map((table) => table.name).sort()).toEqual([...tables].sort());
  });

  it('shows a transaction that set no scope no row of any table', async () => {
    for (const table of tables) {
      if (identityTables.includes(table)) expect(await adminCount(table), `${table} is seeded`).toBeGreaterThan(0);
      expect(await count(db.orm.em.fork(), table), `${table} outside a transaction`).toBe(0);
      expect(await db.orm.em.fork().transactional((tx) => count(tx, table)), `${table} in a bare transaction`).toBe(0);
    }
  });

  it("shows tenant A's scope only tenant A's rows of every tenant-owned table", async () => {
    for (const table of tenantTables) {
      const seen = await withTenant(db.orm.em, world.tenantA, (em) => em.execute<Array<{ tenant_id: string | null }>>(`select tenant_id from ${table}`));
      if (identityTables.includes(table)) expect(seen.length, `${table} has rows of A`).toBeGreaterThan(0);
      expect(seen.filter((row) => row.tenant_id !== world.tenantA), table).toEqual([]);
    }
    const tenants = await withTenant(db.orm.em, world.tenantA, (em) => em.execute<Array<{ id: string }>>('select id from tenants'));
    expect(tenants.map((row) => row.id)).toEqual([world.tenantA]);
  });

  it("leaves tenant B's rows alone when tenant A's scope updates or deletes them", async () => {
    const writable = tenantTables.filter((table) => identityTables.includes(table) && table !== 'audit_log');
    for (const table of writable) {
      const before = await adminCount(table, 'tenant_id = $1', [world.tenantB]);
      const updated = await withTenant(db.orm.em, world.tenantA, (em) => run(em, `update ${table} set tenant_id = tenant_id where tenant_id = ?`, [world.tenantB]));
      const deleted = await withTenant(db.orm.em, world.tenantA, (em) => run(em, `delete from ${table} where tenant_id = ?`, [world.tenantB]));
      expect([updated.affectedRows, deleted.affectedRows], table).toEqual([0, 0]);
      expect(await adminCount(table, 'tenant_id = $1', [world.tenantB]), table).toBe(before);
    }
    const tenant = await withTenant(db.orm.em, world.tenantA, async (em) => [
      (await run(em, `update tenants set name = 'taken' where id = ?`, [world.tenantB])).affectedRows,
      (await run(em, 'delete from tenants where id = ?', [world.tenantB])).affectedRows,
      // Carol is a member of A, so A sees her row, but only she may change it.
      (await run(em, `update users set name = 'taken' where id = ?`, [world.carol])).affectedRows,
      (await run(em, 'delete from users where id = ?', [world.bob])).affectedRows,
    ]);
    expect(tenant).toEqual([0, 0, 0, 0]);
    expect(await adminCount('tenants', `id = $1 and name = 'Bolt'`, [world.tenantB])).toBe(1);
    expect(await adminCount('users', `name = 'taken'`)).toBe(0);
  });

  it("refuses rows written into tenant B from tenant A's scope", async () => {
    const { tenantA, tenantB, alice } = world;
    const inA = (sql: string, params: unknown[]) => refusal(withTenant(db.orm.em, tenantA, (em) => run(em, sql, params), { userId: alice }));
    const refusals = {
      tenants: await inA(`insert into tenants (id, name, slug) values (?, 'Evil', 'evil')`, [randomUUID()]),
      memberships: await inA(`insert into memberships (tenant_id, user_id, role) values (?, ?, 'owner')`, [tenantB, alice]),
      invitations: await inA(`insert into invitations (tenant_id, email, role, token_hash, invited_by, expires_at) values (?, 'x@b.test', 'owner', 'evil', ?, now())`, [tenantB, alice]),
      api_keys: await inA(`insert into api_keys (tenant_id, name, prefix, key_hash) values (?, 'evil', 'sb_e', 'evil')`, [tenantB]),
      audit_log: await inA(`insert into audit_log (tenant_id, action, trace_id) values (?, 'forged', 't')`, [tenantB]),
      refresh_sessions: await inA(`insert into refresh_sessions (family_id, user_id, tenant_id, token_hash, expires_at) values (gen_random_uuid(), ?, ?, 'evil', now())`, [alice, tenantB]),
      movedInvitation: await inA('update invitations set tenant_id = ? where tenant_id = ?', [tenantB, tenantA]),
      movedMembership: await inA('update memberships set tenant_id = ? where tenant_id = ?', [tenantB, tenantA]),
      movedTenant: await inA('update tenants set id = ? where id = ?', [randomUUID(), tenantA]),
    };
    expect(refusals).toEqual(Object.fromEntries(Object.keys(refusals).map((key) => [key, insufficientPrivilege])));
    expect(await adminCount('api_keys', `key_hash = 'evil'`)).toBe(0);
  });

  it('lets a user see their own row and their memberships in every tenant, with those tenants, and nothing else', async () => {
    const seen = await withUser(db.orm.em, world.carol, async (em) => ({
      users: (await em.execute<Array<{ id: string }>>('select id from users')).map((row) => row.id),
      memberships: (await em.execute<Array<{ tenant_id: string }>>('select tenant_id from memberships order by tenant_id')).map((row) => row.tenant_id),
      tenants: (await em.execute<Array<{ id: string }>>('select id from tenants order by id')).map((row) => row.id),
      invitations: await count(em, 'invitations'),
      apiKeys: await count(em, 'api_keys'),
      audit: await count(em, 'audit_log'),
      tokensOfOthers: await count(em, 'user_tokens'),
      sessionsOfOthers: await count(em, 'refresh_sessions'),
    }));
    expect(seen).toEqual({
      users: [world.carol],
      memberships: [world.tenantA, world.tenantB].sort(),
      tenants: [world.tenantA, world.tenantB].sort(),
      invitations: 0,
      apiKeys: 0,
      audit: 0,
      tokensOfOthers: 0,
      sessionsOfOthers: 0,
    });
    const own = await withUser(db.orm.em, world.alice, async (em) => [await count(em, 'user_tokens'), await count(em, 'refresh_sessions')]);
    expect(own).toEqual([1, 1]);
  });

  it("shows a tenant its members' users rows and no one else's", async () => {
    const ids = await withTenant(db.orm.em, world.tenantA, (em) => em.execute<Array<{ id: string }>>('select id from users'));
    expect(ids.map((row) => row.id).sort()).toEqual([world.alice, world.carol].sort());
  });

  it("keeps a session without a tenant to its user, out of every tenant's sight", async () => {
    const inTenant = await withTenant(db.orm.em, world.tenantA, (em) => em.execute<Array<{ token_hash: string }>>('select token_hash from refresh_sessions'));
    expect(inTenant.map((row) => row.token_hash)).toEqual(['refresh-a']);
    const own = await withUser(db.orm.em, world.root, (em) => em.execute<Array<{ token_hash: string }>>('select token_hash from refresh_sessions'));
    expect(own.map((row) => row.token_hash)).toEqual(['refresh-root']);
    const foreign = await refusal(withUser(db.orm.em, world.alice, (em) =>
      run(em, `insert into refresh_sessions (family_id, user_id, token_hash, expires_at) values (gen_random_uuid(), ?, 'stolen', now())`, [world.bob])));
    expect(foreign).toBe(insufficientPrivilege);
  });

  it('opens every row of every table to the platform scope', async () => {
    for (const table of tables) {
      expect(await withPlatform(db.orm.em, (em) => count(em, table)), table).toBe(await adminCount(table));
    }
  });

  it('lets only the platform scope suspend a tenant or create a super admin', async () => {
    const { tenantA, alice } = world;
    const suspend = `update tenants set status = 'suspended', suspended_at = now() where id = ?`;
    expect(await refusal(withTenant(db.orm.em, tenantA, (em) => run(em, suspend, [tenantA]), { userId: alice }))).toBe(insufficientPrivilege);
    expect(await refusal(withUser(db.orm.em, alice, (em) => run(em, 'update users set is_super_admin = true where id = ?', [alice])))).toBe(insufficientPrivilege);
    const newcomer = randomUUID();
    expect(await refusal(withUser(db.orm.em, newcomer, (em) =>
      run(em, `insert into users (id, email, name, password_hash, is_super_admin) values (?, 'mallory@m.test', 'Mallory', 'h', true)`, [newcomer])))).toBe(insufficientPrivilege);
    expect(await refusal(withUser(db.orm.em, alice, (em) =>
      run(em, `insert into users (id, email, name, password_hash) values (?, 'mallory@m.test', 'Mallory', 'h')`, [newcomer])))).toBe(insufficientPrivilege);

    expect((await withPlatform(db.orm.em, (em) => run(em, suspend, [tenantA]))).affectedRows).toBe(1);
    expect(await adminCount('tenants', `id = $1 and status = 'suspended'`, [tenantA])).toBe(1);
    await withPlatform(db.orm.em, (em) => run(em, `update tenants set status = 'active', suspended_at = null where id = ?`, [tenantA]));
    // The tenant's own scope may still change what is its to change.
    expect((await withTenant(db.orm.em, tenantA, (em) => run(em, 'update tenants set require_mfa = true where id = ?', [tenantA]))).affectedRows).toBe(1);
  });

  it('keeps the audit log append-only for the application, even in the platform scope', async () => {
    const { tenantA, alice } = world;
    await withTenant(db.orm.em, tenantA, (em) => run(em, `insert into audit_log (tenant_id, actor_user_id, action, trace_id) values (?, ?, 'team.invited', 't1')`, [tenantA, alice]));
    const attempts = {
      update: await refusal(withTenant(db.orm.em, tenantA, (em) => run(em, `update audit_log set action = 'nothing happened'`))),
      delete: await refusal(withTenant(db.orm.em, tenantA, (em) => run(em, 'delete from audit_log'))),
      platformUpdate: await refusal(withPlatform(db.orm.em, (em) => run(em, `update audit_log set action = 'nothing happened'`))),
      platformDelete: await refusal(withPlatform(db.orm.em, (em) => run(em, 'delete from audit_log'))),
      truncate: await refusal(withPlatform(db.orm.em, (em) => run(em, 'truncate audit_log'))),
    };
    expect(attempts).toEqual({ update: insufficientPrivilege, delete: insufficientPrivilege, platformUpdate: insufficientPrivilege, platformDelete: insufficientPrivilege, truncate: insufficientPrivilege });
    expect(await adminCount('audit_log', `action = 'nothing happened'`)).toBe(0);
    expect(await adminCount('audit_log', `trace_id = 't1'`)).toBe(1);
  });

  it('accepts an audit entry without a tenant from any scope, and shows it only to the platform', async () => {
    await run(db.orm.em.fork(), `insert into audit_log (action, trace_id) values ('auth.login_failed', 'no-scope')`);
    expect(await adminCount('audit_log', `trace_id = 'no-scope'`)).toBe(1);
    const inA = await withTenant(db.orm.em, world.tenantA, (em) => em.execute<Array<{ trace_id: string }>>(`select trace_id from audit_log where tenant_id is null`));
    expect(inA).toEqual([]);
    const platform = await withPlatform(db.orm.em, (em) => em.execute<Array<{ trace_id: string }>>(`select trace_id from audit_log where trace_id = 'no-scope'`));
    expect(platform).toHaveLength(1);
  });
});
