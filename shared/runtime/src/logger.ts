import { pino, type Logger } from 'pino';
import type { LogLevel } from '@switchboard/config';

export type { Logger };

/**
 * JSON logs (one object per line) with the process role on every line, ISO timestamps and
 * credentials redacted wherever they appear in a logged request.
 */
export function createLogger(options: { level: LogLevel; role: string }): Logger {
  return pino({
    level: options.level,
    base: { role: options.role, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie', '*.password', '*.token'],
      censor: '[redacted]',
    },
  });
}
