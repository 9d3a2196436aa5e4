export { startRunner } from './runtime/start-runner.ts';
export { main } from './main.ts';
