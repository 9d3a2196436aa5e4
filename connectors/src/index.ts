export { startConnector } from './core/start-connector.ts';
export { main } from './main.ts';
