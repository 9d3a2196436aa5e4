import { createHash } from 'node:crypto';
import type { Orm } from './orm.ts';
import { withTenant } from './rls-scope.ts';

/** A file to keep: its bytes and what the channel said it is. */
export interface MediaFile {
  mimeType: string;
  fileName?: string | undefined;
  bytes: Buffer;
}

/**
 * Where a kept file came from: a channel (a customer's media, a Telegram file fetched once), or
 * an upload about to be sent (an agent's or a widget visitor's). Uploads no message names are
 * removed after a day (`sweep_unsent_uploads`).
 */
export type MediaOrigin = 'channel' | 'upload';

/** A kept file as it is read back. */
export interface StoredMediaFile extends MediaFile {
  id: string;
  sizeBytes: number;
  sha256: string;
}

interface MediaRow {
  id: string;
  mime_type: string;
  file_name: string | null;
  size_bytes: number;
  sha256: string;
  bytes: Buffer;
}

/**
 * The bytes of files customers send (`media_objects`, migration 0011), in the tenant's
 * row-level security scope, so one workspace can never read another's file even by id. Ids are
 * chosen by the caller from where the file came from (a channel and its message), so storing
 * the same file again is a no-op rather than a second copy.
 */
export const mediaStore = {
  async has(orm: Orm, tenantId: string, id: string): Promise<boolean> {
    const rows = await withTenant(orm.em, tenantId, (em) => em.execute<Array<{ id: string }>>('select id from media_objects where id = ?', [id]));
    return rows.length > 0;
  },

  /** Keeps a file under `id` (a file already kept under it stays as it is) and answers it as kept. */
  async put(orm: Orm, tenantId: string, id: string, file: MediaFile, origin: MediaOrigin = 'channel'): Promise<StoredMediaFile> {
    const sha256 = createHash('sha256').update(file.bytes).digest('hex');
    await withTenant(orm.em, tenantId, (em) => em.execute(
      `insert into media_objects (id, tenant_id, mime_type, file_name, size_bytes, sha256, bytes, origin) values (?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (id) do nothing`,
      [id, tenantId, file.mimeType.slice(0, 255), file.fileName?.slice(0, 255) ?? null, file.bytes.byteLength, sha256, file.bytes, origin],
    ));
    return { ...file, id, sizeBytes: file.bytes.byteLength, sha256 };
  },

  /** What is kept under each id (no bytes), for the ids the tenant has. */
  async describe(orm: Orm, tenantId: string, ids: readonly string[]): Promise<Map<string, Omit<StoredMediaFile, 'bytes'>>> {
    if (ids.length === 0) return new Map();
    const rows = await withTenant(orm.em, tenantId, (em) => em.execute<Array<Omit<MediaRow, 'bytes'>>>(
      `select id, mime_type, file_name, size_bytes, sha256 from media_objects
       where id in (select value::uuid from jsonb_array_elements_text(?::jsonb))`, [JSON.stringify(ids)]));
    return new Map(rows.map((row) => [row.id, {
      id: row.id, mimeType: row.mime_type, ...(row.file_name ? { fileName: row.file_name } : {}), sizeBytes: row.size_bytes, sha256: row.sha256,
    }]));
  },

  async get(orm: Orm, tenantId: string, id: string): Promise<StoredMediaFile | undefined> {
    const [row] = await withTenant(orm.em, tenantId, (em) => em.execute<MediaRow[]>(
      'select id, mime_type, file_name, size_bytes, sha256, bytes from media_objects where id = ?', [id]));
    if (!row) return undefined;
    return {
      id: row.id,
      mimeType: row.mime_type,
      ...(row.file_name ? { fileName: row.file_name } : {}),
      sizeBytes: row.size_bytes,
      sha256: row.sha256,
      bytes: Buffer.from(row.bytes),
    };
  },

  /**
   * Removes uploads older than `olderThanSeconds` that no message names (an agent attached a file
   * and never sent it; a visitor's upload whose message never came), across tenants, at most
   * `limit` at a time. Answers how many went.
   */
  async sweepUnsentUploads(orm: Orm, olderThanSeconds = 86_400, limit = 1_000): Promise<number> {
    const [row] = await orm.em.fork().execute<Array<{ removed: number }>>('select sweep_unsent_uploads(?, ?) as removed', [olderThanSeconds, limit]);
    return row?.removed ?? 0;
  },
};
