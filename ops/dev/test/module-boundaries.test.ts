import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The dependency direction of ARCHITECTURE.md, as ESLint enforces it on `npm test`/`npm run lint`.
const root = resolve(import.meta.dirname, '../../..');
let eslint: ESLint;

beforeAll(() => {
  process.env['NX_DAEMON'] = 'false';
  // The rule skips itself (a warning, no errors) without Nx's cached project graph; make sure it exists.
  const nx = createRequire(import.meta.url).resolve('nx/package.json').replace(/package\.json$/, 'dist/bin/nx.js');
  spawnSync(process.execPath, [nx, 'show', 'projects'], { cwd: root, env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' }, stdio: 'ignore' });
  eslint = new ESLint({ cwd: root });
});

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, filePath) });
  return (result?.messages ?? []).filter((message) => message.ruleId === '@nx/enforce-module-boundaries').map((message) => message.message);
}

describe('module boundaries', () => {
  it.each([
    ['actors/src/runtime/probe.ts', '@switchboard/hub'],
    ['connectors/src/core/probe.ts', '@switchboard/actors'],
    ['shared/bus/src/probe.ts', '@switchboard/hub'],
    ['dashboard/src/app/probe.ts', '@switchboard/bus'],
    ['hub/src/probe.ts', '@switchboard/connectors'],
  ])('refuses %s importing %s', async (file, target) => {
    expect(await boundaryErrors(file, `import * as x from '${target}';\nexport const y = x;\n`)).not.toEqual([]);
  });

  it.each([
    ['hub/src/probe.ts', '@switchboard/bus'],
    ['actors/src/runtime/probe.ts', '@switchboard/contracts'],
    ['dashboard/src/app/probe.ts', '@switchboard/contracts'],
  ])('allows %s importing %s', async (file, target) => {
    expect(await boundaryErrors(file, `import * as x from '${target}';\nexport const y = x;\n`)).toEqual([]);
  });
});
