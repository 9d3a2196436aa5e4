import Type, { type Static } from 'typebox';
import { Timestamp, Uuid } from './primitives.ts';

// ── the knowledge base (REST under /api/v1/knowledge) ─────────────────────────────────────────

/** The document formats the knowledge base reads: plain text, Markdown, and a `question,answer` CSV. */
export const knowledgeFormats = ['text', 'markdown', 'csv'] as const;
export const KnowledgeFormat = Type.Enum(knowledgeFormats);
export type KnowledgeFormat = Static<typeof KnowledgeFormat>;

/** Largest document accepted in one upload, in characters. */
export const KNOWLEDGE_CONTENT_MAX = 500_000;

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
    chunkCount: Type.Integer({ minimum: 0 }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { additionalProperties: false },
);
export type KnowledgeDocumentView = Static<typeof KnowledgeDocumentView>;

/** The answer to an upload: the document, and whether its content differed from what was stored. */
export const KnowledgeUploadResult = Type.Object(
  { document: KnowledgeDocumentView, changed: Type.Boolean() },
  { additionalProperties: false },
);
export type KnowledgeUploadResult = Static<typeof KnowledgeUploadResult>;

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
