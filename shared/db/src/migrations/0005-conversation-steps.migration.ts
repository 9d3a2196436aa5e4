import { Migration } from '@mikro-orm/migrations';
import { appRoleName } from '../app-role.ts';

const app = appRoleName;

/**
 * A conversation step in one statement. The runner stores each step (a customer's message, an
 * AI answer, an agent's command) with everything it implies: contact, conversation, message
 * rows, bot replies and the actor's snapshot, written only where the version is the one the
 * actor woke at. As one function call it is one round trip and one implicit transaction
 * instead of a dozen; it sets the tenant itself, runs as the caller (row-level security
 * applies) and raises SBDUP (message already stored), SBVER (stale version) or SBNOF (no such
 * conversation), which undo the whole step.
 *
 * `p_step`: { conversationId, version, snapshot, status, assignedAgentId?, agentDeadlineAt?,
 *   lastPreview?, fromCustomer, inbound?: { messageId, channelId, externalMessageId,
 *   externalChatId, contact, text?, attachments, visit? }, agentWrite?: { externalId, agentId,
 *   agentName?, text, isPrivate }, replies: [{ externalId, text }] }
 *
 * Part of a released migration once landed: never edit, add a migration instead.
 */
export class Migration0005ConversationSteps extends Migration {
  override name = '0005-conversation-steps';

  override up(): void {
    this.addSql(`create function conversation_step(p_tenant uuid, p_step jsonb) returns jsonb
      language plpgsql volatile security invoker set search_path = public, pg_temp
      as $$
      declare
        v_inbound jsonb := p_step -> 'inbound';
        v_conversation uuid := (p_step ->> 'conversationId')::uuid;
        v_channel uuid;
        v_outbound_status text;
        v_contact uuid;
        v_created boolean := false;
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
          insert into messages (id, tenant_id, conversation_id, channel_id, external_id, direction, author_kind, author_name, text, attachments, status, created_at)
            values ((v_inbound ->> 'messageId')::uuid, p_tenant, v_conversation, v_channel, v_inbound ->> 'externalMessageId', 'inbound', 'customer',
              v_inbound -> 'contact' ->> 'name', v_inbound ->> 'text', coalesce(v_inbound -> 'attachments', '[]'), 'received', clock_timestamp())
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
          insert into messages (tenant_id, conversation_id, channel_id, external_id, direction, author_kind, author_id, author_name, text, is_private, status, created_at)
            values (p_tenant, v_conversation, v_channel, p_step -> 'agentWrite' ->> 'externalId', 'outbound', 'agent',
              (p_step -> 'agentWrite' ->> 'agentId')::uuid, p_step -> 'agentWrite' ->> 'agentName', p_step -> 'agentWrite' ->> 'text',
              (p_step -> 'agentWrite' ->> 'isPrivate')::boolean,
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
        return jsonb_build_object('conversation', v_view, 'messages', v_messages, 'created', v_created);
      end $$;`);
    this.addSql(`grant execute on function conversation_step(uuid, jsonb) to ${app};`);

    // Several steps (of any conversations and tenants) in one round trip and one commit: what
    // the runner sends when steps pile up while the previous batch is in the database. Each step
    // runs in its own subtransaction, so one that fails (a duplicate, a stale version) is undone
    // alone and reported by its SQLSTATE while the others are stored.
    this.addSql(`create function conversation_steps(p_steps jsonb) returns jsonb
      language plpgsql volatile security invoker set search_path = public, pg_temp
      as $$
      declare
        v_step jsonb;
        v_results jsonb := '[]';
      begin
        for v_step in select value from jsonb_array_elements(p_steps) loop
          begin
            v_results := v_results || jsonb_build_array(jsonb_build_object('result', conversation_step((v_step ->> 'tenantId')::uuid, v_step -> 'step')));
          exception when others then
            v_results := v_results || jsonb_build_array(jsonb_build_object('state', sqlstate, 'message', sqlerrm));
          end;
        end loop;
        perform set_config('app.current_tenant', '', true);
        return v_results;
      end $$;`);
    this.addSql(`grant execute on function conversation_steps(jsonb) to ${app};`);

    // A conversation's stored snapshot and version, in one round trip, in the tenant's scope.
    this.addSql(`create function conversation_snapshot(p_tenant uuid, p_channel uuid, p_chat text)
      returns table (snapshot jsonb, version integer)
      language plpgsql volatile security invoker set search_path = public, pg_temp
      as $$
      begin
        perform set_config('app.current_tenant', p_tenant::text, true), set_config('app.current_user', '', true), set_config('app.platform', '', true);
        return query select c.snapshot, c.version from conversations c where c.channel_id = p_channel and c.external_chat_id = p_chat;
      end $$;`);
    this.addSql(`grant execute on function conversation_snapshot(uuid, uuid, text) to ${app};`);

    // A connector's delivery report applied in one round trip: the status only ever moves
    // forward (pending → sent → delivered → read; failed at any point), and the message comes
    // back with where its chat lives, for the widget.
    this.addSql(`create function apply_delivery(p_tenant uuid, p_message uuid, p_status text, p_reason text)
      returns table (message jsonb, channel_id uuid, external_chat_id text)
      language plpgsql volatile security invoker set search_path = public, pg_temp
      as $$
      declare
        v_rank constant jsonb := '{"received": 0, "pending": 1, "sent": 2, "delivered": 3, "read": 4, "failed": 5}';
      begin
        perform set_config('app.current_tenant', p_tenant::text, true), set_config('app.current_user', '', true), set_config('app.platform', '', true);
        return query with updated as (
            update messages m set status = p_status, failure_reason = p_reason
            where m.id = p_message and (v_rank ->> m.status)::integer < (v_rank ->> p_status)::integer
            returning m.*
          )
          select to_jsonb(u), c.channel_id, c.external_chat_id from updated u join conversations c on c.id = u.conversation_id;
      end $$;`);
    this.addSql(`grant execute on function apply_delivery(uuid, uuid, text, text) to ${app};`);
  }
}
