export { createLogger, type Logger } from './logger.ts';
export { exitOnStartupError, stopOnSignals } from './process-lifecycle.ts';
export { openInfrastructure, requireServiceUrls, type Infrastructure, type InfrastructureUrls } from './infrastructure.ts';
