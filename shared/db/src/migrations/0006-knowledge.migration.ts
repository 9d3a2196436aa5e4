import { Migration } from '@mikro-orm/migrations';
import { appRoleName } from '../app-role.ts';

const app = appRoleName;

/**
 * `knowledge_documents`: the documents of a tenant's knowledge base. Their chunks and vectors
 * live in Chroma (one collection per tenant); this row is what the console lists, and its
 * `content_hash` tells an unchanged re-upload from a new version.
 *
 * Part of a released migration once landed: never edit, add a migration instead.
 */
export class Migration0006Knowledge extends Migration {
  override name = '0006-knowledge';

  override up(): void {
    this.addSql(`create table knowledge_documents (
      id uuid primary key default gen_random_uuid(),
      tenant_id uuid not null references tenants (id) on delete cascade,
      source text not null check (length(source) between 1 and 200),
      format text not null check (format in ('text', 'markdown', 'csv')),
      content_hash text not null,
      version integer not null default 1,
      chunk_count integer not null default 0,
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (tenant_id, source)
    );`);
    this.addSql('alter table knowledge_documents enable row level security;');
    this.addSql('alter table knowledge_documents force row level security;');
    this.addSql(`create policy knowledge_documents_all on knowledge_documents for all
      using (tenant_id = app_current_tenant() or app_is_platform())
      with check (tenant_id = app_current_tenant() or app_is_platform());`);
    this.addSql(`grant select, insert, update, delete on knowledge_documents to ${app};`);
  }

  override down(): void {
    this.addSql('drop table if exists knowledge_documents;');
  }
}
