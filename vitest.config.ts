import { defineConfig } from 'vitest/config';

/**
 * Every back-end test: unit tests and integration tests on real services. The global setup
 * starts one nats-server, PostgreSQL and Chroma for the run (see ops/dev/src/testing).
 */
export default defineConfig({
  test: {
    include: ['{hub,actors,connectors,ops}/**/test/**/*.test.ts', 'shared/*/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**', 'dashboard/**'],
    globalSetup: ['ops/dev/src/testing/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 90_000,
    teardownTimeout: 30_000,
    reporters: process.env['CI'] ? ['default'] : ['default'],
  },
});
