import { Migration } from '@mikro-orm/migrations';
import { appRoleName } from '../app-role.ts';

const app = appRoleName;

/**
 * What the live inbox needs on top of 0003:
 * - `conversations.version`: the runner writes a conversation's snapshot only where the version
 *   is the one it loaded (a conditional update), so two writers can never both win: a claim race,
 *   or a second runner that woke the same conversation, fails and retries from the stored state.
 * - `conversations.contact_identifier`: the storefront's signed identity of a widget visitor.
 * - `tenants.conversation_settings`: handoff keywords, agent inactivity, bot messages, FAQ.
 * - `canned_responses`: saved replies agents insert with `/shortcut`.
 * - every tenant has a webchat channel with a public key: created for existing tenants here and
 *   by a trigger for new ones, so sign-up and seeding need not remember it.
 *
 * Part of a released migration once landed: never edit, add a migration instead.
 */
export class Migration0004LiveInbox extends Migration {
  override name = '0004-live-inbox';

  override up(): void {
    this.addSql('alter table conversations add column version integer not null default 0;');
    this.addSql('alter table conversations add column contact_identifier text;');
    this.addSql(`alter table tenants add column conversation_settings jsonb not null default '{}';`);
    // The inbox's "mine" tab and the agent sweeper read by assignee.
    this.addSql('create index conversations_assignee on conversations (tenant_id, assigned_agent_id, last_message_at desc, id desc) where assigned_agent_id is not null;');
    this.addSql('create index messages_conversation_recent on messages (conversation_id, created_at desc, id desc);');

    this.addSql(`create table canned_responses (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      shortcut text not null check (shortcut ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
      text text not null check (length(text) between 1 and 4096),
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, shortcut)
    );`);
    this.addSql('alter table canned_responses enable row level security;');
    this.addSql('alter table canned_responses force row level security;');
    this.addSql(`create policy canned_responses_all on canned_responses for all
      using (tenant_id = app_current_tenant() or app_is_platform())
      with check (tenant_id = app_current_tenant() or app_is_platform());`);
    this.addSql(`grant select, insert, update, delete on canned_responses to ${app};`);

    // A webchat public key: "wk_" and 32 hex characters, unguessable (two random UUIDs' bits).
    this.addSql(`create or replace function new_webchat_key() returns text language sql volatile as $$
      select 'wk_' || substr(replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', ''), 1, 32)
    $$;`);
    this.addSql(`create or replace function tenants_webchat_channel() returns trigger
      language plpgsql security definer set search_path = public, pg_temp
      as $$
      declare
        previous text := current_setting('app.platform', true);
      begin
        perform set_config('app.platform', 'on', true);
        insert into channels (tenant_id, type, name, public_key) values (new.id, 'webchat', 'Website chat', new_webchat_key());
        perform set_config('app.platform', coalesce(previous, ''), true);
        return new;
      end $$;`);
    this.addSql(`create trigger tenants_webchat_channel after insert on tenants for each row execute function tenants_webchat_channel();`);
    this.addSql(`insert into channels (tenant_id, type, name, public_key)
      select t.id, 'webchat', 'Website chat', new_webchat_key() from tenants t
      where not exists (select 1 from channels c where c.tenant_id = t.id and c.type = 'webchat');`);

    // The widget resolves its channel by public key before anyone signs in; this also answers
    // the tenant's name, colour, locale and settings, which the widget shows.
    this.addSql('drop function channel_by_public_key(text);');
    this.addSql(`create function channel_by_public_key(p_key text)
      returns table (id uuid, tenant_id uuid, type text, allowed_origins text[], settings jsonb, tenant_status text,
        tenant_name text, branding jsonb, locale text, conversation_settings jsonb)
      language plpgsql volatile security definer set search_path = public, pg_temp
      as $$
      declare
        previous text := current_setting('app.platform', true);
      begin
        perform set_config('app.platform', 'on', true);
        return query select c.id, c.tenant_id, c.type, c.allowed_origins, c.settings, t.status,
            t.name, t.branding, t.locale, t.conversation_settings
          from channels c join tenants t on t.id = c.tenant_id
          where c.public_key = p_key and c.type = 'webchat';
        perform set_config('app.platform', coalesce(previous, ''), true);
      end $$;`);
    this.addSql('revoke all on function channel_by_public_key(text) from public;');
    this.addSql(`grant execute on function channel_by_public_key(text) to ${app};`);

    // The runner's sweeper finds assigned agents who went quiet, across tenants, without the
    // platform scope: it gets ids and nothing else.
    this.addSql(`create function lapsed_agent_claims(p_limit integer)
      returns table (id uuid, tenant_id uuid, channel_id uuid, external_chat_id text)
      language plpgsql volatile security definer set search_path = public, pg_temp
      as $$
      declare
        previous text := current_setting('app.platform', true);
      begin
        perform set_config('app.platform', 'on', true);
        return query select c.id, c.tenant_id, c.channel_id, c.external_chat_id from conversations c
          where c.agent_deadline_at is not null and c.agent_deadline_at < now() and c.status = 'agent'
          order by c.agent_deadline_at limit p_limit;
        perform set_config('app.platform', coalesce(previous, ''), true);
      end $$;`);
    this.addSql('revoke all on function lapsed_agent_claims(integer) from public;');
    this.addSql(`grant execute on function lapsed_agent_claims(integer) to ${app};`);

    // After a crash, conversations whose bot answer was in flight (the customer's message is
    // stored, the reply is not) are woken so the answer is still given, once.
    this.addSql(`create function stalled_bot_answers(p_older_than_seconds integer, p_limit integer)
      returns table (id uuid, tenant_id uuid, channel_id uuid, external_chat_id text)
      language plpgsql volatile security definer set search_path = public, pg_temp
      as $$
      declare
        previous text := current_setting('app.platform', true);
      begin
        perform set_config('app.platform', 'on', true);
        return query select c.id, c.tenant_id, c.channel_id, c.external_chat_id from conversations c
          where c.status = 'bot' and c.snapshot -> 'value' ->> 'bot' = 'answering'
            and c.updated_at < now() - make_interval(secs => p_older_than_seconds)
          order by c.updated_at limit p_limit;
        perform set_config('app.platform', coalesce(previous, ''), true);
      end $$;`);
    this.addSql('revoke all on function stalled_bot_answers(integer, integer) from public;');
    this.addSql(`grant execute on function stalled_bot_answers(integer, integer) to ${app};`);

    // The outbox half of a step: a reply stored but never published (the runner died between
    // its commit and its publish) is still 'pending' after a while; the sweeper publishes it
    // once more under the same Nats-Msg-Id, which JetStream drops if the first publish happened.
    this.addSql('alter table messages add column republished_at timestamptz;');
    this.addSql(`create index messages_pending_outbound on messages (created_at)
      where status = 'pending' and direction = 'outbound' and not is_private and republished_at is null;`);
    this.addSql(`create function unsent_replies(p_older_than_seconds integer, p_limit integer)
      returns table (tenant_id uuid, id uuid, conversation_id uuid, channel_id uuid, channel_type text, external_chat_id text,
        text text, author_kind text, author_id uuid, author_name text)
      language plpgsql volatile security definer set search_path = public, pg_temp
      as $$
      declare
        previous text := current_setting('app.platform', true);
      begin
        perform set_config('app.platform', 'on', true);
        return query with due as (
            select m.id from messages m
            where m.status = 'pending' and m.direction = 'outbound' and not m.is_private and m.republished_at is null
              and m.created_at < now() - make_interval(secs => p_older_than_seconds)
            order by m.created_at limit p_limit for update skip locked
          ), marked as (
            update messages m set republished_at = now() from due where m.id = due.id returning m.*
          )
          select m.tenant_id, m.id, m.conversation_id, m.channel_id, ch.type, c.external_chat_id,
            m.text, m.author_kind, m.author_id, m.author_name
          from marked m join conversations c on c.id = m.conversation_id join channels ch on ch.id = m.channel_id;
        perform set_config('app.platform', coalesce(previous, ''), true);
      end $$;`);
    this.addSql('revoke all on function unsent_replies(integer, integer) from public;');
    this.addSql(`grant execute on function unsent_replies(integer, integer) to ${app};`);
  }
}
