export { testLogger } from './test-logger.ts';
export { eventually } from './eventually.ts';
export { inboundMessageFixture } from './fixtures.ts';
