import { Migration } from '@mikro-orm/migrations';
import { appRoleName } from '../app-role.ts';
import { authLookupFunctions, authLookupNames } from './0002-auth-lookups.sql.ts';
import { identityPolicies } from './0002-identity-policies.sql.ts';

const app = appRoleName;

/** Tables the application reads and writes in full. */
const readWriteTables = ['tenants', 'users', 'memberships', 'invitations', 'refresh_sessions', 'user_tokens', 'api_keys'];

/**
 * Identity: tenants, users, memberships, invitations, refresh sessions, one-time user tokens,
 * API keys and the audit log; the row-level-security policies that confine each to its tenant
 * (or to its user, or to the platform scope); the application role and its grants; and the
 * `SECURITY DEFINER` lookups that authentication needs before it knows a tenant or a user.
 *
 * The schema belongs to this SQL, not to MikroORM's schema generator: the entities describe
 * these tables, they do not define them.
 */
export class Migration0002Identity extends Migration {
  override name = '0002-identity';

  override up(): void {
    this.contextFunctions();
    this.tables();
    this.guards();
    for (const statement of identityPolicies) this.addSql(statement);
    for (const statement of authLookupFunctions) this.addSql(statement);
    this.appRole();
  }

  override down(): void {
    for (const name of authLookupNames) this.addSql(`drop function if exists ${name}(text);`);
    this.addSql('drop table if exists audit_log, api_keys, user_tokens, refresh_sessions, invitations, memberships, users, tenants cascade;');
    this.addSql('drop function if exists guard_user_super_admin(), guard_tenant_status();');
    this.addSql('drop function if exists app_current_user(), app_is_platform();');
  }

  /** The user and platform settings beside 0001's tenant, read the same way: unset is NULL / false. */
  private contextFunctions(): void {
    this.addSql(`create or replace function app_current_user() returns uuid
      language sql stable parallel safe
      as $$ select nullif(current_setting('app.current_user', true), '')::uuid $$;`);
    this.addSql(`create or replace function app_is_platform() returns boolean
      language sql stable parallel safe
      as $$ select coalesce(current_setting('app.platform', true), '') = 'on' $$;`);
  }

  private tables(): void {
    this.addSql(`create table tenants (
      id uuid primary key default gen_random_uuid(),
      name text not null check (length(name) between 1 and 200),
      slug text not null constraint tenants_slug_key unique
        check (slug ~ '^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$' and length(slug) <= 48),
      status text not null default 'active' check (status in ('active', 'suspended')),
      branding jsonb not null default '{}'::jsonb check (jsonb_typeof(branding) = 'object'),
      locale text not null default 'en',
      require_mfa boolean not null default false,
      suspended_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint tenants_suspended_at_check check ((status = 'suspended') = (suspended_at is not null))
    );`);

    // Emails are stored lowercased (the check keeps every writer honest), so `unique` is
    // case-insensitive without the citext extension, which the owner role may not be allowed to create.
    this.addSql(`create table users (
      id uuid primary key default gen_random_uuid(),
      email text not null constraint users_email_key unique check (email = lower(email) and length(email) <= 254),
      name text not null,
      password_hash text not null,
      email_verified_at timestamptz,
      is_super_admin boolean not null default false,
      mfa_secret_sealed text,
      mfa_enabled boolean not null default false,
      mfa_last_step bigint,
      recovery_code_hashes text[] not null default '{}',
      last_seen_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint users_mfa_secret_check check (not mfa_enabled or mfa_secret_sealed is not null)
    );`);

    this.addSql(`create table memberships (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      user_id uuid not null references users (id) on delete cascade,
      role text not null check (role in ('owner', 'admin', 'agent')),
      last_seen_at timestamptz,
      created_at timestamptz not null default now(),
      constraint memberships_tenant_user_key unique (tenant_id, user_id)
    );`);
    this.addSql('create index memberships_user_idx on memberships (user_id);');

    this.addSql(`create table invitations (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      email text not null check (email = lower(email) and length(email) <= 254),
      role text not null check (role in ('owner', 'admin', 'agent')),
      token_hash text not null constraint invitations_token_hash_key unique,
      invited_by uuid not null references users (id) on delete cascade,
      expires_at timestamptz not null,
      accepted_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz not null default now()
    );`);
    this.addSql('create index invitations_tenant_idx on invitations (tenant_id, created_at desc);');

    this.addSql(`create table refresh_sessions (
      id uuid primary key default gen_random_uuid(),
      family_id uuid not null,
      user_id uuid not null references users (id) on delete cascade,
      tenant_id uuid references tenants (id) on delete cascade,
      token_hash text not null constraint refresh_sessions_token_hash_key unique,
      impersonator_user_id uuid references users (id) on delete cascade,
      expires_at timestamptz not null,
      rotated_at timestamptz,
      revoked_at timestamptz,
      revoked_reason text,
      ip text,
      user_agent text,
      created_at timestamptz not null default now()
    );`);
    this.addSql('create index refresh_sessions_family_idx on refresh_sessions (family_id);');
    this.addSql('create index refresh_sessions_user_idx on refresh_sessions (user_id);');
    this.addSql('create index refresh_sessions_tenant_idx on refresh_sessions (tenant_id) where tenant_id is not null;');

    this.addSql(`create table user_tokens (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users (id) on delete cascade,
      purpose text not null check (purpose in ('verify_email', 'reset_password')),
      token_hash text not null constraint user_tokens_token_hash_key unique,
      expires_at timestamptz not null,
      used_at timestamptz,
      created_at timestamptz not null default now()
    );`);
    this.addSql('create index user_tokens_user_idx on user_tokens (user_id);');

    this.addSql(`create table api_keys (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      name text not null,
      prefix text not null,
      key_hash text not null constraint api_keys_key_hash_key unique,
      scopes text[] not null default '{}',
      created_by uuid references users (id) on delete set null,
      last_used_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz not null default now()
    );`);
    this.addSql('create index api_keys_tenant_idx on api_keys (tenant_id);');

    // No foreign keys: the record of what happened outlives the users and tenants it names.
    this.addSql(`create table audit_log (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid,
      actor_user_id uuid,
      impersonator_user_id uuid,
      action text not null,
      target_type text,
      target_id text,
      ip text,
      trace_id text not null,
      metadata jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now()
    );`);
    this.addSql('create index audit_log_tenant_page_idx on audit_log (tenant_id, created_at desc, id desc);');
    this.addSql('create index audit_log_page_idx on audit_log (created_at desc, id desc);');
  }

  /**
   * Columns only the platform scope may change. Row-level security decides which rows a scope
   * may write, not which columns; these triggers stop a tenant owner's request from lifting its
   * own suspension, or a user's profile update from making them a super admin.
   */
  private guards(): void {
    this.addSql(`create or replace function guard_user_super_admin() returns trigger
      language plpgsql as $$
      begin
        if new.is_super_admin is distinct from old.is_super_admin and not app_is_platform() then
          raise exception 'only the platform scope may change is_super_admin' using errcode = 'insufficient_privilege';
        end if;
        return new;
      end $$;`);
    this.addSql(`create trigger users_guard_super_admin before update of is_super_admin on users
      for each row execute function guard_user_super_admin();`);
    this.addSql(`create or replace function guard_tenant_status() returns trigger
      language plpgsql as $$
      begin
        if (new.status is distinct from old.status or new.suspended_at is distinct from old.suspended_at)
            and not app_is_platform() then
          raise exception 'only the platform scope may suspend or reactivate a tenant' using errcode = 'insufficient_privilege';
        end if;
        return new;
      end $$;`);
    this.addSql(`create trigger tenants_guard_status before update of status, suspended_at on tenants
      for each row execute function guard_tenant_status();`);
  }

  /**
   * The application role: created when missing (another database on the same server may have
   * created it already, possibly at this very moment, hence the duplicate handlers), then
   * granted exactly what the application needs. Its password is set after the migrations,
   * outside them: see `migrate`.
   */
  private appRole(): void {
    this.addSql(`do $$
      begin
        if not exists (select 1 from pg_roles where rolname = '${app}') then
          create role ${app} login nosuperuser nobypassrls nocreaterole nocreatedb noreplication;
        end if;
      exception when duplicate_object or unique_violation then
        null;
      end $$;`);
    this.addSql(`grant usage on schema public to ${app};`);
    this.addSql(`grant select, insert, update, delete on ${readWriteTables.join(', ')} to ${app};`);
    // Append-only: no UPDATE, DELETE or TRUNCATE, and no policy that would let one through.
    this.addSql(`grant select, insert on audit_log to ${app};`);
    this.addSql(`grant execute on function app_current_tenant(), app_current_user(), app_is_platform() to ${app};`);
    for (const name of authLookupNames) {
      this.addSql(`revoke all on function ${name}(text) from public;`);
      this.addSql(`grant execute on function ${name}(text) to ${app};`);
    }
  }
}
