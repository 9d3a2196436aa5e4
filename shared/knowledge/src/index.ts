export { chunkText, type ChunkOptions, type TextChunk } from './text-chunker.ts';
export { parseCsvFaq } from './csv-faq.ts';
export type { Embedder } from './embedder.ts';
export { contentTokens, LocalEmbedder, stem, type LocalEmbedderOptions } from './local-embedder.ts';
export {
  collectionNameFor,
  KnowledgeStore,
  type KnowledgeDocument,
  type KnowledgeHit,
  type KnowledgeStoreOptions,
  type QueryOptions,
  type UpsertOptions,
} from './knowledge-store.ts';
export { extractText, formatOfFile, type ExtractedText } from './document-extractor.ts';
export { htmlToMarkdown } from './html-to-markdown.ts';
export { chunksOf, KnowledgeIngestion, type KnowledgeIngestionOptions } from './knowledge-ingestion.ts';
export { normalizeForMatching } from './text-normalizer.ts';

/**
 * The best chunk's score under which the bot says it does not know rather than answer from the
 * knowledge base (LocalEmbedder, measured on the shop question set in knowledge-retrieval.test.ts).
 */
export const dontKnowThreshold = 0.145;
