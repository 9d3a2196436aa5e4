import type { ActionView, AiAnswer } from '@switchboard/contracts';
import { actionColumns, toActionView, withTenant, type ActionRow, type Orm } from '@switchboard/db';

/**
 * Stores the actions the bot proposed with a reply, for a person to confirm or reject. Keyed by
 * the message answered and the action's place, so a step replayed after a crash proposes nothing
 * twice. Resolves to the actions stored now (none when they already were).
 */
export async function recordProposedActions(
  orm: Orm,
  tenantId: string,
  conversationId: string,
  inReplyTo: string,
  actions: AiAnswer['actions'],
): Promise<ActionView[]> {
  if (actions.length === 0) return [];
  return withTenant(orm.em, tenantId, async (em) => {
    const rows = await em.execute<ActionRow[]>(
      `insert into proposed_actions (tenant_id, conversation_id, external_id, kind, summary, fields)
       select ?, ?, 'action:' || ?::text || ':' || a.ordinality, a.item ->> 'kind', a.item ->> 'summary', coalesce(a.item -> 'fields', '{}')
       from jsonb_array_elements(?::jsonb) with ordinality as a(item, ordinality)
       on conflict (tenant_id, external_id) do nothing
       returning ${actionColumns}`,
      [tenantId, conversationId, inReplyTo, JSON.stringify(actions)],
    );
    return rows.map(toActionView);
  });
}
