#!/usr/bin/env node
// `npm test`: every check and every test, then one closing line `tests: N passed, M failed`.
// Steps: lint (ESLint with the Nx module-boundary rule), typecheck (back end and console),
// console build (the browser tests load it), then Vitest: unit tests and integration tests
// on a real nats-server, PostgreSQL, Chroma and Chromium.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  console.error(`npm test needs Node 22 (this is ${process.version}); run it through npm after \`npm ci\`.`);
  process.exit(1);
}

const require = createRequire(import.meta.url);
const bin = (pkg, path) => join(require.resolve(`${pkg}/package.json`).replace(/package\.json$/, ''), path);
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NG_CLI_ANALYTICS: 'false' };
const vitestArgs = process.argv.slice(2);

const checks = [
  { name: 'lint', args: [bin('eslint', 'bin/eslint.js'), '.', '--max-warnings=0'] },
  { name: 'typecheck (back end)', args: [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json', '--noEmit'] },
  { name: 'typecheck (console)', args: [bin('typescript', 'bin/tsc'), '-p', 'dashboard/tsconfig.app.json', '--noEmit'] },
  { name: 'typecheck (widget)', args: [bin('typescript', 'bin/tsc'), '-p', 'widget/tsconfig.json', '--noEmit'] },
  { name: 'build (console)', args: [bin('@angular/cli', 'bin/ng.js'), 'build', 'dashboard'] },
  { name: 'build (widget)', args: ['ops/cli/bin/switchboard.mjs', 'build-widget'] },
];

// The module-boundary lint rule reads Nx's cached project graph and silently skips itself when
// there is none (a fresh clone): compute it first.
if (vitestArgs.length === 0 || vitestArgs.some((arg) => arg.includes('module-boundaries'))) {
  const graph = spawnSync(process.execPath, [bin('nx', 'dist/bin/nx.js'), 'show', 'projects'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (graph.status !== 0) console.error('could not compute the Nx project graph; the module-boundary rule will not run');
}

let passed = 0;
let failed = 0;
const failures = [];
// A focused run (`npm test -- hub/test/health.test.ts`) skips the whole-workspace checks.
for (const check of vitestArgs.length > 0 ? [] : checks) {
  process.stdout.write(`\n── ${check.name}\n`);
  const result = spawnSync(process.execPath, check.args, { stdio: 'inherit', env });
  if (result.status === 0) passed += 1;
  else {
    failed += 1;
    failures.push(check.name);
  }
}

process.stdout.write('\n── tests (vitest)\n');
const reportDir = mkdtempSync(join(tmpdir(), 'sb-test-report-'));
const report = join(reportDir, 'vitest.json');
const vitest = spawnSync(
  process.execPath,
  [bin('vitest', 'vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...vitestArgs],
  { stdio: 'inherit', env },
);
try {
  const results = JSON.parse(readFileSync(report, 'utf8'));
  passed += results.numPassedTests;
  failed += results.numFailedTests;
  for (const file of results.testResults ?? []) {
    for (const test of file.assertionResults ?? []) {
      if (test.status === 'failed') failures.push(test.fullName);
    }
    // A file that failed to load has no assertions; count it so it cannot pass unnoticed.
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) {
      failed += 1;
      failures.push(`${file.name}: ${String(file.message).split('\n')[0]}`);
    }
  }
} catch {
  failed += 1;
  failures.push(`vitest exited with ${vitest.status} and wrote no report`);
}
rmSync(reportDir, { recursive: true, force: true });
if (vitest.status !== 0 && failed === 0) {
  failed += 1;
  failures.push(`vitest exited with ${vitest.status}`);
}

if (failures.length > 0) process.stdout.write(`\nFailed:\n${failures.map((name) => `  - ${name}`).join('\n')}\n`);
process.stdout.write(`\ntests: ${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
