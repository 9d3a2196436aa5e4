/**
 * Where the service launchers report what they do. A pino logger fits this shape; so does
 * `console`.
 */
export interface ServiceLogger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** The default logger: progress is dropped, warnings and errors go to stderr. */
export const quietLogger: ServiceLogger = {
  info: () => undefined,
  warn: (msg) => console.warn(msg),
  error: (msg) => console.error(msg),
};
