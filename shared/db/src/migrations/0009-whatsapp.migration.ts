import { Migration } from '@mikro-orm/migrations';
import { appRoleName } from '../app-role.ts';

const app = appRoleName;
const tenantTables = ['whatsapp_sessions', 'channel_leases'];

/**
 * WhatsApp sessions that outlive a connector node. `whatsapp_sessions` keeps a session's login
 * (its Chromium profile, packed, gzipped and sealed with SECRET_KEY) when
 * `WHATSAPP_AUTH_STORE=postgres`, so any node can resume it without a new QR.
 * `channel_leases` says which node runs a channel's session: a node holds a row until
 * `expires_at` and renews it; another node may take it only once it lapsed, so one session runs
 * on exactly one node. Both are tenant-owned under the same row-level security as 0003.
 * `whatsapp_channels_to_run()` lets a connector node find the WhatsApp channels to start
 * across tenants without opening the platform scope to it: ids and tenants only.
 *
 * Part of a released migration once landed: never edit, add a migration instead.
 */
export class Migration0009WhatsApp extends Migration {
  override name = '0009-whatsapp';

  override up(): void {
    this.addSql(`create table whatsapp_sessions (
      channel_id uuid primary key references channels (id) on delete cascade,
      tenant_id uuid not null references tenants (id) on delete cascade,
      archive_sealed text not null,
      archive_bytes integer not null,
      updated_at timestamptz not null default now()
    );`);
    this.addSql(`create table channel_leases (
      channel_id uuid primary key references channels (id) on delete cascade,
      tenant_id uuid not null references tenants (id) on delete cascade,
      holder text not null,
      expires_at timestamptz not null
    );`);
    for (const table of tenantTables) {
      this.addSql(`alter table ${table} enable row level security;`);
      this.addSql(`alter table ${table} force row level security;`);
      this.addSql(`create policy ${table}_all on ${table} for all
        using (tenant_id = app_current_tenant() or app_is_platform())
        with check (tenant_id = app_current_tenant() or app_is_platform());`);
    }
    this.addSql(`grant select, insert, update, delete on ${tenantTables.join(', ')} to ${app};`);

    this.addSql(`create or replace function whatsapp_channels_to_run()
      returns table (id uuid, tenant_id uuid)
      language plpgsql volatile security definer set search_path = public, pg_temp
      as $$
      declare
        previous text := current_setting('app.platform', true);
      begin
        perform set_config('app.platform', 'on', true);
        return query select c.id, c.tenant_id
          from channels c join tenants t on t.id = c.tenant_id
          where c.type = 'whatsapp' and c.status = 'active' and t.status = 'active'
          order by c.created_at;
        perform set_config('app.platform', coalesce(previous, ''), true);
      end $$;`);
    this.addSql('revoke all on function whatsapp_channels_to_run() from public;');
    this.addSql(`grant execute on function whatsapp_channels_to_run() to ${app};`);
  }
}
