import { checkSchema, describeIssues } from '@switchboard/contracts';
import { AppError, isAppError } from '@switchboard/errors';
import type { Logger } from 'pino';
import type { Static, TSchema } from 'typebox';

type Ack = (answer: { data: unknown } | { error: { code: string; message: string; issues?: Array<{ path: string; message: string }> } }) => void;

/**
 * Wraps a socket command handler: validates the payload against its schema, runs the handler
 * and acknowledges `{ data }` or `{ error: { code, message } }`. Nothing a client sends can
 * throw out of here: bad input is a 4xx-coded error in the ack, a bug is `SB_ERR_INTERNAL`.
 */
export function socketCommand<Schema extends TSchema>(
  name: string,
  schema: Schema,
  logger: Logger,
  handler: (payload: Static<Schema>) => Promise<unknown>,
): (payload: unknown, ack?: unknown) => void {
  return (payload, ack) => {
    const reply: Ack = typeof ack === 'function' ? (ack as Ack) : () => undefined;
    const check = checkSchema(schema, payload ?? {});
    if (!check.ok) {
      reply({ error: { code: 'SB_ERR_VALIDATION', message: `${name}: ${describeIssues(check.issues)}`, issues: check.issues } });
      return;
    }
    handler(check.value).then(
      (data) => reply({ data: data ?? {} }),
      (error: unknown) => {
        const appError = isAppError(error) ? error : new AppError('SB_ERR_INTERNAL', { cause: error });
        if (appError.status >= 500) logger.error({ err: error, command: name }, 'socket command failed');
        reply({ error: { code: appError.code, message: appError.message, ...(appError.issues.length > 0 ? { issues: appError.issues } : {}) } });
      },
    );
  };
}

/** The error a namespace middleware refuses a connection with: the code first, as clients parse it. */
export function refusal(error: unknown): Error & { data?: unknown } {
  const appError = isAppError(error) ? error : new AppError('SB_ERR_INTERNAL', { cause: error });
  const refused: Error & { data?: unknown } = new Error(`${appError.code}: ${appError.message}`);
  refused.data = { code: appError.code, message: appError.message };
  return refused;
}
