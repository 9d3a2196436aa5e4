import { errorCatalog, type ErrorCode } from './error-catalog.ts';

/** One problem with one field of the input, e.g. `{ path: '/email', message: 'must match format "email"' }`. */
export interface FieldIssue {
  path: string;
  message: string;
}

export interface AppErrorOptions {
  /** Replaces the catalog's generic message with a more specific one. */
  message?: string;
  issues?: FieldIssue[];
  cause?: unknown;
  /** For `SB_ERR_RATE_LIMITED`: seconds until a retry can succeed, sent as `Retry-After`. */
  retryAfterSeconds?: number;
}

/**
 * The error every layer throws on purpose. It carries a stable catalog code, the HTTP status
 * for that code, optionally the input fields that are wrong, and the underlying cause.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly issues: FieldIssue[];
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    super(options.message ?? errorCatalog[code].message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = errorCatalog[code].status;
    this.issues = options.issues ?? [];
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** The wire shape used in HTTP bodies and socket acks. */
  toJSON(): { code: ErrorCode; message: string; issues?: FieldIssue[] } {
    return this.issues.length > 0
      ? { code: this.code, message: this.message, issues: this.issues }
      : { code: this.code, message: this.message };
  }
}

/** Narrows an unknown thrown value to an AppError. */
export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
