import type { TestProject } from 'vitest/node';
// The augmentation below needs 'vitest' itself in the program; this import is erased.
import type {} from 'vitest';
import { startTestServices } from './test-services.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    natsUrl: string;
    databaseUrl: string;
    chromaUrl: string;
    /** The run's temporary directory (services' data lives below it). */
    dataDir: string;
  }
}

/**
 * Vitest `globalSetup`: one NATS, PostgreSQL and Chroma for the whole run, shared with the
 * tests through `inject('natsUrl')`, `inject('databaseUrl')`, `inject('chromaUrl')` and
 * `inject('dataDir')`. `NATS_URL`, `DATABASE_URL` and `CHROMA_URL` replace the matching
 * service. Give each test file its own database with `createDatabase`.
 */
export default async function setup(project: Pick<TestProject, 'provide'>): Promise<() => Promise<void>> {
  const services = await startTestServices();
  project.provide('natsUrl', services.natsUrl);
  project.provide('databaseUrl', services.databaseUrl);
  project.provide('chromaUrl', services.chromaUrl);
  project.provide('dataDir', services.dataDir);
  return () => services.stop();
}
