import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiKey, AuditEntry, Invitation, Membership, RefreshSession, Tenant, User, UserToken, withPlatform, withTenant, withUser,
} from '../src/index.ts';
import { openIdentityDatabase, type IdentityDatabase } from './support/identity-database.ts';

// The entities on the tables of migration 0002, through the application's pool and the scopes
// the identity routes will use.
let db: IdentityDatabase;
let tenantId: string;
let ownerId: string;

beforeAll(async () => {
  db = await openIdentityDatabase('entities');
});

afterAll(async () => {
  await db?.close();
});

describe('identity entities', () => {
  it('map every column of their tables, with the nullability the migration gave it', async () => {
    const metadata = [...db.orm.getMetadata().getAll().values()];
    const columns = await db.admin<{ table_name: string; column_name: string; is_nullable: 'YES' | 'NO' }>(`
      select table_name, column_name, is_nullable from information_schema.columns where table_schema = 'public' and table_name = any($1)`,
    [metadata.map((meta) => meta.tableName)]);
    expect(new Set(columns.map((column) => column.table_name))).toEqual(new Set(['tenants', 'users', 'memberships', 'invitations', 'refresh_sessions', 'user_tokens', 'api_keys', 'audit_log']));
    const inDatabase = columns.map((column) => `${column.table_name}.${column.column_name}${column.is_nullable === 'YES' ? '?' : ''}`).sort();
    const mapped = metadata.flatMap((meta) =>
      meta.props.filter((prop) => prop.persist !== false).flatMap((prop) => prop.fieldNames.map((field) => `${meta.tableName}.${field}${prop.nullable === true ? '?' : ''}`))).sort();
    expect(mapped).toEqual(inDatabase);
  });

  it("signs up a tenant and its owner inside the new tenant's scope, with the defaults filled in", async () => {
    tenantId = randomUUID();
    ownerId = randomUUID();
    await withTenant(db.orm.em, tenantId, async (em) => {
      const tenant = em.create(Tenant, { id: tenantId, name: 'Acme', slug: 'acme' });
      const user = em.create(User, { id: ownerId, email: 'Owner@Acme.TEST', name: 'Olive', passwordHash: '$argon2id$…' });
      em.create(Membership, { tenant, user, role: 'owner' });
      await em.flush();
    }, { userId: ownerId });

    const [tenant] = await db.admin('select status, branding, locale, require_mfa, suspended_at from tenants where id = $1', [tenantId]);
    expect(tenant).toEqual({ status: 'active', branding: {}, locale: 'en', require_mfa: false, suspended_at: null });
    const [user] = await db.admin('select email, is_super_admin, mfa_enabled, recovery_code_hashes from users where id = $1', [ownerId]);
    expect(user).toEqual({ email: 'owner@acme.test', is_super_admin: false, mfa_enabled: false, recovery_code_hashes: [] });
  });

  it('lists a user\'s tenants from their memberships in the user scope', async () => {
    const memberships = await withUser(db.orm.em, ownerId, (em) => em.find(Membership, { user: ownerId }, { populate: ['tenant'] }));
    expect(memberships.map((membership) => ({ role: membership.role, tenant: membership.tenant.name }))).toEqual([{ role: 'owner', tenant: 'Acme' }]);
  });

  it('keeps MFA state, recovery code hashes and branding as written', async () => {
    await withUser(db.orm.em, ownerId, async (em) => {
      const user = await em.findOneOrFail(User, ownerId);
      user.mfaSecretSealed = 'sealed:abc';
      user.mfaEnabled = true;
      user.mfaLastStep = 59_123_456;
      user.recoveryCodeHashes = ['h1', 'h2'];
      await em.flush();
    });
    await withTenant(db.orm.em, tenantId, async (em) => {
      const tenant = await em.findOneOrFail(Tenant, tenantId);
      tenant.branding = { primaryColor: '#112233', logoUrl: 'https://acme.test/logo.png' };
      tenant.requireMfa = true;
      await em.flush();
    });
    const user = await withUser(db.orm.em, ownerId, (em) => em.findOneOrFail(User, ownerId));
    expect(user).toMatchObject({ mfaSecretSealed: 'sealed:abc', mfaEnabled: true, mfaLastStep: 59_123_456, recoveryCodeHashes: ['h1', 'h2'] });
    expect(user.updatedAt.getTime()).toBeGreaterThanOrEqual(user.createdAt.getTime());
    const tenant = await withTenant(db.orm.em, tenantId, (em) => em.findOneOrFail(Tenant, tenantId));
    expect(tenant).toMatchObject({ branding: { primaryColor: '#112233', logoUrl: 'https://acme.test/logo.png' }, requireMfa: true });
  });

  it('rotates refresh sessions within a family and revokes the whole family at once', async () => {
    const familyId = randomUUID();
    const week = new Date(Date.now() + 7 * 86_400_000);
    const revoked = await withTenant(db.orm.em, tenantId, async (em) => {
      const first = em.create(RefreshSession, { familyId, user: ownerId, tenant: tenantId, tokenHash: 'r1', expiresAt: week, ip: '127.0.0.1', userAgent: 'test' });
      await em.flush();
      first.rotatedAt = new Date();
      em.create(RefreshSession, { familyId, user: ownerId, tenant: tenantId, tokenHash: 'r2', expiresAt: week });
      await em.flush();
      return em.nativeUpdate(RefreshSession, { familyId, revokedAt: null }, { revokedAt: new Date(), revokedReason: 'reuse' });
    }, { userId: ownerId });
    expect(revoked).toBe(2);
    const rows = await db.admin('select token_hash, rotated_at is not null as rotated, revoked_reason from refresh_sessions where family_id = $1 order by token_hash', [familyId]);
    expect(rows).toEqual([{ token_hash: 'r1', rotated: true, revoked_reason: 'reuse' }, { token_hash: 'r2', rotated: false, revoked_reason: 'reuse' }]);
  });

  it('writes invitations, email tokens, API keys and audit entries, and pages the audit log newest first', async () => {
    const later = new Date(Date.now() + 86_400_000);
    await withTenant(db.orm.em, tenantId, async (em) => {
      em.create(Invitation, { tenant: tenantId, email: 'New@Acme.test', role: 'agent', tokenHash: 'inv-1', invitedBy: ownerId, expiresAt: later });
      em.create(UserToken, { user: ownerId, purpose: 'verify_email', tokenHash: 'tok-1', expiresAt: later });
      em.create(ApiKey, { tenant: tenantId, name: 'CI', prefix: 'sb_live_ab', keyHash: 'key-1', scopes: ['conversation.read', 'conversation.reply'], createdBy: ownerId });
      const at = new Date('2026-01-01T00:00:00Z');
      for (let index = 0; index < 5; index += 1) {
        em.create(AuditEntry, { tenantId, actorUserId: ownerId, action: `test.step_${index}`, traceId: `trace-${index}`, createdAt: at, metadata: { index } });
      }
      await em.flush();
    }, { userId: ownerId });

    const key = await withTenant(db.orm.em, tenantId, (em) => em.findOneOrFail(ApiKey, { keyHash: 'key-1' }));
    expect(key.scopes).toEqual(['conversation.read', 'conversation.reply']);
    const invitation = await withTenant(db.orm.em, tenantId, (em) => em.findOneOrFail(Invitation, { tokenHash: 'inv-1' }));
    expect(invitation.email).toBe('new@acme.test');

    // Keyset paging on (created_at desc, id desc): ties on the timestamp are broken by id.
    const pages = await withTenant(db.orm.em, tenantId, async (em) => {
      const first = await em.find(AuditEntry, {}, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: 3 });
      const last = first.at(-1);
      if (last === undefined) return [first, []];
      const rest = await em.find(AuditEntry, { $or: [{ createdAt: { $lt: last.createdAt } }, { createdAt: last.createdAt, id: { $lt: last.id } }] }, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: 3 });
      return [first, rest];
    });
    const ids = pages.flat().map((entry) => entry.id);
    expect(pages.map((page) => page.length)).toEqual([3, 2]);
    expect(new Set(ids).size).toBe(5);
    expect(ids).toEqual([...ids].sort().reverse());
  });

  it("finds nothing of another tenant's through the entity manager", async () => {
    const otherId = randomUUID();
    await withPlatform(db.orm.em, async (em) => {
      em.create(Tenant, { id: otherId, name: 'Other', slug: 'other' });
      await em.flush();
    });
    const seen = await withTenant(db.orm.em, tenantId, async (em) => ({
      other: await em.findOne(Tenant, otherId),
      tenants: await em.count(Tenant, {}),
      platformTenants: await withPlatform(em, (platform) => platform.count(Tenant, {})),
    }));
    expect(seen).toEqual({ other: null, tenants: 1, platformTenants: 2 });
  });
});
