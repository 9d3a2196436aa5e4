import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createEnvelope, type Bus } from '@switchboard/bus';
import { ActionList, ActionView, IdParams, RejectActionRequest } from '@switchboard/contracts';
import { actionColumns, toActionView, withTenant, type ActionRow, type Orm } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import { auditActorOf, recordAudit } from '../audit/audit-writer.ts';
import { principalOf } from '../identity/me.routes.ts';
import { inboxActorOf } from '../inbox/inbox.service.ts';

/**
 * The actions the bot proposed: listed per conversation, and confirmed or rejected by a person,
 * once (a second decision is a conflict), audited, and told to every console of the workspace.
 * Executing a confirmed action is the business modules' work.
 */
export const actionRoutes: FastifyPluginAsyncTypebox<{ orm: Orm; bus: Bus }> = async (app, { orm, bus }) => {
  app.get('/api/v1/conversations/:id/actions', {
    config: { access: 'conversation.read' },
    schema: { tags: ['conversations'], summary: 'The actions the bot proposed in a conversation, newest last', params: IdParams, response: { 200: ActionList } },
  }, async (request) => {
    const { tenantId } = inboxActorOf(principalOf(request));
    const rows = await withTenant(orm.em, tenantId, async (em) => {
      const [conversation] = await em.execute<Array<{ id: string }>>('select id from conversations where id = ?', [request.params.id]);
      if (!conversation) throw new AppError('SB_ERR_NOT_FOUND', { message: 'No conversation has this id.' });
      return em.execute<ActionRow[]>(`select ${actionColumns} from proposed_actions where conversation_id = ? order by created_at, external_id`, [request.params.id]);
    });
    return { items: rows.map(toActionView) };
  });

  const decide = async (status: 'confirmed' | 'rejected', request: Parameters<typeof principalOf>[0], actionId: string, reason?: string) => {
    const { tenantId } = inboxActorOf(principalOf(request));
    const actor = auditActorOf(request);
    const action = await withTenant(orm.em, tenantId, async (em) => {
      const [row] = await em.execute<ActionRow[]>(
        `update proposed_actions set status = ?, decided_by = ?, decided_at = now(), reason = ?
         where id = ? and status = 'proposed' returning ${actionColumns}`,
        [status, actor.actorUserId ?? null, reason ?? null, actionId],
      );
      if (!row) {
        const [existing] = await em.execute<Array<{ status: string }>>('select status from proposed_actions where id = ?', [actionId]);
        if (!existing) throw new AppError('SB_ERR_NOT_FOUND', { message: 'No proposed action has this id.' });
        throw new AppError('SB_ERR_CONFLICT', { message: `This action was already ${existing.status}.` });
      }
      recordAudit(em, actor, {
        action: `action.${status}`, tenantId, targetType: 'proposed_action', targetId: row.id,
        metadata: { kind: row.kind, conversationId: row.conversation_id, ...(row.reason ? { reason: row.reason } : {}) },
      });
      await em.flush();
      return toActionView(row);
    });
    await bus.publish(createEnvelope(status === 'confirmed' ? 'action.confirmed' : 'action.rejected', tenantId, { action }));
    return action;
  };

  app.post('/api/v1/actions/:id/confirm', {
    config: { access: 'conversation.reply' },
    schema: { tags: ['conversations'], summary: 'Confirm an action the bot proposed (once; audited)', params: IdParams, response: { 200: ActionView } },
  }, async (request) => decide('confirmed', request, request.params.id));

  app.post('/api/v1/actions/:id/reject', {
    config: { access: 'conversation.reply' },
    schema: { tags: ['conversations'], summary: 'Reject an action the bot proposed (once; audited), optionally saying why', params: IdParams, body: RejectActionRequest, response: { 200: ActionView } },
  }, async (request) => decide('rejected', request, request.params.id, request.body.reason));
};
