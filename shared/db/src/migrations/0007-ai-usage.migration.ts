import { Migration } from '@mikro-orm/migrations';
import { appRoleName } from '../app-role.ts';

const app = appRoleName;

/**
 * The bot's AI settings, token budget and usage log.
 * - `tenants.ai_settings`: provider, model, temperature, persona, instructions, language and the
 *   allowed actions (see `BotAiSettingsView`); `tenants.ai_api_key_sealed`: the workspace's own
 *   provider key, sealed with the secret box (AES-256-GCM), never returned.
 * - `tenants.ai_monthly_token_budget`: the tenant's own monthly budget; null takes the platform
 *   default (`AI_MONTHLY_TOKEN_BUDGET`).
 * - `ai_token_months`: per tenant and calendar month (UTC), tokens used and tokens reserved by
 *   calls in flight, and when the owner was told the soft limit was passed (once a month).
 * - `ai_usage`: one row per provider call: model, tokens in/out, cost in USD, latency, outcome.
 * - `proposed_actions`: the actions the bot proposed, each confirmed or rejected once by a person.
 *
 * Part of a released migration once landed: never edit, add a migration instead.
 */
export class Migration0007AiUsage extends Migration {
  override name = '0007-ai-usage';

  override up(): void {
    this.addSql(`alter table tenants add column ai_settings jsonb not null default '{}', add column ai_api_key_sealed text;`);
    this.addSql('alter table tenants add column ai_monthly_token_budget bigint check (ai_monthly_token_budget is null or ai_monthly_token_budget >= 0);');
    // The budget is the plan's: a tenant's own scope must not raise it (see 0002's guards).
    this.addSql(`create or replace function guard_tenant_ai_budget() returns trigger
      language plpgsql as $$
      begin
        if new.ai_monthly_token_budget is distinct from old.ai_monthly_token_budget and not app_is_platform() then
          raise exception 'only the platform scope may change a tenant''s AI token budget' using errcode = 'insufficient_privilege';
        end if;
        return new;
      end $$;`);
    this.addSql(`create trigger tenants_guard_ai_budget before update of ai_monthly_token_budget on tenants
      for each row execute function guard_tenant_ai_budget();`);
    this.addSql(`create table ai_token_months (
      tenant_id uuid not null references tenants (id) on delete cascade,
      month date not null,
      used bigint not null default 0 check (used >= 0),
      reserved bigint not null default 0 check (reserved >= 0),
      soft_limit_notified_at timestamptz,
      primary key (tenant_id, month)
    );`);
    this.addSql(`create table ai_usage (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      conversation_id uuid,
      provider text not null,
      model text not null,
      tokens_in integer not null check (tokens_in >= 0),
      tokens_out integer not null check (tokens_out >= 0),
      cost_usd numeric(14, 8) not null default 0,
      latency_ms integer not null check (latency_ms >= 0),
      outcome text not null check (outcome in ('ok', 'failed')),
      created_at timestamptz not null default now()
    );`);
    this.addSql('create index ai_usage_tenant_time on ai_usage (tenant_id, created_at);');
    // Actions the bot proposed; a person confirms or rejects each once.
    this.addSql(`create table proposed_actions (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      conversation_id uuid not null references conversations (id) on delete cascade,
      external_id text not null,
      kind text not null check (kind in ('crm_note', 'task', 'booking_request', 'order', 'email_draft')),
      summary text not null check (length(summary) between 1 and 500),
      fields jsonb not null default '{}',
      status text not null default 'proposed' check (status in ('proposed', 'confirmed', 'rejected')),
      decided_by uuid references users (id) on delete set null,
      decided_at timestamptz,
      reason text check (length(reason) <= 500),
      created_at timestamptz not null default now(),
      unique (tenant_id, external_id),
      check ((status = 'proposed') = (decided_at is null))
    );`);
    this.addSql('create index proposed_actions_conversation on proposed_actions (tenant_id, conversation_id, created_at);');
    for (const table of ['ai_token_months', 'ai_usage', 'proposed_actions']) {
      this.addSql(`alter table ${table} enable row level security;`);
      this.addSql(`alter table ${table} force row level security;`);
      this.addSql(`create policy ${table}_all on ${table} for all
        using (tenant_id = app_current_tenant() or app_is_platform())
        with check (tenant_id = app_current_tenant() or app_is_platform());`);
    }
    this.addSql(`grant select, insert, update on ai_token_months to ${app};`);
    this.addSql(`grant select, insert on ai_usage to ${app};`);
    this.addSql(`grant select, insert, update on proposed_actions to ${app};`);
  }

  override down(): void {
    this.addSql('drop table if exists proposed_actions, ai_usage, ai_token_months;');
    this.addSql('drop trigger if exists tenants_guard_ai_budget on tenants;');
    this.addSql('drop function if exists guard_tenant_ai_budget();');
    this.addSql('alter table tenants drop column if exists ai_monthly_token_budget, drop column if exists ai_settings, drop column if exists ai_api_key_sealed;');
  }
}
