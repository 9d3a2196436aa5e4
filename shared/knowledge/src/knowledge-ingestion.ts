import type { EntityManager } from '@mikro-orm/postgresql';
import { createEnvelope, streamDefinitions, type Bus, type ConsumerHandle } from '@switchboard/bus';
import type { KnowledgeFormat, KnowledgeProgress, KnowledgeStatus } from '@switchboard/contracts';
import { withPlatform, withTenant, type Orm } from '@switchboard/db';
import { isAppError } from '@switchboard/errors';
import { parseCsvFaq } from './csv-faq.ts';
import type { KnowledgeStore } from './knowledge-store.ts';
import { chunkText, type TextChunk } from './text-chunker.ts';
import type { Logger } from 'pino';

export interface KnowledgeIngestionOptions {
  bus: Bus;
  orm: Orm;
  store: KnowledgeStore;
  logger: Logger;
  /** Tries before a document is marked `failed` (default 5); Chroma being down is retried. */
  maxDeliver?: number;
  /**
   * How often queued documents whose queue message may have been lost (the hub stopped between
   * storing the row and publishing) are queued again (ms, default 60 000; 0: only at start).
   */
  sweepIntervalMs?: number;
}

interface JobRow {
  id: string;
  source: string;
  format: KnowledgeFormat;
  version: number;
  status: KnowledgeStatus;
  content: string | null;
}

const durable = 'knowledge-ingest';

/** The chunks of a document's stored text, as the upload route and the worker both cut them. */
export function chunksOf(format: KnowledgeFormat, text: string): TextChunk[] {
  return format === 'csv' ? parseCsvFaq(text) : chunkText(text);
}

/**
 * The knowledge base's queue and its worker. The hub `enqueue`s each uploaded document version
 * and reports `progress`; the worker, which the runner role runs (`start`), consumes
 * `SB_KNOWLEDGE` (one message per document version) and chunks, embeds and stores each document
 * in Chroma, moving its row `queued` → `processing` → `ready` (or `failed` with a reason) and
 * telling the tenant's consoles with `knowledge.progress`. Embedding is CPU work: in the runner
 * it never holds up the hub's sockets.
 *
 * The queue is a JetStream work queue with explicit ack: a runner that stops mid-document leaves the
 * message unacked, and it is delivered again (to this runner after a restart, or another). Handling
 * is idempotent per version: a message for a version that is no longer the row's, or is already
 * `ready`, is acknowledged and dropped; storing the same version twice writes the same chunk ids.
 */
export class KnowledgeIngestion {
  private consumer: ConsumerHandle | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly log: Logger;
  private readonly maxDeliver: number;

  constructor(private readonly options: KnowledgeIngestionOptions) {
    this.log = options.logger.child({ component: 'knowledge-ingestion' });
    this.maxDeliver = options.maxDeliver ?? 5;
  }

  /** Queues one version of a document. Publishing the same version twice within two minutes is one message. */
  async enqueue(tenantId: string, documentId: string, version: number, attempt = ''): Promise<void> {
    await this.options.bus.publish(createEnvelope('knowledge.ingest', tenantId, { documentId, version }), { msgId: `kb:${documentId}@${version}${attempt}` });
  }

  /** Tells the tenant's consoles where a document is; a lost progress event is not worth failing the work for. */
  async progress(tenantId: string, data: KnowledgeProgress): Promise<void> {
    try {
      await this.options.bus.publish(createEnvelope('knowledge.progress', tenantId, data));
    } catch (error) {
      this.log.warn({ err: error, documentId: data.documentId }, 'knowledge progress not published');
    }
  }

  async start(): Promise<void> {
    this.consumer = await this.options.bus.consume({
      stream: streamDefinitions.knowledge.name,
      durable,
      types: ['knowledge.ingest'],
      maxDeliver: this.maxDeliver,
      ackWaitMs: 60_000,
      handler: async (envelope, context) => this.ingest(envelope.tenantId, envelope.data.documentId, envelope.data.version, context.deliveryCount, context.working),
    });
    await this.sweep();
    const interval = this.options.sweepIntervalMs ?? 60_000;
    if (interval > 0) {
      this.sweeper = setInterval(() => void this.sweep().catch((error: unknown) => this.log.warn({ err: error }, 'knowledge sweep failed')), interval);
      this.sweeper.unref();
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    await this.consumer?.stop();
    this.consumer = undefined;
  }

  /**
   * Queues again every document still `queued` or `processing` for more than a minute. Their
   * messages are normally still on the stream (then this is a duplicate, dropped as such or as
   * an already-ready version); this catches the row stored just before a crash that lost the publish.
   */
  async sweep(): Promise<number> {
    const pending = await withPlatform(this.options.orm.em, (em) => em.execute<Array<{ id: string; tenant_id: string; version: number }>>(
      `select id, tenant_id, version from knowledge_documents where status in ('queued', 'processing') and updated_at < now() - interval '1 minute' limit 1000`,
    ));
    // A fresh suffix per sweep: the original id may still sit in the duplicate window.
    const sweepId = `:sweep:${Date.now()}`;
    for (const row of pending) await this.enqueue(row.tenant_id, row.id, row.version, sweepId);
    return pending.length;
  }

  private async ingest(tenantId: string, documentId: string, version: number, deliveryCount: number, working: () => void): Promise<void> {
    const inTenant = <T>(work: (em: EntityManager) => Promise<T>) => withTenant(this.options.orm.em, tenantId, work);
    const [row] = await inTenant((em) => em.execute<JobRow[]>('select id, source, format, version, status, content from knowledge_documents where id = ?', [documentId]));
    if (!row || row.version !== version || row.status === 'ready') return;
    if (row.content === null) {
      await this.finish(tenantId, row, 'failed', 0, 0, 'This document was stored before its text was kept; upload it again.');
      return;
    }
    const chunks = chunksOf(row.format, row.content);
    if (chunks.length === 0) {
      await this.finish(tenantId, row, 'failed', 0, 0, 'The document has no text to learn from.');
      return;
    }
    const stillCurrent = await this.mark(tenantId, row, 'processing', 0, chunks.length);
    if (!stillCurrent) return;
    try {
      await this.options.store.upsertDocument(tenantId, { id: row.id, version: row.version, source: row.source, chunks }, {
        onProgress: async (done, total) => {
          working();
          if (done < total) await this.mark(tenantId, row, 'processing', done, total);
        },
      });
    } catch (error) {
      const last = deliveryCount >= this.maxDeliver || (isAppError(error) && error.status < 500);
      if (!last) throw error;
      this.log.error({ err: error, tenantId, documentId }, 'knowledge document could not be indexed');
      const reason = isAppError(error) ? error.message : 'The knowledge base could not be reached; try re-embedding later.';
      await this.finish(tenantId, row, 'failed', 0, chunks.length, reason);
      return;
    }
    const kept = await this.finish(tenantId, row, 'ready', chunks.length, chunks.length);
    // Deleted or replaced by a newer version while it was being indexed: take this version's chunks back out.
    if (!kept) await this.options.store.deleteDocument(tenantId, row.id, row.version).catch((error: unknown) => this.log.warn({ err: error }, 'orphan chunks not deleted'));
  }

  /** Records progress on the row (only while it is still this version) and tells the consoles. */
  private async mark(tenantId: string, row: JobRow, status: KnowledgeStatus, done: number, total: number, reason?: string): Promise<boolean> {
    const updated = await withTenant(this.options.orm.em, tenantId, (em) => em.execute<Array<{ id: string }>>(
      `update knowledge_documents set status = ?, chunks_done = ?, chunk_count = ?, failure_reason = ?, updated_at = now()
       where id = ? and version = ? returning id`,
      [status, done, total, reason ?? null, row.id, row.version],
    ));
    if (updated.length === 0) return false;
    await this.progress(tenantId, { documentId: row.id, version: row.version, status, chunksDone: done, chunksTotal: total, ...(reason === undefined ? {} : { failureReason: reason }) });
    return true;
  }

  private async finish(tenantId: string, row: JobRow, status: 'ready' | 'failed', done: number, total: number, reason?: string): Promise<boolean> {
    const kept = await this.mark(tenantId, row, status, done, total, reason);
    this.log.info({ tenantId, documentId: row.id, version: row.version, status, chunks: total }, 'knowledge document processed');
    return kept;
  }
}
