import { createHash, randomUUID } from 'node:crypto';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  binaryKnowledgeFormats,
  IdParams,
  KNOWLEDGE_FILE_MAX_BYTES,
  KNOWLEDGE_URL_MAX_BYTES,
  KnowledgeDocumentList,
  type KnowledgeDocumentView,
  KnowledgeQueryRequest,
  KnowledgeQueryResult,
  KnowledgeReembedResult,
  KnowledgeUploadRequest,
  KnowledgeUploadResult,
  KnowledgeUrlImportRequest,
  type KnowledgeFormat,
  type KnowledgeStatus,
} from '@switchboard/contracts';
import { withTenant, type Orm } from '@switchboard/db';
import { AppError, isAppError } from '@switchboard/errors';
import { chunksOf, extractText, formatOfFile, type KnowledgeIngestion, type KnowledgeStore } from '@switchboard/knowledge';
import { auditActorOf, recordAudit } from '../audit/audit-writer.ts';
import { principalOf } from '../identity/me.routes.ts';
import { violatedUniqueConstraint } from '../identity/unique-violation.ts';
import { readMultipartFile } from '../media/multipart-file.ts';
import { fetchPage, type UrlFetchOptions } from './url-fetcher.ts';

interface DocumentRow {
  id: string;
  source: string;
  format: KnowledgeFormat;
  content_hash: string;
  version: number;
  chunk_count: number;
  chunks_done: number;
  status: KnowledgeStatus;
  failure_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

const view = (row: DocumentRow): KnowledgeDocumentView => ({
  id: row.id,
  source: row.source,
  format: row.format,
  version: row.version,
  chunkCount: row.chunk_count,
  status: row.status,
  chunksDone: row.chunks_done,
  ...(row.failure_reason === null ? {} : { failureReason: row.failure_reason }),
  createdAt: new Date(row.created_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
});
const tags = ['knowledge'];
const columns = 'id, source, format, content_hash, version, chunk_count, chunks_done, status, failure_reason, created_at, updated_at';

/** What an upload hands over once its text is extracted: stored, then indexed in the background. */
interface IncomingDocument {
  source: string;
  format: KnowledgeFormat;
  text: string;
  byteSize: number;
}

export interface KnowledgeRoutesOptions {
  orm: Orm;
  store: KnowledgeStore;
  ingestion: KnowledgeIngestion;
  url: Omit<UrlFetchOptions, 'maxBytes'>;
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

const invalid = (path: string, problem: string) => new AppError('SB_ERR_VALIDATION', { message: `The request is not valid: ${path} ${problem}.`, issues: [{ path, message: problem }] });

/**
 * `/api/v1/knowledge`: the documents the bot answers from. An upload (JSON text, a multipart
 * file or a URL) is read and checked at once, stored as `queued` and answered 202; the
 * knowledge worker chunks, embeds and indexes it in the background, with `knowledge.progress`
 * events to the tenant's consoles.
 */
export const knowledgeRoutes: FastifyPluginAsyncTypebox<KnowledgeRoutesOptions> = async (app, { orm, store, ingestion, url }) => {
  await app.register(multipart, { limits: { fileSize: KNOWLEDGE_FILE_MAX_BYTES, files: 1, fields: 2, fieldSize: 1_000, parts: 3, headerPairs: 100 } });

  const inTenant = <T>(request: FastifyRequest, work: (em: EntityManager, tenantId: string) => Promise<T>) => {
    const tenantId = tenantOf(request);
    return withTenant(orm.em, tenantId, (em) => work(em, tenantId));
  };

  /** Stores a new version (or leaves an unchanged one alone) and queues it; answers 202, or 200 when unchanged. */
  const accept = async (request: FastifyRequest, reply: FastifyReply, incoming: IncomingDocument, field: string) => {
    const { source, format, text, byteSize } = incoming;
    const hash = contentHash(format, text);
    const chunkCount = chunksOf(format, text).length;
    if (chunkCount === 0) throw invalid(field, 'has no text to learn from');
    try {
      const result = await inTenant(request, async (em, tenantId) => {
        const [existing] = await em.execute<DocumentRow[]>(`select ${columns} from knowledge_documents where source = ? for update`, [source]);
        if (existing && existing.content_hash === hash && existing.status !== 'failed') return { tenantId, document: view(existing), changed: false };
        const id = existing?.id ?? randomUUID();
        const version = existing === undefined ? 1 : existing.content_hash === hash ? existing.version : existing.version + 1;
        const [row] = existing
          ? await em.execute<DocumentRow[]>(`update knowledge_documents set format = ?, content_hash = ?, content = ?, byte_size = ?, version = ?, chunk_count = ?,
              chunks_done = 0, status = 'queued', failure_reason = null, updated_at = now() where id = ? returning ${columns}`,
            [format, hash, text, byteSize, version, chunkCount, id])
          : await em.execute<DocumentRow[]>(`insert into knowledge_documents (id, tenant_id, source, format, content_hash, content, byte_size, version, chunk_count, status, created_by)
              values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?) returning ${columns}`,
            [id, tenantId, source, format, hash, text, byteSize, version, chunkCount, principalOf(request).userId]);
        if (!row) throw new Error('upsert returned no row');
        recordAudit(em, auditActorOf(request), {
          action: existing ? 'knowledge_document.updated' : 'knowledge_document.created',
          tenantId, targetType: 'knowledge_document', targetId: row.id, metadata: { source, format, version, chunks: chunkCount, bytes: byteSize },
        });
        await em.flush();
        return { tenantId, document: view(row), changed: true };
      });
      if (!result.changed) return reply.status(200).send({ document: result.document, changed: false });
      const { tenantId, document } = result;
      // After the commit: a worker must find the row. If this publish is lost, the worker's sweep queues the row again.
      await ingestion.enqueue(tenantId, document.id, document.version, `:${document.updatedAt}`).catch((error: unknown) => request.log.warn({ err: error }, 'knowledge document not queued; the sweep will'));
      await ingestion.progress(tenantId, { documentId: document.id, version: document.version, status: 'queued', chunksDone: 0, chunksTotal: document.chunkCount });
      return reply.status(202).send({ document, changed: true });
    } catch (error) {
      if (violatedUniqueConstraint(error) !== undefined) {
        throw new AppError('SB_ERR_CONFLICT', { message: 'Another upload of this source is in progress; try again.', issues: [{ path: '/source', message: 'is being uploaded' }] });
      }
      throw error;
    }
  };

  app.get('/api/v1/knowledge', {
    config: { access: 'knowledge.manage' },
    schema: { tags, summary: 'Knowledge base documents, by source, with their ingestion status', response: { 200: KnowledgeDocumentList } },
  }, async (request) => ({
    items: (await inTenant(request, (em) => em.execute<DocumentRow[]>(`select ${columns} from knowledge_documents order by source`))).map(view),
  }));

  app.post('/api/v1/knowledge', {
    config: { access: 'knowledge.manage' },
    schema: {
      tags,
      summary: 'Add or replace a text, Markdown, question,answer CSV or HTML document given as JSON text; indexed in the background (202)',
      body: KnowledgeUploadRequest,
      response: { 200: KnowledgeUploadResult, 202: KnowledgeUploadResult },
    },
  }, async (request, reply) => {
    const { source, format, content } = request.body;
    if ((binaryKnowledgeFormats as readonly string[]).includes(format)) throw invalid('/format', `${format} is a file format: upload it to /api/v1/knowledge/files`);
    const { text } = await extractText(format, new TextEncoder().encode(content), '/content');
    return accept(request, reply, { source, format, text, byteSize: Buffer.byteLength(content) }, '/content');
  });

  app.post('/api/v1/knowledge/files', {
    config: { access: 'knowledge.manage' },
    schema: {
      tags,
      summary: `Upload a file (multipart field "file", optional field "source" before it): PDF, DOCX, HTML, Markdown, text or CSV, at most ${KNOWLEDGE_FILE_MAX_BYTES} bytes; indexed in the background (202)`,
      consumes: ['multipart/form-data'],
      response: { 200: KnowledgeUploadResult, 202: KnowledgeUploadResult },
    },
  }, async (request, reply) => {
    const { file, fields } = await readMultipartFile(request, KNOWLEDGE_FILE_MAX_BYTES, ['source']);
    const source = fields['source'];
    const name = source === undefined || source === '' ? file.name : source;
    if (name.length < 1 || name.length > 200) throw invalid('/source', 'must be 1 to 200 characters (or give the file a name)');
    const format = formatOfFile(file.name, file.mediaType);
    if (format === undefined) throw invalid('/file', 'is not a format the knowledge base reads (PDF, DOCX, HTML, Markdown, text or CSV)');
    const { text } = await extractText(format, file.bytes, '/file');
    return accept(request, reply, { source: name, format, text, byteSize: file.bytes.length }, '/file');
  });

  app.post('/api/v1/knowledge/url', {
    config: { access: 'knowledge.manage' },
    schema: {
      tags,
      summary: `Import a web page (http or https, public addresses, at most ${KNOWLEDGE_URL_MAX_BYTES} bytes); read as HTML with its headings kept, indexed in the background (202)`,
      body: KnowledgeUrlImportRequest,
      response: { 200: KnowledgeUploadResult, 202: KnowledgeUploadResult },
    },
  }, async (request, reply) => {
    tenantOf(request);
    const page = await fetchPage(request.body.url, { ...url, maxBytes: KNOWLEDGE_URL_MAX_BYTES });
    const mediaType = page.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    const format: KnowledgeFormat = mediaType === 'text/plain' ? 'text' : mediaType === 'text/markdown' ? 'markdown' : 'html';
    if (!['', 'text/html', 'application/xhtml+xml', 'text/plain', 'text/markdown'].includes(mediaType)) {
      throw invalid('/url', `answered ${mediaType}, not a web page (upload files such as PDFs to /api/v1/knowledge/files)`);
    }
    const { text } = await extractText(format, page.body, '/url');
    return accept(request, reply, { source: request.body.source ?? request.body.url, format, text, byteSize: page.body.length }, '/url');
  });

  app.post('/api/v1/knowledge/reembed', {
    config: { access: 'knowledge.manage' },
    schema: { tags, summary: 'Index every document again (after an embedder or model change), in the background (202)', response: { 202: KnowledgeReembedResult } },
  }, async (request, reply) => {
    const { tenantId, queued } = await inTenant(request, async (em, tenantId) => {
      await em.execute(`update knowledge_documents set status = 'failed', chunks_done = 0, failure_reason = 'This document was stored before its text was kept; upload it again.', updated_at = now() where content is null`);
      const rows = await em.execute<DocumentRow[]>(`update knowledge_documents set status = 'queued', chunks_done = 0, failure_reason = null, updated_at = now() where content is not null returning ${columns}`);
      // Inside the transaction: if Chroma refuses, the documents keep their status and nothing is queued.
      await inStore(() => store.dropTenant(tenantId));
      recordAudit(em, auditActorOf(request), { action: 'knowledge_base.reembedded', tenantId, targetType: 'tenant', targetId: tenantId, metadata: { documents: rows.length } });
      await em.flush();
      return { tenantId, queued: rows.map(view) };
    });
    const attempt = `:re:${Date.now()}`;
    for (const document of queued) {
      await ingestion.enqueue(tenantId, document.id, document.version, attempt).catch((error: unknown) => request.log.warn({ err: error }, 'knowledge document not queued; the sweep will'));
      await ingestion.progress(tenantId, { documentId: document.id, version: document.version, status: 'queued', chunksDone: 0, chunksTotal: document.chunkCount });
    }
    return reply.status(202).send({ queued: queued.length });
  });

  app.delete('/api/v1/knowledge/:id', {
    config: { access: 'knowledge.manage' },
    schema: { tags, summary: 'Delete a document and its indexed chunks, whatever its status', params: IdParams },
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
