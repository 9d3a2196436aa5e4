import type { FastifySchemaCompiler } from 'fastify';
import { checkSchema } from '@switchboard/contracts';
import { AppError } from '@switchboard/errors';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';

/**
 * Validates routes with the same compiled TypeBox validators the bus uses, so a schema means
 * the same thing everywhere. Query strings, params and headers arrive as text and are
 * converted to the schema's types first. Failures are `SB_ERR_VALIDATION` naming each field.
 */
export const schemaValidator: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const convert = httpPart !== undefined && httpPart !== 'body';
  return (data: unknown) => {
    const value = convert ? Value.Convert(schema, data) : data;
    const check = checkSchema(schema, value);
    if (check.ok) return { value: check.value };
    const part = httpPart ?? 'body';
    const issues = check.issues.map((issue) => ({ path: `${part}${issue.path === '/' ? '' : issue.path}`, message: issue.message }));
    const summary = issues.map((issue) => `${issue.path} ${issue.message}`).join('; ');
    return { error: new AppError('SB_ERR_VALIDATION', { message: `The request is not valid: ${summary}.`, issues }) };
  };
};
