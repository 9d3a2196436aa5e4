import { ChromaClient, ChromaNotFoundError, type Collection, type Metadata } from 'chromadb';
import { AppError } from '@switchboard/errors';
import type { Embedder } from './embedder.ts';
import type { TextChunk } from './text-chunker.ts';

/** A document as the store keeps it: its chunks replace any other version of the same id. */
export interface KnowledgeDocument {
  id: string;
  /** Increases when the document's content changes; the same version is stored once. */
  version: number;
  /** What a person would recognise as the origin, e.g. a file name or a URL. */
  source: string;
  chunks: TextChunk[];
}

export interface KnowledgeHit {
  documentId: string;
  documentVersion: number;
  source: string;
  title: string | null;
  chunkIndex: number;
  start: number;
  end: number;
  text: string;
  /** 1 − cosine distance: 1 for the same direction, 0 for nothing in common. */
  score: number;
}

export interface QueryOptions {
  /** How many chunks at most. Default 3. */
  topK?: number;
  /** Chunks scoring below this are left out. Default: none are. */
  minScore?: number;
}

export interface UpsertOptions {
  /** Chunks embedded and written per round trip (default 32); progress is reported after each. */
  batchSize?: number;
  /** Called after each batch with the chunks stored so far and the total. */
  onProgress?: (done: number, total: number) => void | Promise<void>;
}

export interface KnowledgeStoreOptions {
  /** Chroma's base URL, e.g. `http://127.0.0.1:8000`. */
  url: string;
  embedder: Embedder;
}

/**
 * How long a collection lookup is reused. Another process (the hub) may create a tenant's
 * collection meanwhile: its first document is then found by this process's queries at most
 * this late.
 */
const lookupTtlMs = 1_000;

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The Chroma collection that holds a tenant's knowledge. Only a validated UUID gets here, so
 * no tenant id can name, or pattern-match into, another tenant's collection.
 */
export function collectionNameFor(tenantId: string): string {
  if (!uuid.test(tenantId)) {
    throw new AppError('SB_ERR_VALIDATION', { message: 'tenantId must be a UUID.', issues: [{ path: '/tenantId', message: 'must be a UUID' }] });
  }
  return `kb_${tenantId.toLowerCase().replaceAll('-', '')}`;
}

/**
 * A tenant's knowledge base in Chroma: one collection per tenant, cosine space, vectors from the
 * given embedder (Chroma's own embedding function is off: it would download a model).
 */
export class KnowledgeStore {
  private readonly client: ChromaClient;
  private readonly embedder: Embedder;
  /**
   * Collection lookups by name, shared while in flight and kept briefly: a burst of questions
   * for one tenant (64 answers in flight in a runner) costs one Chroma round trip, not 64.
   */
  private readonly lookups = new Map<string, { at: number; found: Promise<Collection | undefined> }>();

  constructor(options: KnowledgeStoreOptions) {
    const url = new URL(options.url);
    const ssl = url.protocol === 'https:';
    this.client = new ChromaClient({ host: url.hostname, port: url.port === '' ? (ssl ? 443 : 80) : Number(url.port), ssl });
    this.embedder = options.embedder;
  }

  /**
   * Stores a document's chunks. The same id and version again changes nothing; another version
   * replaces the stored one (new chunks are written before the old ones are deleted, so a query
   * meanwhile finds one or the other, never neither). Resolves to whether anything changed.
   */
  async upsertDocument(tenantId: string, doc: KnowledgeDocument, options: UpsertOptions = {}): Promise<{ changed: boolean; chunks: number }> {
    validateDocument(doc);
    const batchSize = options.batchSize ?? 32;
    const collection = await this.collection(tenantId);
    const stored = await collection.get({ where: { documentId: doc.id }, include: ['metadatas'] });
    const ids = doc.chunks.map((chunk) => chunkId(doc, chunk.index));
    const storedIds = new Set(stored.ids);
    const sameVersion = stored.metadatas.every((meta) => meta?.['documentVersion'] === doc.version);
    if (sameVersion && storedIds.size === ids.length && ids.every((id) => storedIds.has(id))) {
      await options.onProgress?.(ids.length, ids.length);
      return { changed: false, chunks: ids.length };
    }

    for (let from = 0; from < doc.chunks.length; from += batchSize) {
      const batch = doc.chunks.slice(from, from + batchSize);
      const embeddings = await this.embedder.embed(batch.map(embeddingText));
      await collection.upsert({
        ids: ids.slice(from, from + batch.length),
        embeddings,
        documents: batch.map((chunk) => chunk.text),
        metadatas: batch.map((chunk): Metadata => ({
          documentId: doc.id,
          documentVersion: doc.version,
          source: doc.source,
          title: chunk.title,
          chunkIndex: chunk.index,
          start: chunk.start,
          end: chunk.end,
        })),
      });
      await options.onProgress?.(from + batch.length, ids.length);
    }
    const wanted = new Set(ids);
    const stale = stored.ids.filter((id) => !wanted.has(id));
    if (stale.length > 0) await collection.delete({ ids: stale });
    return { changed: true, chunks: ids.length };
  }

  /** Removes every chunk of the document, or only those of one version of it. */
  async deleteDocument(tenantId: string, documentId: string, version?: number): Promise<void> {
    const collection = await this.existingCollection(tenantId);
    if (!collection) return;
    await collection.delete({ where: version === undefined ? { documentId } : { $and: [{ documentId }, { documentVersion: version }] } });
  }

  /** How many chunks the tenant's knowledge base holds, optionally for one document. */
  async countChunks(tenantId: string, documentId?: string): Promise<number> {
    const collection = await this.existingCollection(tenantId);
    if (!collection) return 0;
    if (documentId === undefined) return collection.count();
    const stored = await collection.get({ where: { documentId }, include: [] });
    return stored.ids.length;
  }

  /** The tenant's chunks closest to the question, best first, without those under `minScore`. */
  async query(tenantId: string, question: string, options: QueryOptions = {}): Promise<KnowledgeHit[]> {
    const topK = options.topK ?? 3;
    if (!Number.isInteger(topK) || topK < 1 || topK > 100) {
      throw new AppError('SB_ERR_VALIDATION', { message: 'topK must be an integer from 1 to 100.', issues: [{ path: '/topK', message: 'must be 1..100' }] });
    }
    // The question is embedded only once a collection is found: most tenants asking have none.
    let embedding: number[] | undefined;
    const search = async () => {
      const collection = await this.existingCollection(tenantId);
      if (!collection) return undefined;
      embedding ??= (await this.embedder.embed([question]))[0];
      return embedding && collection.query({ queryEmbeddings: [embedding], nResults: topK, include: ['documents', 'metadatas', 'distances'] });
    };
    let result: Awaited<ReturnType<typeof search>>;
    try {
      result = await search();
    } catch (error) {
      // A collection just created (by a re-embed or a first upload) has no index on disk until
      // its first vectors land; Chroma then refuses to search it rather than find nothing.
      if (isIndexNotBuilt(error)) return [];
      // The collection was dropped (a re-embed) after it was looked up: look it up once more.
      if (!isNotFound(error)) throw error;
      this.lookups.delete(collectionNameFor(tenantId));
      try {
        result = await search();
      } catch (again) {
        if (isIndexNotBuilt(again) || isNotFound(again)) return [];
        throw again;
      }
    }
    if (!result) return [];
    const hits: KnowledgeHit[] = [];
    for (const row of result.rows()[0] ?? []) {
      const meta = row.metadata;
      if (!meta || row.distance === null || row.distance === undefined) continue;
      const score = 1 - row.distance;
      if (options.minScore !== undefined && score < options.minScore) continue;
      hits.push({
        documentId: String(meta['documentId']),
        documentVersion: Number(meta['documentVersion']),
        source: String(meta['source']),
        title: typeof meta['title'] === 'string' ? meta['title'] : null,
        chunkIndex: Number(meta['chunkIndex']),
        start: Number(meta['start']),
        end: Number(meta['end']),
        text: row.document ?? '',
        score,
      });
    }
    return hits;
  }

  /** Deletes the tenant's whole knowledge base; a tenant without one is not an error. */
  async dropTenant(tenantId: string): Promise<void> {
    const name = collectionNameFor(tenantId);
    this.lookups.delete(name);
    try {
      await this.client.deleteCollection({ name });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  private async collection(tenantId: string): Promise<Collection> {
    this.lookups.delete(collectionNameFor(tenantId));
    const collection = await this.client.getOrCreateCollection({
      name: collectionNameFor(tenantId),
      embeddingFunction: null,
      configuration: { hnsw: { space: 'cosine' } },
      metadata: { embedder: this.embedder.id, dimension: this.embedder.dimension },
    });
    return this.checkEmbedder(collection);
  }

  private async existingCollection(tenantId: string): Promise<Collection | undefined> {
    const name = collectionNameFor(tenantId);
    const cached = this.lookups.get(name);
    if (cached && Date.now() - cached.at < lookupTtlMs) return cached.found;
    // Reading must not create a collection for a tenant that never stored anything.
    const found = this.client.getCollections([name]).then(
      ([collection]) => (collection ? this.checkEmbedder(collection) : undefined),
      (error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      },
    );
    this.lookups.set(name, { at: Date.now(), found });
    // A failed lookup is not remembered: the next question tries again.
    found.catch(() => this.lookups.delete(name));
    return found;
  }

  private checkEmbedder(collection: Collection): Collection {
    const stored = collection.metadata?.['embedder'];
    if (stored !== undefined && stored !== this.embedder.id) {
      throw new AppError('SB_ERR_CONFLICT', {
        message: `This knowledge base was indexed with the embedder "${String(stored)}", not "${this.embedder.id}"; re-index it before querying with another embedder.`,
      });
    }
    return collection;
  }
}

function chunkId(doc: KnowledgeDocument, index: number): string {
  return `${doc.id}@${doc.version}#${index}`;
}

/** The heading goes into the vector too: it often carries the words a question uses. */
function embeddingText(chunk: TextChunk): string {
  return chunk.title !== null && !chunk.text.includes(chunk.title) ? `${chunk.title}\n${chunk.text}` : chunk.text;
}

function validateDocument(doc: KnowledgeDocument): void {
  const issues: Array<{ path: string; message: string }> = [];
  if (doc.id.trim() === '') issues.push({ path: '/id', message: 'must not be empty' });
  if (!Number.isInteger(doc.version) || doc.version < 0) issues.push({ path: '/version', message: 'must be a non-negative integer' });
  if (doc.source.trim() === '') issues.push({ path: '/source', message: 'must not be empty' });
  if (issues.length > 0) {
    throw new AppError('SB_ERR_VALIDATION', { message: `The document is not valid: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}.`, issues });
  }
}

function isIndexNotBuilt(error: unknown): boolean {
  return error instanceof Error && /hnsw segment reader: Nothing found on disk/i.test(error.message);
}

function isNotFound(error: unknown): boolean {
  return error instanceof ChromaNotFoundError || (error instanceof Error && /does not exist|not found/i.test(error.message));
}
