import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, type FieldIssue } from '@switchboard/errors';

const MAX_DEPTH = 32;

/**
 * Refuses text containing the NUL character (U+0000) in a body or query string, naming the
 * field. JSON allows it, but PostgreSQL text cannot hold it, so such a value would otherwise
 * get as far as the database and fail there as a 500.
 */
export const textInputPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('preValidation', async (request) => {
    const issues = [...nulIssues(request.body, 'body', 0), ...nulIssues(request.query, 'querystring', 0)];
    if (issues.length > 0) {
      throw new AppError('SB_ERR_VALIDATION', { message: `The request is not valid: ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}.`, issues });
    }
  });
}, { name: 'text-input' });

function nulIssues(value: unknown, path: string, depth: number): FieldIssue[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [{ path, message: 'must not contain the NUL character' }] : [];
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return [];
  const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value);
  return entries.flatMap(([key, item]) => [
    ...(key.includes('\u0000') ? [{ path: `${path}/${key.replaceAll('\u0000', '\\0')}`, message: 'must not contain the NUL character' }] : []),
    ...nulIssues(item, `${path}/${key}`, depth + 1),
  ]);
}
