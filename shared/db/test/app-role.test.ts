import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { databaseUrl, dropDatabase } from '@switchboard/dev';
import { testLogger } from '@switchboard/testing';
import {
  appDatabaseUrl, createOrm, ensureAppRolePassword, findSignInUser, Membership, migrate, migrations, openDatabase, Tenant, User, withTenant, withUser,
} from '../src/index.ts';
import { scramSha256Verifier } from '../src/scram-verifier.ts';
import { openIdentityDatabase, sqlStateOf, testAppRolePassword, type IdentityDatabase } from './support/identity-database.ts';

const adminUrl = inject('databaseUrl');
let db: IdentityDatabase;

beforeAll(async () => {
  db = await openIdentityDatabase('approle');
});

afterAll(async () => {
  await db?.close();
});

async function asAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const refusal = async (work: Promise<unknown>) => sqlStateOf(await work.then(() => undefined, (error: unknown) => error));

describe('the application role', () => {
  it('is what the pool connects as: no superuser, no BYPASSRLS, no role or database creation', async () => {
    const [facts] = await db.orm.em.fork().execute<Array<Record<string, unknown>>>(`
      select current_user as role, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication
      from pg_roles where rolname = current_user`);
    expect(facts).toEqual({ role: 'switchboard_app', rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false, rolreplication: false });
  });

  it('owns no table, function, type or schema, and cannot create one', async () => {
    const owned = await db.admin<{ n: number }>(`
      select (select count(*) from pg_class where relowner = r.oid)
           + (select count(*) from pg_proc where proowner = r.oid)
           + (select count(*) from pg_type where typowner = r.oid)
           + (select count(*) from pg_namespace where nspowner = r.oid) as n
      from pg_roles r where r.rolname = 'switchboard_app'`);
    expect(Number(owned[0]?.n)).toBe(0);
    expect(await refusal(db.orm.em.fork().execute('create table public.mine (id int)'))).toBe('42501');
    expect(await refusal(db.orm.em.fork().execute('create function public.mine() returns int language sql as $$ select 1 $$'))).toBe('42501');
  });

  it('cannot switch row-level security off, loosen a policy or take a table over', async () => {
    const em = () => db.orm.em.fork();
    const attempts = {
      disable: await refusal(em().execute('alter table memberships disable row level security')),
      unforce: await refusal(em().execute('alter table tenants no force row level security')),
      dropPolicy: await refusal(em().execute('drop policy memberships_select on memberships')),
      addPolicy: await refusal(em().execute('create policy everything on api_keys using (true)')),
      takeOver: await refusal(em().execute('alter table users owner to switchboard_app')),
      becomeOwner: await refusal(em().execute('set role postgres')),
      redefineLookup: await refusal(em().execute(`create or replace function auth_user_by_email(p_email text) returns setof users language sql as $$ select * from users $$`)),
    };
    expect(attempts).toEqual({ disable: '42501', unforce: '42501', dropPolicy: '42501', addPolicy: '42501', takeOver: '42501', becomeOwner: '42501', redefineLookup: '42501' });
  });

  it('gets an error, not the rows, when it turns row_security off', async () => {
    await db.admin(`insert into tenants (name, slug) values ('Hidden', 'hidden')`);
    const outcome = await db.orm.em.fork().transactional(async (tx) => {
      await tx.execute(`set local row_security = off`);
      return tx.execute<Array<{ n: number }>>('select count(*)::int as n from tenants').then((rows) => rows[0]?.n, (error: unknown) => sqlStateOf(error));
    });
    expect(outcome).toBe('42501');
  });

  it('has its password set once: migrating again applies nothing and leaves the role alone', async () => {
    const owner = await createOrm({ databaseUrl: db.ownerUrl, logger: testLogger(), poolMax: 1 });
    try {
      expect(await migrate(owner, db.ownerUrl, { appRolePassword: testAppRolePassword })).toEqual([]);
    } finally {
      await owner.close();
    }
    expect(await ensureAppRolePassword(db.ownerUrl, testAppRolePassword)).toBe(false);
    const again = await openDatabase({ databaseUrl: db.ownerUrl, appRolePassword: testAppRolePassword, logger: testLogger() });
    try {
      expect(again.applied).toEqual([]);
      expect(await again.orm.em.fork().execute('select current_user as role')).toEqual([{ role: 'switchboard_app' }]);
    } finally {
      await again.orm.close();
    }
  });

  it('stores a SCRAM verifier PostgreSQL signs the password in with, and refuses another password', async () => {
    const role = `sb_scram_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const password = 'a password with spaces and ünïcode';
    await db.admin(`create role ${role} login password '${scramSha256Verifier(password)}'`);
    try {
      const url = new URL(db.ownerUrl);
      url.username = role;
      url.password = encodeURIComponent(password);
      expect(await asAdmin(url.toString(), async (client) => (await client.query('select current_user as role')).rows)).toEqual([{ role }]);
      url.password = 'wrong';
      expect(await refusal(asAdmin(url.toString(), async () => undefined))).toBe('28P01');
    } finally {
      await db.admin(`drop role ${role}`);
    }
  });

  it('puts the role and password into the owner URL, keeping host, port, database and options', () => {
    expect(appDatabaseUrl('postgres://owner:secret@db.example:6543/switchboard?sslmode=require', 'p/ss:w@rd'))
      .toBe('postgres://switchboard_app:p%2Fss%3Aw%40rd@db.example:6543/switchboard?sslmode=require');
  });

  it('refuses an application URL whose role would not be held by row-level security', async () => {
    await expect(openDatabase({ databaseUrl: db.ownerUrl, databaseAppUrl: db.ownerUrl, logger: testLogger() }))
      .rejects.toMatchObject({ code: 'SB_ERR_CONFIG_INVALID', message: expect.stringMatching(/DATABASE_APP_URL.*superuser/) });
  });
});

describe('an owner that is not a superuser', () => {
  const suffix = randomUUID().replaceAll('-', '').slice(0, 12);
  const ownerRole = `sb_owner_${suffix}`;
  const name = `sb_owned_${suffix}`;
  const ownerPassword = randomUUID();
  let ownerUrl: string;

  beforeAll(async () => {
    await asAdmin(adminUrl, async (client) => {
      await client.query(`create role ${ownerRole} login password '${scramSha256Verifier(ownerPassword)}'`);
      await client.query(`create database ${name} owner ${ownerRole}`);
    });
    const url = new URL(databaseUrl(adminUrl, name));
    url.username = ownerRole;
    url.password = ownerPassword;
    ownerUrl = url.toString();
  });

  afterAll(async () => {
    await dropDatabase(adminUrl, name);
    await asAdmin(adminUrl, (client) => client.query(`drop role if exists ${ownerRole}`));
  });

  it('migrates, is itself held by the forced policies, and its lookups still answer', async () => {
    // switchboard_app already exists (another database made it) and belongs to the superuser,
    // so this owner connects the application with DATABASE_APP_URL and leaves the password be.
    const { orm, applied } = await openDatabase({ databaseUrl: ownerUrl, databaseAppUrl: appDatabaseUrl(ownerUrl, testAppRolePassword), logger: testLogger() });
    try {
      expect(applied).toEqual(migrations.map((migration) => migration.name));
      const tenantId = randomUUID();
      const userId = randomUUID();
      await withTenant(orm.em, tenantId, async (em) => {
        const tenant = em.create(Tenant, { id: tenantId, name: 'Owned', slug: 'owned' });
        const user = em.create(User, { id: userId, email: 'dana@owned.test', name: 'Dana', passwordHash: 'h' });
        em.create(Membership, { tenant, user, role: 'owner' });
        await em.flush();
      }, { userId });

      expect(await findSignInUser(orm.em.fork(), 'dana@owned.test')).toMatchObject({ id: userId });
      const ownerSees = await asAdmin(ownerUrl, async (client) => (await client.query<{ n: number }>('select count(*)::int as n from users')).rows[0]?.n);
      expect(ownerSees).toBe(0);
      expect(await withUser(orm.em, userId, (em) => em.count(Membership, {}))).toBe(1);
    } finally {
      await orm.close();
    }
  });
});
