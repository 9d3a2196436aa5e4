import { randomUUID } from 'node:crypto';
import type { IdentityDatabase } from './identity-database.ts';

/** Ids of a small world: tenants A and B, a member of each, one person in both, a super admin. */
export interface TwoTenants {
  tenantA: string;
  tenantB: string;
  /** Owner of A only. */
  alice: string;
  /** Owner of B only. */
  bob: string;
  /** Agent in both A and B. */
  carol: string;
  /** Super admin, member of neither. */
  root: string;
}

/**
 * Writes, as the superuser, a row in every identity table for each tenant (and the rows that
 * belong to no tenant), so each isolation test has something to fail to see.
 */
export async function seedTwoTenants(db: IdentityDatabase): Promise<TwoTenants> {
  const ids: TwoTenants = {
    tenantA: randomUUID(), tenantB: randomUUID(),
    alice: randomUUID(), bob: randomUUID(), carol: randomUUID(), root: randomUUID(),
  };
  const { tenantA, tenantB, alice, bob, carol, root } = ids;
  await db.admin(`insert into tenants (id, name, slug) values ($1, 'Acme', 'acme'), ($2, 'Bolt', 'bolt')`, [tenantA, tenantB]);
  await db.admin(
    `insert into users (id, email, name, password_hash, is_super_admin) values
       ($1, 'alice@a.test', 'Alice', 'hash-a', false), ($2, 'bob@b.test', 'Bob', 'hash-b', false),
       ($3, 'carol@ab.test', 'Carol', 'hash-c', false), ($4, 'root@platform.test', 'Root', 'hash-r', true)`,
    [alice, bob, carol, root],
  );
  await db.admin(
    `insert into memberships (tenant_id, user_id, role) values
       ($1, $3, 'owner'), ($2, $4, 'owner'), ($1, $5, 'agent'), ($2, $5, 'agent')`,
    [tenantA, tenantB, alice, bob, carol],
  );
  const week = `now() + interval '7 days'`;
  await db.admin(
    `insert into invitations (tenant_id, email, role, token_hash, invited_by, expires_at) values
       ($1, 'new-a@a.test', 'agent', 'invite-a', $3, ${week}), ($2, 'new-b@b.test', 'admin', 'invite-b', $4, ${week})`,
    [tenantA, tenantB, alice, bob],
  );
  await db.admin(
    `insert into refresh_sessions (family_id, user_id, tenant_id, token_hash, expires_at) values
       (gen_random_uuid(), $3, $1, 'refresh-a', ${week}), (gen_random_uuid(), $4, $2, 'refresh-b', ${week}),
       (gen_random_uuid(), $5, null, 'refresh-root', ${week})`,
    [tenantA, tenantB, alice, bob, root],
  );
  await db.admin(
    `insert into user_tokens (user_id, purpose, token_hash, expires_at) values
       ($1, 'verify_email', 'verify-alice', ${week}), ($2, 'reset_password', 'reset-bob', ${week})`,
    [alice, bob],
  );
  await db.admin(
    `insert into api_keys (tenant_id, name, prefix, key_hash, scopes, created_by) values
       ($1, 'ci', 'sb_a', 'key-a', '{conversation.read}', $3), ($2, 'ci', 'sb_b', 'key-b', '{conversation.read}', $4)`,
    [tenantA, tenantB, alice, bob],
  );
  await db.admin(
    `insert into audit_log (tenant_id, actor_user_id, action, trace_id) values
       ($1, $3, 'tenant.updated', 'trace-a'), ($2, $4, 'tenant.updated', 'trace-b'), (null, null, 'auth.login_failed', 'trace-x')`,
    [tenantA, tenantB, alice, bob],
  );
  return ids;
}
