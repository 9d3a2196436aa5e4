import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findApiKey, findInvitation, findRefreshSession, findSignInUser, findUserToken, withPlatform, withTenant } from '../src/index.ts';
import { openIdentityDatabase, type IdentityDatabase } from './support/identity-database.ts';
import { seedTwoTenants, type TwoTenants } from './support/two-tenants.seed.ts';

// The SECURITY DEFINER lookups, called as the application role with no scope set: the one
// thing unauthenticated code may read, one row at a time.
let db: IdentityDatabase;
let world: TwoTenants;

beforeAll(async () => {
  db = await openIdentityDatabase('lookups');
  world = await seedTwoTenants(db);
});

afterAll(async () => {
  await db?.close();
});

const em = () => db.orm.em.fork();

describe('pre-authentication lookups', () => {
  it('finds the user of an email in any case, with the sign-in columns only', async () => {
    const raw = await em().execute<Array<Record<string, unknown>>>('select * from auth_user_by_email(?)', ['  Alice@A.TEST ']);
    expect(raw).toHaveLength(1);
    expect(Object.keys(raw[0] ?? {}).sort()).toEqual(['email', 'email_verified_at', 'id', 'is_super_admin', 'mfa_enabled', 'name', 'password_hash']);
    expect(await findSignInUser(em(), 'alice@a.test')).toEqual({
      id: world.alice, email: 'alice@a.test', name: 'Alice', passwordHash: 'hash-a', emailVerifiedAt: null, isSuperAdmin: false, mfaEnabled: false,
    });
    expect(await findSignInUser(em(), 'root@platform.test')).toMatchObject({ id: world.root, isSuperAdmin: true });
  });

  it('answers nothing for an unknown email, a pattern or an injection attempt', async () => {
    for (const email of ['nobody@a.test', '%', '_lice@a.test', `' or true --`, '']) {
      expect(await findSignInUser(em(), email), email).toBeUndefined();
    }
  });

  it('resolves a refresh token hash to its own session, rotated or not', async () => {
    const session = await findRefreshSession(em(), 'refresh-a');
    expect(session).toMatchObject({ userId: world.alice, tenantId: world.tenantA, rotatedAt: null, revokedAt: null, impersonatorUserId: null });
    expect(session?.expiresAt).toBeInstanceOf(Date);
    await db.admin(`update refresh_sessions set rotated_at = now() where token_hash = 'refresh-b'`);
    expect(await findRefreshSession(em(), 'refresh-b')).toMatchObject({ userId: world.bob, tenantId: world.tenantB, rotatedAt: expect.any(Date) });
    expect(await findRefreshSession(em(), 'refresh-root')).toMatchObject({ userId: world.root, tenantId: null });
    expect(await findRefreshSession(em(), 'refresh-')).toBeUndefined();
  });

  it('resolves an invitation with its tenant, and tells whether the invitee already has an account', async () => {
    expect(await findInvitation(em(), 'invite-a')).toMatchObject({
      tenantId: world.tenantA, tenantName: 'Acme', tenantStatus: 'active', email: 'new-a@a.test', role: 'agent', invitedBy: world.alice, existingUserId: null, acceptedAt: null,
    });
    await db.admin(`insert into invitations (tenant_id, email, role, token_hash, invited_by, expires_at) values ($1, 'alice@a.test', 'admin', 'invite-alice-to-b', $2, now())`, [world.tenantB, world.bob]);
    expect(await findInvitation(em(), 'invite-alice-to-b')).toMatchObject({ tenantId: world.tenantB, tenantName: 'Bolt', existingUserId: world.alice });
    expect(await findInvitation(em(), 'invite-c')).toBeUndefined();
  });

  it('resolves an email link token and an API key, and nothing else', async () => {
    expect(await findUserToken(em(), 'reset-bob')).toMatchObject({ userId: world.bob, purpose: 'reset_password', usedAt: null });
    expect(await findUserToken(em(), 'verify-alice')).toMatchObject({ userId: world.alice, purpose: 'verify_email' });
    expect(await findUserToken(em(), 'invite-a')).toBeUndefined();
    expect(await findApiKey(em(), 'key-b')).toMatchObject({ tenantId: world.tenantB, tenantStatus: 'active', scopes: ['conversation.read'], createdBy: world.bob, revokedAt: null });
    expect(await findApiKey(em(), 'refresh-a')).toBeUndefined();
  });

  it("reports a suspended tenant's status with its keys and invitations", async () => {
    await withPlatform(db.orm.em, (tx) => tx.execute(`update tenants set status = 'suspended', suspended_at = now() where id = ?`, [world.tenantA]));
    expect(await findApiKey(em(), 'key-a')).toMatchObject({ tenantStatus: 'suspended' });
    expect(await findInvitation(em(), 'invite-a')).toMatchObject({ tenantStatus: 'suspended' });
    await withPlatform(db.orm.em, (tx) => tx.execute(`update tenants set status = 'active', suspended_at = null where id = ?`, [world.tenantA]));
  });

  it("leaves the caller's scope as it was once a lookup returns", async () => {
    const after = await em().transactional(async (tx) => {
      await tx.execute('select * from auth_user_by_email(?)', ['alice@a.test']);
      return tx.execute<Array<{ platform: boolean; users: number }>>('select app_is_platform() as platform, (select count(*)::int from users) as users');
    });
    expect(after).toEqual([{ platform: false, users: 0 }]);
    const probe = 'select app_is_platform() as platform, (select count(*)::int from tenants) as tenants';
    const inTenant = await withTenant(db.orm.em, world.tenantA, async (tx) => {
      await tx.execute('select * from auth_api_key(?)', ['key-b']);
      return tx.execute(probe);
    });
    expect(inTenant).toEqual([{ platform: false, tenants: 1 }]);
    const inPlatform = await withPlatform(db.orm.em, async (tx) => {
      await tx.execute('select * from auth_invitation(?)', ['invite-a']);
      return tx.execute(probe);
    });
    expect(inPlatform).toEqual([{ platform: true, tenants: 2 }]);
  });

  it('may be called by the application role and by no one else', async () => {
    const rows = await db.admin<{ fn: string; app: boolean; everyone: boolean; definer: boolean; config: string[] }>(`
      select p.proname as fn,
             has_function_privilege('switchboard_app', p.oid, 'execute') as app,
             exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a where a.grantee = 0) as everyone,
             p.prosecdef as definer, p.proconfig as config
      from pg_proc p where p.pronamespace = 'public'::regnamespace and p.proname like 'auth\\_%' order by 1`);
    expect(rows.map((row) => row.fn)).toEqual(['auth_api_key', 'auth_invitation', 'auth_refresh_session', 'auth_user_by_email', 'auth_user_token']);
    for (const row of rows) {
      expect(row, row.fn).toMatchObject({ app: true, everyone: false, definer: true });
      expect(row.config, row.fn).toEqual(['search_path=public, pg_temp']);
    }
  });
});
