import { Migration } from '@mikro-orm/migrations';

/**
 * Background ingestion of knowledge documents: a document is stored first (`queued`) and indexed
 * by a worker, so the row now carries its extracted text (to index it again after a restart or an
 * embedder change), its status with progress, and why it failed. Adds PDF, DOCX and HTML.
 *
 * Documents stored before this migration were indexed synchronously: they are `ready`, and have
 * no stored text (re-embedding asks for them to be uploaded again).
 *
 * Part of a released migration once landed: never edit, add a migration instead.
 */
export class Migration0010KnowledgeIngestion extends Migration {
  override name = '0010-knowledge-ingestion';

  override up(): void {
    this.addSql('alter table knowledge_documents drop constraint if exists knowledge_documents_format_check;');
    this.addSql(`alter table knowledge_documents add constraint knowledge_documents_format_check
      check (format in ('text', 'markdown', 'csv', 'pdf', 'docx', 'html'));`);
    this.addSql(`alter table knowledge_documents
      add column content text,
      add column byte_size integer not null default 0 check (byte_size >= 0),
      add column status text not null default 'ready' check (status in ('queued', 'processing', 'ready', 'failed')),
      add column chunks_done integer not null default 0 check (chunks_done >= 0),
      add column failure_reason text;`);
    this.addSql('update knowledge_documents set chunks_done = chunk_count;');
    // The worker's sweep looks for documents whose queue message may have been lost.
    this.addSql(`create index knowledge_documents_pending on knowledge_documents (updated_at) where status in ('queued', 'processing');`);
  }

  override down(): void {
    this.addSql('drop index if exists knowledge_documents_pending;');
    this.addSql(`delete from knowledge_documents where format in ('pdf', 'docx', 'html');`);
    this.addSql('alter table knowledge_documents drop column content, drop column byte_size, drop column status, drop column chunks_done, drop column failure_reason;');
    this.addSql('alter table knowledge_documents drop constraint if exists knowledge_documents_format_check;');
    this.addSql(`alter table knowledge_documents add constraint knowledge_documents_format_check check (format in ('text', 'markdown', 'csv'));`);
  }
}
