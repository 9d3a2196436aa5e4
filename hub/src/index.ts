export { build, type HubOptions } from './app.ts';
export { startHub, type RunningHub } from './start-hub.ts';
export { main } from './main.ts';
export { seedDemoTenant, type DemoLogin, type DemoTenant } from './identity/demo-seed.ts';
export { fetchPage, isPrivateAddress, type UrlFetchOptions } from './knowledge/url-fetcher.ts';
