import { defineConfig } from 'vitest/config';

/**
 * Every back-end test: unit tests and integration tests on real services. The global setup
 * starts one nats-server, PostgreSQL and Chroma for the run (see ops/dev/src/testing).
 */
export default defineConfig({
  test: {
    include: ['{hub,actors,connectors,ops,dashboard}/**/test/**/*.test.ts', 'shared/*/test/**/*.test.ts'],
    // The console's tests cover its plain TypeScript (maths, mappings); its components are tested
    // in a real browser (ops/e2e).
    exclude: ['**/node_modules/**', 'dist/**', 'dashboard/src/**'],
    globalSetup: ['ops/dev/src/testing/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 90_000,
    teardownTimeout: 30_000,
    reporters: process.env['CI'] ? ['default'] : ['default'],
  },
});
