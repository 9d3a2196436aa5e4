/**
 * Roles and permissions: the one table every route, socket event and console button consults.
 * A route declares the permission it needs (or `public` / `authenticated`); a role grants a
 * fixed set. `super_admin` is a platform role held outside any tenant.
 */
export const roles = ['super_admin', 'owner', 'admin', 'agent'] as const;
export type Role = (typeof roles)[number];
export const tenantRoles = ['owner', 'admin', 'agent'] as const;
export type TenantRole = (typeof tenantRoles)[number];

export const permissions = [
  'tenant.read',
  'tenant.update',
  'team.read',
  'team.invite',
  'team.update_role',
  'team.remove',
  'apikey.manage',
  'audit.read',
  'conversation.read',
  'conversation.reply',
  'conversation.claim',
  'conversation.manage',
  'channel.read',
  'channel.manage',
  'bot.manage',
  'knowledge.manage',
  'capture.read',
  'capture.manage',
  'billing.manage',
  'platform.tenants.read',
  'platform.tenants.manage',
  'platform.impersonate',
  'platform.audit.read',
] as const;
export type Permission = (typeof permissions)[number];

/** Route-level access markers besides a permission. */
export type RouteAccess = Permission | 'public' | 'authenticated';

const agent: readonly Permission[] = [
  'tenant.read',
  'team.read',
  'conversation.read',
  'conversation.reply',
  'conversation.claim',
  'channel.read',
  'capture.read',
];
const admin: readonly Permission[] = [
  ...agent,
  'tenant.update',
  'team.invite',
  'team.update_role',
  'team.remove',
  'apikey.manage',
  'audit.read',
  'conversation.manage',
  'channel.manage',
  'bot.manage',
  'knowledge.manage',
  'capture.manage',
];
const owner: readonly Permission[] = [...admin, 'billing.manage'];

export const rolePermissions: Readonly<Record<Role, readonly Permission[]>> = {
  agent,
  admin,
  owner,
  super_admin: ['platform.tenants.read', 'platform.tenants.manage', 'platform.impersonate', 'platform.audit.read'],
};

/** True when `role` grants `permission`. */
export function roleAllows(role: Role, permission: Permission): boolean {
  return rolePermissions[role].includes(permission);
}

/** Roles a member with `role` may hand out when inviting or changing roles. */
export function assignableRoles(role: Role): readonly TenantRole[] {
  if (role === 'owner') return tenantRoles;
  if (role === 'admin') return ['admin', 'agent'];
  return [];
}
