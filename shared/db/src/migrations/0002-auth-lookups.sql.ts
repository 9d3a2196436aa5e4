/**
 * The lookups authentication makes before it knows a tenant or a user: by email at sign-in, by
 * token hash for a refresh, an invitation, an email link, by key hash for an API key. Each is a
 * `SECURITY DEFINER` function that returns the one matching row and only the columns the caller
 * needs, so unauthenticated code never needs the platform scope.
 *
 * They run as the owner role; the tables are `FORCE`d, so each turns `app.platform` on for its
 * one query (and back as it was before returning) and narrows by its argument itself. `search_path`
 * is pinned, with `pg_temp` last, so a caller's temporary table cannot stand in for a real one.
 *
 * Part of a released migration: never edit, add a migration instead.
 */

const definer = `language plpgsql volatile security definer
      set search_path = public, pg_temp`;

/**
 * The body of a lookup: `query` runs with the platform setting on, which is then put back as it
 * was. (A function's own `SET app.platform` clause would be simpler, but PostgreSQL lets only a
 * superuser attach a custom setting to a function.) Should `query` fail, the transaction or
 * savepoint that fails with it reverts the setting too.
 */
const platformBody = (query: string) => `$$
      #variable_conflict use_column
      declare
        previous text := current_setting('app.platform', true);
      begin
        perform set_config('app.platform', 'on', true);
        return query ${query.trim()};
        perform set_config('app.platform', coalesce(previous, ''), true);
      end
    $$`;

export const authLookupFunctions: readonly string[] = [
  // Sign-in, password reset, signup's "already registered": the password hash to verify and
  // what decides the next step. Not the MFA secret: that is read in the user's scope.
  `create or replace function auth_user_by_email(p_email text)
    returns table (id uuid, email text, name text, password_hash text, email_verified_at timestamptz,
                   is_super_admin boolean, mfa_enabled boolean)
    ${definer}
    as ${platformBody(`
      select u.id, u.email, u.name, u.password_hash, u.email_verified_at, u.is_super_admin, u.mfa_enabled
      from public.users u
      where u.email = lower(btrim(p_email))
    `)};`,

  // Refresh: the session a presented token belongs to, rotated or revoked ones included, so the
  // caller can tell a reused token (revoke the family) from an unknown one.
  `create or replace function auth_refresh_session(p_token_hash text)
    returns table (id uuid, family_id uuid, user_id uuid, tenant_id uuid, impersonator_user_id uuid,
                   expires_at timestamptz, rotated_at timestamptz, revoked_at timestamptz)
    ${definer}
    as ${platformBody(`
      select s.id, s.family_id, s.user_id, s.tenant_id, s.impersonator_user_id, s.expires_at, s.rotated_at, s.revoked_at
      from public.refresh_sessions s
      where s.token_hash = p_token_hash
    `)};`,

  // Invitation preview and acceptance: the invitation, its tenant's name and status, and the
  // id of the user the invited email already belongs to (NULL for a new person).
  `create or replace function auth_invitation(p_token_hash text)
    returns table (id uuid, tenant_id uuid, tenant_name text, tenant_status text, email text, role text,
                   invited_by uuid, expires_at timestamptz, accepted_at timestamptz, revoked_at timestamptz,
                   existing_user_id uuid)
    ${definer}
    as ${platformBody(`
      select i.id, i.tenant_id, t.name, t.status, i.email, i.role, i.invited_by, i.expires_at, i.accepted_at, i.revoked_at,
             (select u.id from public.users u where u.email = i.email)
      from public.invitations i
      join public.tenants t on t.id = i.tenant_id
      where i.token_hash = p_token_hash
    `)};`,

  // Email verification and password reset links.
  `create or replace function auth_user_token(p_token_hash text)
    returns table (id uuid, user_id uuid, purpose text, expires_at timestamptz, used_at timestamptz)
    ${definer}
    as ${platformBody(`
      select t.id, t.user_id, t.purpose, t.expires_at, t.used_at
      from public.user_tokens t
      where t.token_hash = p_token_hash
    `)};`,

  // API clients: the key's tenant (and whether it is suspended) and scopes; the caller then
  // works in that tenant's scope.
  `create or replace function auth_api_key(p_key_hash text)
    returns table (id uuid, tenant_id uuid, tenant_status text, scopes text[], created_by uuid, revoked_at timestamptz)
    ${definer}
    as ${platformBody(`
      select k.id, k.tenant_id, t.status, k.scopes, k.created_by, k.revoked_at
      from public.api_keys k
      join public.tenants t on t.id = k.tenant_id
      where k.key_hash = p_key_hash
    `)};`,
];

/** Each takes one `text` argument. */
export const authLookupNames = ['auth_user_by_email', 'auth_refresh_session', 'auth_invitation', 'auth_user_token', 'auth_api_key'] as const;
