import { HttpErrorResponse } from '@angular/common/http';
import type { AckError } from '@switchboard/contracts';

/** One field the server refused, e.g. `{ path: 'body/email', message: 'must match format "email"' }`. */
export interface ApiIssue {
  readonly path: string;
  readonly message: string;
}

/** The body of every error answer (docs/errors.md): the socket ack's error plus the trace id. */
interface ErrorBody {
  error: AckError & { traceId?: string };
}

function isErrorBody(body: unknown): body is ErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error: unknown = body.error;
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error;
}

/** The stable `code` of an error answer in the documented shape; undefined for any other body. */
export function errorCodeOf(response: HttpErrorResponse): string | undefined {
  return isErrorBody(response.error) ? response.error.error.code : undefined;
}

/**
 * A refused or failed API call, as the console shows it: the stable `code` to branch on, the
 * `message` meant for people, the refused fields and the trace id that finds the request in the
 * logs. Answers that are not in the documented shape (proxy pages, lost connections) become
 * `SB_ERR_NETWORK` or `SB_ERR_INTERNAL` with a message a person can act on.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: readonly ApiIssue[] = [],
    readonly traceId?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /** Only worth showing for failures support has to look up (5xx, unknown answers). */
  get reference(): string | undefined {
    return this.status >= 500 || this.status === 0 ? this.traceId : undefined;
  }

  static from(error: unknown): ApiError {
    if (error instanceof ApiError) return error;
    if (!(error instanceof HttpErrorResponse)) {
      return new ApiError(0, 'SB_ERR_INTERNAL', 'Something went wrong in the console. Reload the page and try again.', [], undefined, { cause: error });
    }
    const traceId = error.headers.get('x-trace-id') ?? undefined;
    if (isErrorBody(error.error)) {
      const body = error.error.error;
      return new ApiError(error.status, body.code, body.message, body.issues ?? [], body.traceId ?? traceId, { cause: error });
    }
    if (error.status === 0) {
      return new ApiError(0, 'SB_ERR_NETWORK', 'Switchboard cannot be reached. Check your connection and try again.', [], undefined, { cause: error });
    }
    return new ApiError(error.status, 'SB_ERR_INTERNAL', `The server answered ${error.status} ${error.statusText}. Try again in a moment.`, [], traceId, { cause: error });
  }
}
