import Type, { type Static } from 'typebox';
import { Timestamp, Uuid } from './primitives.ts';

// ── the knowledge base (REST under /api/v1/knowledge) ─────────────────────────────────────────

/**
 * The document formats the knowledge base reads: plain text, Markdown, a `question,answer` CSV,
 * PDF, Word (DOCX) and HTML (a web page imported by URL is `html` too).
 */
export const knowledgeFormats = ['text', 'markdown', 'csv', 'pdf', 'docx', 'html'] as const;
export const KnowledgeFormat = Type.Enum(knowledgeFormats);
export type KnowledgeFormat = Static<typeof KnowledgeFormat>;

/** Formats that are binary files: uploaded as a multipart file, never as JSON text. */
export const binaryKnowledgeFormats = ['pdf', 'docx'] as const satisfies readonly KnowledgeFormat[];

/** Largest document accepted in one upload, in characters (of the text, and of the text extracted from a file). */
export const KNOWLEDGE_CONTENT_MAX = 500_000;

/** Largest file accepted by the multipart upload, in bytes (10 MiB). */
export const KNOWLEDGE_FILE_MAX_BYTES = 10 * 1024 * 1024;

/** Largest web page a URL import reads, in bytes (5 MiB). */
export const KNOWLEDGE_URL_MAX_BYTES = 5 * 1024 * 1024;

/**
 * Where a document is in the background ingestion: waiting on the queue, being chunked and
 * embedded, searchable, or given up on (with a reason).
 */
export const knowledgeStatuses = ['queued', 'processing', 'ready', 'failed'] as const;
export const KnowledgeStatus = Type.Enum(knowledgeStatuses);
export type KnowledgeStatus = Static<typeof KnowledgeStatus>;

/** A document to add or replace; `source` (a file name, say) identifies it within the tenant. */
export const KnowledgeUploadRequest = Type.Object(
  {
    source: Type.String({ minLength: 1, maxLength: 200 }),
    format: KnowledgeFormat,
    content: Type.String({ minLength: 1, maxLength: KNOWLEDGE_CONTENT_MAX }),
  },
  { additionalProperties: false },
);
export type KnowledgeUploadRequest = Static<typeof KnowledgeUploadRequest>;

export const KnowledgeDocumentView = Type.Object(
  {
    id: Uuid,
    source: Type.String(),
    format: KnowledgeFormat,
    /** Increases each time the document's content changes. */
    version: Type.Integer({ minimum: 1 }),
    /** Chunks of this version (known once processing starts; 0 before). */
    chunkCount: Type.Integer({ minimum: 0 }),
    status: KnowledgeStatus,
    /** Chunks embedded and stored so far, of `chunkCount`. */
    chunksDone: Type.Integer({ minimum: 0 }),
    /** Why ingestion failed, for a person to act on; only with status `failed`. */
    failureReason: Type.Optional(Type.String()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { additionalProperties: false },
);
export type KnowledgeDocumentView = Static<typeof KnowledgeDocumentView>;

/**
 * The answer to an upload: the document, and whether its content differed from what was stored.
 * A changed document is answered 202 with status `queued`: it is indexed in the background.
 */
export const KnowledgeUploadResult = Type.Object(
  { document: KnowledgeDocumentView, changed: Type.Boolean() },
  { additionalProperties: false },
);
export type KnowledgeUploadResult = Static<typeof KnowledgeUploadResult>;

/** A web page to import: fetched once (http or https, public addresses only), read as HTML. */
export const KnowledgeUrlImportRequest = Type.Object(
  {
    url: Type.String({ minLength: 8, maxLength: 2000, pattern: '^[Hh][Tt][Tt][Pp][Ss]?://' }),
    /** Defaults to the URL itself. */
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type KnowledgeUrlImportRequest = Static<typeof KnowledgeUrlImportRequest>;

/** The answer to a re-embed: how many documents were queued for indexing again. */
export const KnowledgeReembedResult = Type.Object({ queued: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });
export type KnowledgeReembedResult = Static<typeof KnowledgeReembedResult>;

/** Work item on the knowledge queue: index this version of this document (idempotent per version). */
export const KnowledgeIngestJob = Type.Object(
  { documentId: Uuid, version: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);
export type KnowledgeIngestJob = Static<typeof KnowledgeIngestJob>;

/** Fact for the tenant's consoles: how far a document's ingestion is. */
export const KnowledgeProgress = Type.Object(
  {
    documentId: Uuid,
    version: Type.Integer({ minimum: 1 }),
    status: KnowledgeStatus,
    chunksDone: Type.Integer({ minimum: 0 }),
    chunksTotal: Type.Integer({ minimum: 0 }),
    failureReason: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type KnowledgeProgress = Static<typeof KnowledgeProgress>;

export const KnowledgeDocumentList = Type.Object({ items: Type.Array(KnowledgeDocumentView) }, { additionalProperties: false });
export type KnowledgeDocumentList = Static<typeof KnowledgeDocumentList>;

export const KnowledgeQueryRequest = Type.Object(
  { question: Type.String({ minLength: 1, maxLength: 1000 }) },
  { additionalProperties: false },
);
export type KnowledgeQueryRequest = Static<typeof KnowledgeQueryRequest>;

/** The chunks closest to a question, best first; `score` is 1 − cosine distance. */
export const KnowledgeQueryResult = Type.Object(
  {
    chunks: Type.Array(
      Type.Object(
        {
          text: Type.String(),
          score: Type.Number(),
          source: Type.String(),
          title: Type.Optional(Type.String()),
          documentId: Uuid,
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type KnowledgeQueryResult = Static<typeof KnowledgeQueryResult>;
