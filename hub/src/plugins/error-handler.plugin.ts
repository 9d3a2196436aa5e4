import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, isAppError, type ErrorCode } from '@switchboard/errors';

/** Fastify's own error codes that are the client's fault, mapped to our catalog. */
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'SB_ERR_BAD_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'SB_ERR_BAD_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'SB_ERR_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'SB_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'SB_ERR_VALIDATION',
  FST_ERR_VALIDATION: 'SB_ERR_VALIDATION',
};

/**
 * One error shape for every route: `{ error: { code, message, issues?, traceId } }` with the
 * catalog's status. Client mistakes are 4xx naming what is wrong; anything unexpected is a
 * 500 that shows only the trace id (the details go to the log, never to the client).
 */
export const errorHandlerPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((error: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) {
      request.log.error({ err: error }, 'request failed');
    } else {
      request.log.info({ code: appError.code, issues: appError.issues }, appError.message);
    }
    if (appError.retryAfterSeconds !== undefined) void reply.header('retry-after', String(Math.max(1, Math.ceil(appError.retryAfterSeconds))));
    void reply.status(appError.status).send({ error: { ...appError.toJSON(), traceId: request.id } });
  });

  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({
      error: { code: 'SB_ERR_NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}.`, traceId: request.id },
    });
  });
}, { name: 'error-handler' });

function toAppError(error: FastifyError | AppError): AppError {
  if (isAppError(error)) return error;
  const mapped = error.code ? fastifyCodes[error.code] : undefined;
  if (mapped) return new AppError(mapped, { message: mapped === 'SB_ERR_VALIDATION' ? error.message : undefined, cause: error });
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    // A 4xx from a Fastify plugin we have not mapped yet: keep its status, give it a catalog code.
    const code: ErrorCode = error.statusCode === 404 ? 'SB_ERR_NOT_FOUND' : error.statusCode === 429 ? 'SB_ERR_RATE_LIMITED' : 'SB_ERR_VALIDATION';
    return new AppError(code, { message: error.message, cause: error });
  }
  return new AppError('SB_ERR_INTERNAL', { cause: error });
}
