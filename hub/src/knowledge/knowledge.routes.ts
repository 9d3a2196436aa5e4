import { createHash, randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  IdParams,
  KnowledgeDocumentList,
  type KnowledgeDocumentView,
  KnowledgeQueryRequest,
  KnowledgeQueryResult,
  KnowledgeUploadRequest,
  KnowledgeUploadResult,
  type KnowledgeFormat,
} from '@switchboard/contracts';
import { withTenant, type Orm } from '@switchboard/db';
import { AppError, isAppError } from '@switchboard/errors';
import { chunkText, parseCsvFaq, type KnowledgeStore, type TextChunk } from '@switchboard/knowledge';
import { auditActorOf, recordAudit } from '../audit/audit-writer.ts';
import { principalOf } from '../identity/me.routes.ts';
import { violatedUniqueConstraint } from '../identity/unique-violation.ts';

interface DocumentRow {
  id: string;
  source: string;
  format: KnowledgeFormat;
  content_hash: string;
  version: number;
  chunk_count: number;
  created_at: Date;
  updated_at: Date;
}

const view = (row: DocumentRow): KnowledgeDocumentView => ({
  id: row.id,
  source: row.source,
  format: row.format,
  version: row.version,
  chunkCount: row.chunk_count,
  createdAt: new Date(row.created_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
});
const tags = ['knowledge'];
const columns = 'id, source, format, content_hash, version, chunk_count, created_at, updated_at';

function chunksOf(format: KnowledgeFormat, content: string): TextChunk[] {
  const chunks = format === 'csv' ? parseCsvFaq(content) : chunkText(content);
  if (chunks.length === 0) {
    throw new AppError('SB_ERR_VALIDATION', { message: 'The document has no text to learn from.', issues: [{ path: '/content', message: 'has no text' }] });
  }
  return chunks;
}

/** The format is part of the hash: the same bytes read as CSV instead of Markdown are other chunks. */
const contentHash = (format: KnowledgeFormat, content: string) => createHash('sha256').update(`${format}\0${content}`).digest('hex');

/** Chroma's own failures (connection refused, timeouts) become a 503; our validation errors stay. */
async function inStore<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isAppError(error)) throw error;
    throw new AppError('SB_ERR_DEPENDENCY_DOWN', { message: 'The knowledge base is not reachable right now; try again shortly.', cause: error });
  }
}

function tenantOf(request: Parameters<typeof principalOf>[0]): string {
  const { tenantId } = principalOf(request);
  if (tenantId === undefined) throw new AppError('SB_ERR_FORBIDDEN', { message: 'The knowledge base belongs to a workspace; sign in to one.' });
  return tenantId;
}

/**
 * `/api/v1/knowledge`: the documents the bot answers from. An upload is chunked, embedded and
 * indexed before the request answers (synchronous in this slice; a queue comes with larger files).
 */
export const knowledgeRoutes: FastifyPluginAsyncTypebox<{ orm: Orm; store: KnowledgeStore }> = async (app, { orm, store }) => {
  const inTenant = <T>(request: Parameters<typeof principalOf>[0], work: (em: EntityManager, tenantId: string) => Promise<T>) => {
    const tenantId = tenantOf(request);
    return withTenant(orm.em, tenantId, (em) => work(em, tenantId));
  };

  app.get('/api/v1/knowledge', {
    config: { access: 'knowledge.manage' },
    schema: { tags, summary: 'Knowledge base documents, by source', response: { 200: KnowledgeDocumentList } },
  }, async (request) => ({
    items: (await inTenant(request, (em) => em.execute<DocumentRow[]>(`select ${columns} from knowledge_documents order by source`))).map(view),
  }));

  app.post('/api/v1/knowledge', {
    config: { access: 'knowledge.manage' },
    schema: {
      tags,
      summary: 'Add or replace a document (text, Markdown or question,answer CSV); indexed synchronously before the answer',
      body: KnowledgeUploadRequest,
      response: { 200: KnowledgeUploadResult, 201: KnowledgeUploadResult },
    },
  }, async (request, reply) => {
    const { source, format, content } = request.body;
    const hash = contentHash(format, content);
    const chunks = chunksOf(format, content);
    try {
      const result = await inTenant(request, async (em, tenantId) => {
        const [existing] = await em.execute<DocumentRow[]>(`select ${columns} from knowledge_documents where source = ? for update`, [source]);
        if (existing && existing.content_hash === hash) return { document: view(existing), changed: false, created: false };
        const id = existing?.id ?? randomUUID();
        const version = (existing?.version ?? 0) + 1;
        await inStore(() => store.upsertDocument(tenantId, { id, version, source, chunks }));
        const [row] = existing
          ? await em.execute<DocumentRow[]>(`update knowledge_documents set format = ?, content_hash = ?, version = ?, chunk_count = ?, updated_at = now() where id = ? returning ${columns}`,
            [format, hash, version, chunks.length, id])
          : await em.execute<DocumentRow[]>(`insert into knowledge_documents (id, tenant_id, source, format, content_hash, version, chunk_count, created_by) values (?, ?, ?, ?, ?, ?, ?, ?) returning ${columns}`,
            [id, tenantId, source, format, hash, version, chunks.length, principalOf(request).userId]);
        if (!row) throw new Error('upsert returned no row');
        recordAudit(em, auditActorOf(request), {
          action: existing ? 'knowledge_document.updated' : 'knowledge_document.created',
          tenantId, targetType: 'knowledge_document', targetId: row.id, metadata: { source, format, version, chunks: chunks.length },
        });
        await em.flush();
        return { document: view(row), changed: true, created: existing === undefined };
      });
      return reply.status(result.created ? 201 : 200).send({ document: result.document, changed: result.changed });
    } catch (error) {
      if (violatedUniqueConstraint(error) !== undefined) {
        throw new AppError('SB_ERR_CONFLICT', { message: 'Another upload of this source is in progress; try again.', issues: [{ path: '/source', message: 'is being uploaded' }] });
      }
      throw error;
    }
  });

  app.delete('/api/v1/knowledge/:id', {
    config: { access: 'knowledge.manage' },
    schema: { tags, summary: 'Delete a document and its indexed chunks', params: IdParams },
  }, async (request, reply) => {
    await inTenant(request, async (em, tenantId) => {
      const [row] = await em.execute<DocumentRow[]>(`delete from knowledge_documents where id = ? returning ${columns}`, [request.params.id]);
      if (!row) throw new AppError('SB_ERR_NOT_FOUND', { message: 'That document does not exist.' });
      // Inside the transaction: if Chroma refuses, the row comes back and the delete can be retried.
      await inStore(() => store.deleteDocument(tenantId, row.id));
      recordAudit(em, auditActorOf(request), { action: 'knowledge_document.deleted', tenantId, targetType: 'knowledge_document', targetId: row.id, metadata: { source: row.source } });
      await em.flush();
    });
    return reply.status(204).send();
  });

  app.post('/api/v1/knowledge/query', {
    config: { access: 'knowledge.manage' },
    schema: { tags, summary: 'The five chunks closest to a question, with scores (to test what the bot would find)', body: KnowledgeQueryRequest, response: { 200: KnowledgeQueryResult } },
  }, async (request) => {
    const tenantId = tenantOf(request);
    const hits = await inStore(() => store.query(tenantId, request.body.question, { topK: 5 }));
    return {
      chunks: hits.map((hit) => ({ text: hit.text, score: hit.score, source: hit.source, documentId: hit.documentId, ...(hit.title === null ? {} : { title: hit.title }) })),
    };
  });
};
