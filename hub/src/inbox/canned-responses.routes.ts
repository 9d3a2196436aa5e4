import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CannedResponseList, CannedResponseRequest, CannedResponseView, IdParams } from '@switchboard/contracts';
import { withTenant, type Orm } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import { auditActorOf, recordAudit } from '../audit/audit-writer.ts';
import { principalOf } from '../identity/me.routes.ts';
import { violatedUniqueConstraint } from '../identity/unique-violation.ts';
import { inboxActorOf } from './inbox.service.ts';

interface CannedRow {
  id: string;
  shortcut: string;
  text: string;
  created_at: Date;
  updated_at: Date;
}

const view = (row: CannedRow): CannedResponseView => ({
  id: row.id,
  shortcut: row.shortcut,
  text: row.text,
  createdAt: new Date(row.created_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
});
const taken = (shortcut: string) => new AppError('SB_ERR_CONFLICT', { message: `The shortcut /${shortcut} is already used; choose another.`, issues: [{ path: '/shortcut', message: 'is already used' }] });
const tags = ['canned responses'];

/** `/api/v1/canned-responses`: saved replies; every agent reads them, admins manage them. */
export const cannedResponseRoutes: FastifyPluginAsyncTypebox<{ orm: Orm }> = async (app, { orm }) => {
  const inTenant = <T>(request: Parameters<typeof principalOf>[0], work: (em: EntityManager, tenantId: string) => Promise<T>) => {
    const { tenantId } = inboxActorOf(principalOf(request));
    return withTenant(orm.em, tenantId, (em) => work(em, tenantId));
  };
  const write = async <T>(work: () => Promise<T>, shortcut: string) => {
    try {
      return await work();
    } catch (error) {
      if (violatedUniqueConstraint(error) !== undefined) throw taken(shortcut);
      throw error;
    }
  };

  app.get('/api/v1/canned-responses', {
    config: { access: 'conversation.read' },
    schema: { tags, summary: 'Canned responses, by shortcut', response: { 200: CannedResponseList } },
  }, async (request) => ({
    items: (await inTenant(request, (em) => em.execute<CannedRow[]>('select * from canned_responses order by shortcut'))).map(view),
  }));

  app.post('/api/v1/canned-responses', {
    config: { access: 'conversation.manage' },
    schema: { tags, summary: 'Add a canned response', body: CannedResponseRequest, response: { 201: CannedResponseView } },
  }, async (request, reply) => {
    const created = await write(() => inTenant(request, async (em, tenantId) => {
      const [row] = await em.execute<CannedRow[]>('insert into canned_responses (tenant_id, shortcut, text, created_by) values (?, ?, ?, ?) returning *',
        [tenantId, request.body.shortcut, request.body.text, principalOf(request).userId]);
      if (!row) throw new Error('insert returned no row');
      recordAudit(em, auditActorOf(request), { action: 'canned_response.created', tenantId, targetType: 'canned_response', targetId: row.id, metadata: { shortcut: row.shortcut } });
      await em.flush();
      return view(row);
    }), request.body.shortcut);
    return reply.status(201).send(created);
  });

  app.put('/api/v1/canned-responses/:id', {
    config: { access: 'conversation.manage' },
    schema: { tags, summary: 'Change a canned response', params: IdParams, body: CannedResponseRequest, response: { 200: CannedResponseView } },
  }, async (request) => write(() => inTenant(request, async (em, tenantId) => {
    const [row] = await em.execute<CannedRow[]>('update canned_responses set shortcut = ?, text = ?, updated_at = now() where id = ? returning *',
      [request.body.shortcut, request.body.text, request.params.id]);
    if (!row) throw new AppError('SB_ERR_NOT_FOUND', { message: 'That canned response does not exist.' });
    recordAudit(em, auditActorOf(request), { action: 'canned_response.updated', tenantId, targetType: 'canned_response', targetId: row.id, metadata: { shortcut: row.shortcut } });
    await em.flush();
    return view(row);
  }), request.body.shortcut));

  app.delete('/api/v1/canned-responses/:id', {
    config: { access: 'conversation.manage' },
    schema: { tags, summary: 'Delete a canned response', params: IdParams },
  }, async (request, reply) => {
    await inTenant(request, async (em, tenantId) => {
      const [row] = await em.execute<CannedRow[]>('delete from canned_responses where id = ? returning *', [request.params.id]);
      if (!row) throw new AppError('SB_ERR_NOT_FOUND', { message: 'That canned response does not exist.' });
      recordAudit(em, auditActorOf(request), { action: 'canned_response.deleted', tenantId, targetType: 'canned_response', targetId: row.id, metadata: { shortcut: row.shortcut } });
      await em.flush();
    });
    return reply.status(204).send();
  });
};
