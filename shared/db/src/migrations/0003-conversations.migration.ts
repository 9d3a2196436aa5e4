import { Migration } from '@mikro-orm/migrations';
import { appRoleName } from '../app-role.ts';

const app = appRoleName;
const tenantTables = ['channels', 'contacts', 'conversations', 'messages'];

/**
 * Channels, contacts, conversations and messages: everything a live chat writes. Every table is
 * tenant-owned under the same row-level security as 0002. The dedupe keys the architecture
 * relies on are unique constraints here: a channel message is one row per (tenant, channel,
 * external id), and a chat is one conversation per (tenant, channel, external chat id).
 *
 * Part of a released migration once landed: never edit, add a migration instead.
 */
export class Migration0003Conversations extends Migration {
  override name = '0003-conversations';

  override up(): void {
    this.addSql(`create table channels (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      type text not null check (type in ('webchat', 'whatsapp', 'telegram')),
      name text not null,
      public_key text unique,
      allowed_origins text[] not null default '{}',
      settings jsonb not null default '{}',
      credentials_sealed text,
      status text not null default 'active',
      last_activity_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (type <> 'webchat' or public_key is not null)
    );`);
    this.addSql('create index channels_tenant on channels (tenant_id);');

    this.addSql(`create table contacts (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      channel_id uuid not null references channels (id) on delete cascade,
      external_id text not null,
      name text,
      phone text,
      username text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, channel_id, external_id)
    );`);

    this.addSql(`create table conversations (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      channel_id uuid not null references channels (id) on delete cascade,
      contact_id uuid not null references contacts (id) on delete cascade,
      external_chat_id text not null,
      status text not null default 'bot' check (status in ('bot', 'awaiting_agent', 'agent', 'closed')),
      assigned_agent_id uuid references users (id) on delete set null,
      snapshot jsonb,
      agent_deadline_at timestamptz,
      last_message_at timestamptz,
      last_message_preview text,
      unread_count integer not null default 0,
      visit jsonb,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, channel_id, external_chat_id)
    );`);
    // The inbox lists by status, newest first; the sweeper finds lapsed agent claims.
    this.addSql('create index conversations_inbox on conversations (tenant_id, status, last_message_at desc, id desc);');
    this.addSql('create index conversations_agent_deadline on conversations (agent_deadline_at) where agent_deadline_at is not null;');

    this.addSql(`create table messages (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      conversation_id uuid not null references conversations (id) on delete cascade,
      channel_id uuid not null references channels (id) on delete cascade,
      external_id text not null,
      direction text not null check (direction in ('inbound', 'outbound')),
      author_kind text not null check (author_kind in ('customer', 'bot', 'agent', 'system')),
      author_id uuid,
      author_name text,
      text text,
      attachments jsonb not null default '[]',
      is_private boolean not null default false,
      status text not null check (status in ('received', 'pending', 'sent', 'delivered', 'read', 'failed')),
      failure_reason text,
      in_reply_to uuid,
      created_at timestamptz not null default now(),
      unique (tenant_id, channel_id, external_id)
    );`);
    this.addSql('create index messages_timeline on messages (conversation_id, created_at, id);');

    for (const table of tenantTables) {
      this.addSql(`alter table ${table} enable row level security;`);
      this.addSql(`alter table ${table} force row level security;`);
      this.addSql(`create policy ${table}_all on ${table} for all
        using (tenant_id = app_current_tenant() or app_is_platform())
        with check (tenant_id = app_current_tenant() or app_is_platform());`);
    }
    this.addSql(`grant select, insert, update, delete on ${tenantTables.join(', ')} to ${app};`);

    // The widget knows only a channel's public key; this finds its tenant without opening the
    // platform scope to unauthenticated code.
    this.addSql(`create or replace function channel_by_public_key(p_key text)
      returns table (id uuid, tenant_id uuid, type text, allowed_origins text[], settings jsonb, tenant_status text)
      language plpgsql volatile security definer set search_path = public, pg_temp
      as $$
      declare
        previous text := current_setting('app.platform', true);
      begin
        perform set_config('app.platform', 'on', true);
        return query select c.id, c.tenant_id, c.type, c.allowed_origins, c.settings, t.status
          from channels c join tenants t on t.id = c.tenant_id
          where c.public_key = p_key and c.type = 'webchat';
        perform set_config('app.platform', coalesce(previous, ''), true);
      end $$;`);
    this.addSql('revoke all on function channel_by_public_key(text) from public;');
    this.addSql(`grant execute on function channel_by_public_key(text) to ${app};`);
  }
}
