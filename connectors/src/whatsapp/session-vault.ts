import { lstat, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { withTenant, type Orm } from '@switchboard/db';
import type { SecretBox } from '@switchboard/security';

/**
 * Where a WhatsApp session's login is kept between runs. whatsapp-web.js's LocalAuth keeps it in
 * a Chromium profile folder; a vault makes that folder survive a restart (`local`: it stays on
 * this node's disk) or a move to another node (`postgres`: packed, sealed and stored).
 */
export interface SessionVault {
  readonly kind: 'local' | 'postgres';
  /** Puts the saved login into `dir` before the client starts; false when there is none. */
  restore(tenantId: string, channelId: string, dir: string): Promise<boolean>;
  /** Keeps what is in `dir` now (after the session got ready, and after it stopped). */
  save(tenantId: string, channelId: string, dir: string): Promise<void>;
  /** Forgets the login (log out). */
  remove(tenantId: string, channelId: string, dir: string): Promise<void>;
}

/** LocalAuth as is: the profile folder under DATA_DIR is the saved login. */
export function localSessionVault(): SessionVault {
  return {
    kind: 'local',
    restore: async (_tenantId, _channelId, dir) => (await lstat(dir).catch(() => undefined))?.isDirectory() === true,
    save: async () => undefined,
    remove: async (_tenantId, _channelId, dir) => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Chromium rebuilds these; leaving them out keeps a saved session at a few MB instead of
 * hundreds (whatsapp-web.js's RemoteAuth leaves out the same kind of folders).
 */
const skippedFolders = new Set(['Cache', 'Code Cache', 'GPUCache', 'GrShaderCache', 'ShaderCache', 'GraphiteDawnCache', 'DawnCache', 'DawnGraphiteCache', 'CacheStorage', 'Crashpad', 'component_crx_cache', 'Safe Browsing', 'optimization_guide_model_store', 'BrowserMetrics']);
const MAX_ARCHIVE_BYTES = 64 * 1024 * 1024;

/**
 * The login sealed in PostgreSQL (`whatsapp_sessions`, migration 0009): the profile folder,
 * packed (path and bytes of each file), gzipped and sealed with the secret box, so a database
 * dump does not hand out WhatsApp accounts.
 */
export function postgresSessionVault(orm: Orm, secretBox: SecretBox): SessionVault {
  return {
    kind: 'postgres',
    async restore(tenantId, channelId, dir) {
      const [row] = await withTenant(orm.em, tenantId, (em) => em.execute<Array<{ archive_sealed: string }>>('select archive_sealed from whatsapp_sessions where channel_id = ?', [channelId]));
      if (!row) return false;
      const packed = await promisify(gunzip)(Buffer.from(secretBox.open(row.archive_sealed), 'base64'));
      await rm(dir, { recursive: true, force: true });
      await unpack(packed, dir);
      return true;
    },
    async save(tenantId, channelId, dir) {
      const packed = await pack(dir);
      if (packed === undefined) return;
      const archive = await promisify(gzip)(packed);
      if (archive.byteLength > MAX_ARCHIVE_BYTES) throw new Error(`the WhatsApp session folder packs to ${archive.byteLength} bytes, over the ${MAX_ARCHIVE_BYTES} limit`);
      await withTenant(orm.em, tenantId, (em) => em.execute(
        `insert into whatsapp_sessions (channel_id, tenant_id, archive_sealed, archive_bytes) values (?, ?, ?, ?)
         on conflict (channel_id) do update set archive_sealed = excluded.archive_sealed, archive_bytes = excluded.archive_bytes, updated_at = now()`,
        [channelId, tenantId, secretBox.seal(archive.toString('base64')), archive.byteLength],
      ));
    },
    async remove(tenantId, channelId, dir) {
      await withTenant(orm.em, tenantId, (em) => em.execute('delete from whatsapp_sessions where channel_id = ?', [channelId]));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every regular file under `dir` as `[u32 path length][path][u32 size][bytes]…`, or undefined when `dir` does not exist. */
async function pack(dir: string): Promise<Buffer | undefined> {
  if ((await lstat(dir).catch(() => undefined))?.isDirectory() !== true) return undefined;
  const parts: Buffer[] = [];
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!skippedFolders.has(entry.name)) await walk(path);
      } else if (entry.isFile()) {
        // A file Chromium deletes while we read is simply not part of this save.
        const bytes = await readFile(path).catch(() => undefined);
        if (bytes === undefined) continue;
        const name = Buffer.from(relative(dir, path).split(sep).join('/'));
        const header = Buffer.alloc(4);
        header.writeUInt32BE(name.byteLength);
        const size = Buffer.alloc(4);
        size.writeUInt32BE(bytes.byteLength);
        parts.push(header, name, size, bytes);
      }
    }
  };
  await walk(dir);
  return Buffer.concat(parts);
}

async function unpack(packed: Buffer, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  let offset = 0;
  while (offset < packed.byteLength) {
    const nameLength = packed.readUInt32BE(offset);
    const name = packed.subarray(offset + 4, offset + 4 + nameLength).toString();
    const size = packed.readUInt32BE(offset + 4 + nameLength);
    const start = offset + 8 + nameLength;
    const target = join(dir, name);
    // A sealed archive is ours, but a path must still never leave the session folder.
    if (!target.startsWith(`${dir}${sep}`) || name.split('/').includes('..')) throw new Error('refusing a saved session with a path outside its folder');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, packed.subarray(start, start + size));
    offset = start + size;
  }
}
