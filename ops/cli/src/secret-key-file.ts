import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The embedded default's `SECRET_KEY`: read from `<dataDir>/secret.key`, or generated there
 * (48 random bytes, readable by this user only) on the first start, so sessions and encrypted
 * secrets survive a restart without anyone choosing a key.
 */
export async function loadOrCreateSecretKey(dataDir: string): Promise<string> {
  const path = join(dataDir, 'secret.key');
  try {
    const existing = (await readFile(path, 'utf8')).trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const key = randomBytes(48).toString('base64url');
  await writeFile(path, `${key}\n`, { mode: 0o600, flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  await chmod(path, 0o600);
  return (await readFile(path, 'utf8')).trim();
}
