export { createLogger, type Logger } from './logger.ts';
export { exitOnStartupError, stopOnSignals } from './process-lifecycle.ts';
export type { RunningRole } from './running-role.ts';
export { openInfrastructure, requireServiceUrls, type Infrastructure, type InfrastructureUrls } from './infrastructure.ts';
