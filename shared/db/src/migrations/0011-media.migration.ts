import { Migration } from '@mikro-orm/migrations';
import { appRoleName } from '../app-role.ts';

const app = appRoleName;

/**
 * Media and messages the business writes outside Switchboard.
 *
 * `media_objects` keeps the bytes of files customers send (WhatsApp media is downloaded when it
 * arrives, because WhatsApp drops it from its servers after a while; Telegram files are fetched
 * from the Bot API when first viewed and kept), so any hub can serve them to the tenant's
 * consoles. A file's id is derived from where it came from, so a replayed message stores it
 * once. Tenant-owned under the same row-level security as 0003. Uploads (an agent's or a widget
 * visitor's file about to be sent) that no message names a day later are swept away.
 *
 * `conversation_step` (0005) learns two things: an inbound message marked `fromBusiness` (the
 * business answered from its own phone) is stored as a person's outbound message, already sent,
 * and an agent's message may carry attachments, which `unsent_replies` (0004) now returns too. The
 * actions the bot proposes with a reply (`proposals`) are stored in the step's own transaction
 * (0007 stored them just after it, so a crash in between lost them) and returned as `actions`.
 *
 * Part of a released migration once landed: never edit, add a migration instead.
 */
export class Migration0011Media extends Migration {
  override name = '0011-media';

  override up(): void {
    this.addSql(`create table media_objects (
      id uuid primary key,
      tenant_id uuid not null references tenants (id) on delete cascade,
      mime_type text not null,
      file_name text,
      size_bytes integer not null check (size_bytes >= 0),
      sha256 text not null,
      bytes bytea not null,
      origin text not null default 'channel' check (origin in ('channel', 'upload')),
      created_at timestamptz not null default now()
    );`);
    this.addSql('create index media_objects_tenant on media_objects (tenant_id, created_at);');
    this.addSql('alter table media_objects enable row level security;');
    this.addSql('alter table media_objects force row level security;');
    this.addSql(`create policy media_objects_all on media_objects for all
      using (tenant_id = app_current_tenant() or app_is_platform())
      with check (tenant_id = app_current_tenant() or app_is_platform());`);
    // Files are written once and read many times; never updated.
    this.addSql(`grant select, insert, delete on media_objects to ${app};`);
    // Which messages name a file (containment on their attachments), for the upload sweep.
    this.addSql('create index messages_attachments on messages using gin (attachments jsonb_path_ops);');
    this.addSql(`create index media_objects_uploads on media_objects (created_at) where origin = 'upload';`);
    // Uploads no message names a day later (a file attached and never sent) are removed.
    this.addSql(`create function sweep_unsent_uploads(p_older_than_seconds integer, p_limit integer)
      returns integer
      language plpgsql volatile security definer set search_path = public, pg_temp
      as $$
      declare
        previous text := current_setting('app.platform', true);
        v_removed integer;
      begin
        perform set_config('app.platform', 'on', true);
        with unsent as (
          select mo.id from media_objects mo
          where mo.origin = 'upload' and mo.created_at < now() - make_interval(secs => p_older_than_seconds)
            and not exists (select 1 from messages m
              where m.attachments @> jsonb_build_array(jsonb_build_object('url', 'media:' || mo.id::text)) and m.tenant_id = mo.tenant_id)
          order by mo.created_at limit p_limit
        ), removed as (delete from media_objects mo using unsent where mo.id = unsent.id returning 1)
        select count(*) into v_removed from removed;
        perform set_config('app.platform', coalesce(previous, ''), true);
        return v_removed;
      end $$;`);
    this.addSql('revoke all on function sweep_unsent_uploads(integer, integer) from public;');
    this.addSql(`grant execute on function sweep_unsent_uploads(integer, integer) to ${app};`);

    this.addSql(`create or replace function conversation_step(p_tenant uuid, p_step jsonb) returns jsonb
      language plpgsql volatile security invoker set search_path = public, pg_temp
      as $$
      declare
        v_inbound jsonb := p_step -> 'inbound';
        v_conversation uuid := (p_step ->> 'conversationId')::uuid;
        v_channel uuid;
        v_outbound_status text;
        v_contact uuid;
        v_created boolean := false;
        v_business boolean := false;
        v_action jsonb;
        v_action_row proposed_actions;
        v_actions jsonb := '[]';
        v_messages jsonb := '[]';
        v_row messages;
        v_reply jsonb;
        v_view jsonb;
      begin
        perform set_config('app.current_tenant', p_tenant::text, true), set_config('app.current_user', '', true), set_config('app.platform', '', true);
        if v_inbound is not null then
          v_channel := (v_inbound ->> 'channelId')::uuid;
          insert into contacts (tenant_id, channel_id, external_id, name, phone, username)
            values (p_tenant, v_channel, v_inbound -> 'contact' ->> 'externalId', v_inbound -> 'contact' ->> 'name',
              v_inbound -> 'contact' ->> 'phone', v_inbound -> 'contact' ->> 'username')
            on conflict (tenant_id, channel_id, external_id) do update set
              name = coalesce(excluded.name, contacts.name), phone = coalesce(excluded.phone, contacts.phone),
              username = coalesce(excluded.username, contacts.username), updated_at = now()
            returning id into v_contact;
          insert into conversations (id, tenant_id, channel_id, contact_id, external_chat_id, visit)
            values (v_conversation, p_tenant, v_channel, v_contact, v_inbound ->> 'externalChatId', v_inbound -> 'visit')
            on conflict (tenant_id, channel_id, external_chat_id) do update set updated_at = now()
            returning id, (xmax = 0) into v_conversation, v_created;
          -- A message the business wrote outside Switchboard (from its own phone) is a person's
          -- reply, already delivered by the channel.
          v_business := coalesce((v_inbound ->> 'fromBusiness')::boolean, false);
          insert into messages (id, tenant_id, conversation_id, channel_id, external_id, direction, author_kind, author_name, text, attachments, status, created_at)
            values ((v_inbound ->> 'messageId')::uuid, p_tenant, v_conversation, v_channel, v_inbound ->> 'externalMessageId',
              case when v_business then 'outbound' else 'inbound' end, case when v_business then 'agent' else 'customer' end,
              case when v_business then 'Business phone' else v_inbound -> 'contact' ->> 'name' end,
              v_inbound ->> 'text', coalesce(v_inbound -> 'attachments', '[]'), case when v_business then 'sent' else 'received' end, clock_timestamp())
            on conflict do nothing
            returning * into v_row;
          if not found then
            raise exception 'message % is already stored', v_inbound ->> 'externalMessageId' using errcode = 'SBDUP';
          end if;
          v_messages := v_messages || jsonb_build_array(to_jsonb(v_row));
        else
          select channel_id into v_channel from conversations where id = v_conversation;
          if not found then
            raise exception 'no conversation %', v_conversation using errcode = 'SBNOF';
          end if;
        end if;

        -- The widget's replies travel on the events stream the hub reads: stored, they are sent.
        -- Other channels' replies wait for their connector's report.
        select case when type = 'webchat' then 'sent' else 'pending' end into v_outbound_status from channels where id = v_channel;

        if p_step ? 'agentWrite' then
          insert into messages (tenant_id, conversation_id, channel_id, external_id, direction, author_kind, author_id, author_name, text, attachments, is_private, status, created_at)
            values (p_tenant, v_conversation, v_channel, p_step -> 'agentWrite' ->> 'externalId', 'outbound', 'agent',
              (p_step -> 'agentWrite' ->> 'agentId')::uuid, p_step -> 'agentWrite' ->> 'agentName', p_step -> 'agentWrite' ->> 'text',
              coalesce(p_step -> 'agentWrite' -> 'attachments', '[]'), (p_step -> 'agentWrite' ->> 'isPrivate')::boolean,
              case when (p_step -> 'agentWrite' ->> 'isPrivate')::boolean then 'read' else v_outbound_status end, clock_timestamp())
            on conflict (tenant_id, channel_id, external_id) do nothing
            returning * into v_row;
          if found then v_messages := v_messages || jsonb_build_array(to_jsonb(v_row)); end if;
        end if;

        for v_reply in select value from jsonb_array_elements(coalesce(p_step -> 'replies', '[]')) loop
          insert into messages (tenant_id, conversation_id, channel_id, external_id, direction, author_kind, author_name, text, status, created_at)
            values (p_tenant, v_conversation, v_channel, v_reply ->> 'externalId', 'outbound', 'bot', 'Assistant', v_reply ->> 'text', v_outbound_status, clock_timestamp())
            on conflict (tenant_id, channel_id, external_id) do nothing
            returning * into v_row;
          if found then v_messages := v_messages || jsonb_build_array(to_jsonb(v_row)); end if;
        end loop;

        -- The actions the bot proposed with its replies, in the same transaction: a crash can
        -- lose neither the reply nor its proposals. Keyed by the message answered and the
        -- action's place, so a replayed step proposes nothing twice.
        for v_reply in select value from jsonb_array_elements(coalesce(p_step -> 'proposals', '[]')) loop
          for v_action in select a.item || jsonb_build_object('place', a.place)
              from jsonb_array_elements(v_reply -> 'actions') with ordinality as a(item, place) loop
            insert into proposed_actions (tenant_id, conversation_id, external_id, kind, summary, fields)
              values (p_tenant, v_conversation, 'action:' || (v_reply ->> 'inReplyTo') || ':' || (v_action ->> 'place'),
                v_action ->> 'kind', v_action ->> 'summary', coalesce(v_action -> 'fields', '{}'))
              on conflict (tenant_id, external_id) do nothing
              returning * into v_action_row;
            if found then v_actions := v_actions || jsonb_build_array(to_jsonb(v_action_row)); end if;
          end loop;
        end loop;

        update conversations set snapshot = p_step -> 'snapshot', status = p_step ->> 'status',
            assigned_agent_id = (p_step ->> 'assignedAgentId')::uuid, agent_deadline_at = (p_step ->> 'agentDeadlineAt')::timestamptz,
            version = version + 1,
            last_message_at = case when p_step ->> 'lastPreview' is null then last_message_at else now() end,
            last_message_preview = coalesce(p_step ->> 'lastPreview', last_message_preview),
            unread_count = case when (p_step ->> 'fromCustomer')::boolean then unread_count + 1 else unread_count end,
            updated_at = now()
          where id = v_conversation and version = (p_step ->> 'version')::integer;
        if not found then
          raise exception 'conversation % changed meanwhile', v_conversation using errcode = 'SBVER';
        end if;

        select to_jsonb(x) into v_view from (
          select c.id, c.channel_id, ch.type as channel_type, c.status, ct.name as contact_name, c.assigned_agent_id,
            c.last_message_at, c.last_message_preview, c.unread_count, c.created_at, c.updated_at, c.external_chat_id, c.version
          from conversations c join channels ch on ch.id = c.channel_id join contacts ct on ct.id = c.contact_id
          where c.id = v_conversation) x;
        return jsonb_build_object('conversation', v_view, 'messages', v_messages, 'created', v_created, 'actions', v_actions);
      end $$;`);

    // A reply republished after a crash carries its files too (its result gains `attachments`).
    this.addSql('drop function unsent_replies(integer, integer);');
    this.addSql(`create function unsent_replies(p_older_than_seconds integer, p_limit integer)
      returns table (tenant_id uuid, id uuid, conversation_id uuid, channel_id uuid, channel_type text, external_chat_id text,
        text text, attachments jsonb, author_kind text, author_id uuid, author_name text)
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
            m.text, m.attachments, m.author_kind, m.author_id, m.author_name
          from marked m join conversations c on c.id = m.conversation_id join channels ch on ch.id = m.channel_id;
        perform set_config('app.platform', coalesce(previous, ''), true);
      end $$;`);
    this.addSql('revoke all on function unsent_replies(integer, integer) from public;');
    this.addSql(`grant execute on function unsent_replies(integer, integer) to ${app};`);
  }
}
