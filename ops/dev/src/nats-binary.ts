import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import type { ServiceLogger } from './service-logger.ts';

const run = promisify(execFile);

/** Debian puts nats-server in /usr/sbin, which is not on every user's PATH. */
const EXTRA_DIRS = ['/usr/sbin', '/usr/bin', '/usr/local/bin'];

export const NATS_INSTALL_HINT = 'run `sudo apt-get install -y nats-server` or set NATS_URL';

export interface ResolveNatsServerOptions {
  logger: ServiceLogger;
  /** Directories to search; defaults to PATH plus /usr/sbin, /usr/bin, /usr/local/bin. */
  searchDirs?: readonly string[];
  /** Whether a missing binary may be installed with apt-get; defaults to "running as root". */
  mayInstall?: boolean;
}

let installing: Promise<void> | undefined;

/**
 * The path of the nats-server binary. When it is missing and we run as root (CI, dev
 * containers) it is installed from Debian's packages; otherwise the error says how to get it.
 */
export async function resolveNatsServer(options: ResolveNatsServerOptions): Promise<string> {
  const { logger } = options;
  const searchDirs = options.searchDirs ?? defaultSearchDirs();
  const mayInstall = options.mayInstall ?? process.getuid?.() === 0;
  const found = await findExecutable('nats-server', searchDirs);
  if (found) return found;
  if (!mayInstall) {
    throw new Error(`nats-server is not installed (searched ${searchDirs.join(', ')}): ${NATS_INSTALL_HINT}`);
  }
  // Parallel starts share one apt-get run: dpkg holds a lock.
  installing ??= installWithApt(logger).finally(() => {
    installing = undefined;
  });
  await installing;
  const installed = await findExecutable('nats-server', searchDirs);
  if (!installed) throw new Error(`nats-server is still missing after apt-get install: ${NATS_INSTALL_HINT}`);
  return installed;
}

function defaultSearchDirs(): string[] {
  const fromPath = (process.env['PATH'] ?? '').split(delimiter).filter(Boolean);
  return [...new Set([...fromPath, ...EXTRA_DIRS])];
}

async function findExecutable(name: string, dirs: readonly string[]): Promise<string | undefined> {
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

async function installWithApt(logger: ServiceLogger): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = (): Promise<unknown> =>
    run('apt-get', ['install', '-y', '--no-install-recommends', 'nats-server'], { env, timeout: 300_000 });
  logger.info('nats-server not found: installing it with apt-get');
  try {
    await install();
  } catch {
    // Usually a stale or empty package index on a fresh machine.
    logger.info('apt-get install failed: running apt-get update and retrying');
    try {
      await run('apt-get', ['update'], { env, timeout: 300_000 });
      await install();
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      throw new Error(`could not install nats-server with apt-get: ${stderr.trim() || String(error)}`, {
        cause: error,
      });
    }
  }
}
