import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Logger } from '@switchboard/runtime';

/** Newest modification time of the files under `path` (or of `path` itself). */
function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestMtime(join(path, entry))), stat.mtimeMs);
}

/** True when the built console is older than any of its sources. */
export function dashboardIsStale(workspaceRoot: string, outputDir: string): boolean {
  const index = resolve(outputDir, 'index.html');
  if (!existsSync(index)) return true;
  const sources = ['dashboard', 'angular.json', 'shared/contracts/src'].map((path) => resolve(workspaceRoot, path)).filter(existsSync);
  return Math.max(...sources.map(newestMtime)) > statSync(index).mtimeMs;
}

/**
 * Builds the console with the Angular CLI (`ng build dashboard`) on this process's Node, unless
 * the build is newer than every source. Resolves when done; rejects with the CLI's output.
 */
export async function buildDashboardIfStale(workspaceRoot: string, outputDir: string, logger: Logger): Promise<void> {
  if (!dashboardIsStale(workspaceRoot, outputDir)) {
    logger.info('console build is up to date');
    return;
  }
  logger.info('building the console (ng build dashboard)');
  const ng = createRequire(import.meta.url).resolve('@angular/cli/bin/ng.js');
  const child = spawn(process.execPath, [ng, 'build', 'dashboard'], {
    cwd: workspaceRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NG_CLI_ANALYTICS: 'false', NX_NO_CLOUD: 'true' },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));
  if (code !== 0) throw new Error(`ng build dashboard failed (exit ${code}):\n${output.slice(-4000)}`);
  logger.info('console built');
}
