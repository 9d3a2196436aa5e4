import type { ApiKeyView, Branding, InvitationView, MemberView, TenantRole, TenantView, UserView } from '@switchboard/contracts';
import type { ApiKey, Invitation, Tenant, User } from '@switchboard/db';
import { sqlDate } from './sql-date.ts';

/**
 * Entity → contract view mappers: the only place rows become API answers, so a column that
 * should never leave the server (hashes, sealed secrets) cannot slip into one.
 */

const iso = (date: Date): string => date.toISOString();

export function userView(user: User): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    emailVerified: user.emailVerifiedAt !== null && user.emailVerifiedAt !== undefined,
    mfaEnabled: user.mfaEnabled,
    createdAt: iso(user.createdAt),
  };
}

export function tenantView(tenant: Tenant): TenantView {
  const branding: Branding = {};
  if (typeof tenant.branding.logoUrl === 'string') branding.logoUrl = tenant.branding.logoUrl;
  if (typeof tenant.branding.primaryColor === 'string') branding.primaryColor = tenant.branding.primaryColor;
  return {
    id: tenant.id,
    name: tenant.name,
    slug: tenant.slug,
    status: tenant.status,
    branding,
    locale: tenant.locale,
    requireMfa: tenant.requireMfa,
    createdAt: iso(tenant.createdAt),
  };
}

/** A membership row joined with its user, as the team queries select it. */
export interface MemberRow {
  userId: string;
  email: string;
  name: string;
  role: TenantRole;
  mfaEnabled: boolean;
  lastSeenAt: Date | string | null;
  joinedAt: Date | string;
}

export function memberView(row: MemberRow): MemberView {
  const view: MemberView = {
    userId: row.userId,
    email: row.email,
    name: row.name,
    role: row.role,
    mfaEnabled: row.mfaEnabled,
    joinedAt: iso(sqlDate(row.joinedAt)),
  };
  if (row.lastSeenAt !== null) view.lastSeenAt = iso(sqlDate(row.lastSeenAt));
  return view;
}

export function invitationView(invitation: Invitation): InvitationView {
  return {
    id: invitation.id,
    email: invitation.email,
    role: invitation.role,
    invitedBy: invitation.invitedBy.id,
    expiresAt: iso(invitation.expiresAt),
    createdAt: iso(invitation.createdAt),
  };
}

export function apiKeyView(key: ApiKey): ApiKeyView {
  const view: ApiKeyView = { id: key.id, name: key.name, prefix: key.prefix, scopes: [...key.scopes], createdAt: iso(key.createdAt) };
  if (key.lastUsedAt !== null && key.lastUsedAt !== undefined) view.lastUsedAt = iso(key.lastUsedAt);
  return view;
}
