/**
 * Row-level security of migration 0002, as SQL statements. Three settings, each set only for
 * one transaction by the scope helpers (`withTenant`, `withUser`, `withPlatform`), decide what a
 * statement sees:
 *
 * - `app_current_tenant()`: the tenant a request acts in; its rows, and its members' users rows.
 * - `app_current_user()`: the signed-in person; their own users row, memberships in every
 *   tenant (to choose one at login), the tenants of those memberships, their tokens and sessions.
 * - `app_is_platform()`: the super admin's platform scope; every tenant's rows.
 *
 * With none set, every policy is false: a statement outside a scope sees no row of any table.
 * Every table is `FORCE`d, so the owner role is held to the same rules (a superuser is not).
 *
 * Part of a released migration: never edit, add a migration instead.
 */

const platform = 'app_is_platform()';
const inTenant = (column: string) => `${column} = app_current_tenant()`;
const isUser = (column: string) => `${column} = app_current_user()`;
const anyOf = (...conditions: string[]) => `(${conditions.join(' or ')})`;

const tables = ['tenants', 'users', 'memberships', 'invitations', 'refresh_sessions', 'user_tokens', 'api_keys', 'audit_log'];

const memberOfCurrentTenant = `exists (select 1 from memberships m where m.user_id = users.id and ${inTenant('m.tenant_id')})`;
const tenantOfCurrentUser = `exists (select 1 from memberships m where m.tenant_id = tenants.id and ${isUser('m.user_id')})`;

type Command = 'select' | 'insert' | 'update' | 'delete' | 'all';

function policy(table: string, command: Command, using: string | undefined, check?: string): string {
  const name = `${table}_${command}`;
  return [
    `create policy ${name} on ${table} for ${command}`,
    using === undefined ? '' : ` using (${using})`,
    check === undefined ? '' : ` with check (${check})`,
    ';',
  ].join('');
}

export const identityPolicies: readonly string[] = [
  ...tables.flatMap((table) => [`alter table ${table} enable row level security;`, `alter table ${table} force row level security;`]),

  policy('tenants', 'select', anyOf(inTenant('id'), tenantOfCurrentUser, platform)),
  // Signup picks the new tenant's id and inserts it inside that tenant's scope.
  policy('tenants', 'insert', undefined, anyOf(inTenant('id'), platform)),
  policy('tenants', 'update', anyOf(inTenant('id'), platform)),
  policy('tenants', 'delete', platform),

  policy('users', 'select', anyOf(isUser('id'), memberOfCurrentTenant, platform)),
  // Only the platform creates super admins; everyone else creates (only) themselves.
  policy('users', 'insert', undefined, anyOf(`(${isUser('id')} and not is_super_admin)`, platform)),
  policy('users', 'update', anyOf(isUser('id'), platform)),
  policy('users', 'delete', anyOf(isUser('id'), platform)),

  policy('memberships', 'select', anyOf(inTenant('tenant_id'), isUser('user_id'), platform)),
  policy('memberships', 'insert', undefined, anyOf(inTenant('tenant_id'), platform)),
  policy('memberships', 'update', anyOf(inTenant('tenant_id'), platform)),
  policy('memberships', 'delete', anyOf(inTenant('tenant_id'), platform)),

  policy('invitations', 'all', anyOf(inTenant('tenant_id'), platform)),
  policy('api_keys', 'all', anyOf(inTenant('tenant_id'), platform)),
  policy('user_tokens', 'all', anyOf(isUser('user_id'), platform)),

  // A tenant sees its members' sessions (to end them on removal); a user sees their own in
  // every tenant (to sign out everywhere). A new session belongs to the user in scope and,
  // when it names a tenant, to the tenant in scope.
  policy('refresh_sessions', 'select', anyOf(inTenant('tenant_id'), isUser('user_id'), platform)),
  policy('refresh_sessions', 'insert', undefined, anyOf(`(${isUser('user_id')} and (tenant_id is null or ${inTenant('tenant_id')}))`, platform)),
  policy('refresh_sessions', 'update', anyOf(inTenant('tenant_id'), isUser('user_id'), platform)),
  policy('refresh_sessions', 'delete', anyOf(inTenant('tenant_id'), isUser('user_id'), platform)),

  // Append-only: no update or delete policy (and no such grant). An entry without a tenant (a
  // failed sign-in, a password reset) may be written from any scope and read only by the platform.
  policy('audit_log', 'select', anyOf(inTenant('tenant_id'), platform)),
  policy('audit_log', 'insert', undefined, anyOf('tenant_id is null', inTenant('tenant_id'), platform)),
];
