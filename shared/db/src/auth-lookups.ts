import type { Permission, TenantRole } from '@switchboard/contracts';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { UserTokenPurpose } from './entities/user-token.entity.ts';

/**
 * Typed calls of the `SECURITY DEFINER` lookups of migration 0002: what authentication may
 * read before it knows a tenant or a user. Each answers the one row the argument names, or
 * `undefined`; none opens any scope. Work on what they return in the proper scope afterwards
 * (`withUser`, `withTenant`).
 */

export interface SignInUser {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  emailVerifiedAt: Date | null;
  isSuperAdmin: boolean;
  mfaEnabled: boolean;
}

export interface RefreshSessionLookup {
  id: string;
  familyId: string;
  userId: string;
  tenantId: string | null;
  impersonatorUserId: string | null;
  expiresAt: Date;
  /** Set: the token was already exchanged, so presenting it again is reuse. */
  rotatedAt: Date | null;
  revokedAt: Date | null;
}

export interface InvitationLookup {
  id: string;
  tenantId: string;
  tenantName: string;
  tenantStatus: 'active' | 'suspended';
  email: string;
  role: TenantRole;
  invitedBy: string;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
  /** The user who already has the invited email, if any. */
  existingUserId: string | null;
}

export interface UserTokenLookup {
  id: string;
  userId: string;
  purpose: UserTokenPurpose;
  expiresAt: Date;
  usedAt: Date | null;
}

export interface ApiKeyLookup {
  id: string;
  tenantId: string;
  tenantStatus: 'active' | 'suspended';
  scopes: Permission[];
  createdBy: string | null;
  revokedAt: Date | null;
}

type Row = Record<string, unknown>;

const date = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));
const dateOrNull = (value: unknown): Date | null => (value === null || value === undefined ? null : date(value));
const text = (value: unknown): string => String(value);
const textOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

async function lookup<T>(em: EntityManager, fn: string, argument: string, map: (row: Row) => T): Promise<T | undefined> {
  // The function name is one of the constants below, never input.
  const rows = await em.execute<Row[]>(`select * from ${fn}(?)`, [argument]);
  const [row] = rows;
  return row === undefined ? undefined : map(row);
}

/** The user signing in with `email` (any case, surrounding spaces ignored). */
export function findSignInUser(em: EntityManager, email: string): Promise<SignInUser | undefined> {
  return lookup(em, 'auth_user_by_email', email, (row) => ({
    id: text(row['id']),
    email: text(row['email']),
    name: text(row['name']),
    passwordHash: text(row['password_hash']),
    emailVerifiedAt: dateOrNull(row['email_verified_at']),
    isSuperAdmin: row['is_super_admin'] === true,
    mfaEnabled: row['mfa_enabled'] === true,
  }));
}

/** The refresh session of a presented token's hash, whatever its state. */
export function findRefreshSession(em: EntityManager, tokenHash: string): Promise<RefreshSessionLookup | undefined> {
  return lookup(em, 'auth_refresh_session', tokenHash, (row) => ({
    id: text(row['id']),
    familyId: text(row['family_id']),
    userId: text(row['user_id']),
    tenantId: textOrNull(row['tenant_id']),
    impersonatorUserId: textOrNull(row['impersonator_user_id']),
    expiresAt: date(row['expires_at']),
    rotatedAt: dateOrNull(row['rotated_at']),
    revokedAt: dateOrNull(row['revoked_at']),
  }));
}

/** The invitation of a link's token hash, with its tenant's name and status. */
export function findInvitation(em: EntityManager, tokenHash: string): Promise<InvitationLookup | undefined> {
  return lookup(em, 'auth_invitation', tokenHash, (row) => ({
    id: text(row['id']),
    tenantId: text(row['tenant_id']),
    tenantName: text(row['tenant_name']),
    tenantStatus: row['tenant_status'] === 'suspended' ? 'suspended' : 'active',
    email: text(row['email']),
    role: text(row['role']) as TenantRole,
    invitedBy: text(row['invited_by']),
    expiresAt: date(row['expires_at']),
    acceptedAt: dateOrNull(row['accepted_at']),
    revokedAt: dateOrNull(row['revoked_at']),
    existingUserId: textOrNull(row['existing_user_id']),
  }));
}

/** The email-verification or password-reset token of a link's token hash. */
export function findUserToken(em: EntityManager, tokenHash: string): Promise<UserTokenLookup | undefined> {
  return lookup(em, 'auth_user_token', tokenHash, (row) => ({
    id: text(row['id']),
    userId: text(row['user_id']),
    purpose: text(row['purpose']) as UserTokenPurpose,
    expiresAt: date(row['expires_at']),
    usedAt: dateOrNull(row['used_at']),
  }));
}

/** The API key of a presented key's hash, with its tenant's status. */
export function findApiKey(em: EntityManager, keyHash: string): Promise<ApiKeyLookup | undefined> {
  return lookup(em, 'auth_api_key', keyHash, (row) => ({
    id: text(row['id']),
    tenantId: text(row['tenant_id']),
    tenantStatus: row['tenant_status'] === 'suspended' ? 'suspended' : 'active',
    scopes: Array.isArray(row['scopes']) ? (row['scopes'] as Permission[]) : [],
    createdBy: textOrNull(row['created_by']),
    revokedAt: dateOrNull(row['revoked_at']),
  }));
}
