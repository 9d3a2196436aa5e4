import { headers as natsHeaders, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { checkSchema, describeIssues, tenantOfSubject } from '@switchboard/contracts';
import { AppError, isAppError, isErrorCode } from '@switchboard/errors';
import type { Logger } from 'pino';
import type { Static, TSchema } from 'typebox';
import { busHeaders } from './bus-headers.ts';

type Reply = { data: unknown } | { error: { code: string; message: string } };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface RequestOptions {
  timeoutMs?: number;
  traceId?: string;
}

/**
 * Core NATS request/reply for queries a caller can retry (ARCHITECTURE.md): the request is
 * validated before it leaves, the reply when it comes back. A remote refusal comes back as the
 * AppError the server raised; no responder or a timeout is `SB_ERR_DEPENDENCY_DOWN`.
 */
export async function requestReply<Req extends TSchema, Res extends TSchema>(
  nc: NatsConnection,
  subject: string,
  schemas: { request: Req; response: Res },
  payload: Static<Req>,
  options: RequestOptions = {},
): Promise<Static<Res>> {
  const request = checkSchema(schemas.request, payload);
  if (!request.ok) {
    throw new AppError('SB_ERR_VALIDATION', { message: `refusing to send an invalid request on ${subject}: ${describeIssues(request.issues)}`, issues: request.issues });
  }
  const headers = natsHeaders();
  if (options.traceId) headers.set(busHeaders.traceId, options.traceId);
  let raw: Uint8Array;
  try {
    const message = await nc.request(subject, encoder.encode(JSON.stringify(payload)), { timeout: options.timeoutMs ?? 5_000, headers });
    raw = message.data;
  } catch (error) {
    throw new AppError('SB_ERR_DEPENDENCY_DOWN', { message: `no answer on ${subject}: ${(error as Error).message}`, cause: error });
  }
  const reply = JSON.parse(decoder.decode(raw)) as Reply;
  if ('error' in reply) {
    throw new AppError(isErrorCode(reply.error.code) ? reply.error.code : 'SB_ERR_INTERNAL', { message: reply.error.message });
  }
  const response = checkSchema(schemas.response, reply.data);
  if (!response.ok) {
    throw new AppError('SB_ERR_INTERNAL', { message: `invalid reply on ${subject}: ${describeIssues(response.issues)}` });
  }
  return response.value;
}

export interface ServeContext {
  subject: string;
  /** The tenant named by the subject (third token), when there is one. */
  tenantId: string | undefined;
  traceId: string | undefined;
}

/**
 * Answers requests on `subject` (wildcards allowed) in a queue group, so several runners share
 * the load. Each request is validated; the handler's answer is validated too, and a failure is
 * answered as `{ error }` instead of leaving the caller to time out.
 */
export function serveRequests<Req extends TSchema, Res extends TSchema>(
  nc: NatsConnection,
  subject: string,
  schemas: { request: Req; response: Res },
  handler: (request: Static<Req>, context: ServeContext) => Promise<Static<Res>>,
  logger: Logger,
  queue = 'sb-workers',
  maxInFlight = 256,
): { stop(): Promise<void> } {
  const subscription: Subscription = nc.subscribe(subject, { queue });
  const answer = async (message: Msg) => {
    const context: ServeContext = {
      subject: message.subject,
      tenantId: tenantOfSubject(message.subject),
      traceId: message.headers?.get(busHeaders.traceId) || undefined,
    };
    let reply: Reply;
    try {
      const parsed: unknown = JSON.parse(decoder.decode(message.data));
      const request = checkSchema(schemas.request, parsed);
      if (!request.ok) throw new AppError('SB_ERR_VALIDATION', { message: describeIssues(request.issues), issues: request.issues });
      const answered = await handler(request.value, context);
      const response = checkSchema(schemas.response, answered);
      if (!response.ok) throw new AppError('SB_ERR_INTERNAL', { message: `handler answered an invalid reply: ${describeIssues(response.issues)}` });
      reply = { data: response.value };
    } catch (error) {
      const appError = isAppError(error) ? error : new AppError('SB_ERR_INTERNAL', { message: error instanceof SyntaxError ? 'request is not JSON' : 'request failed', cause: error });
      if (appError.status >= 500) logger.error({ err: error, subject: message.subject, traceId: context.traceId }, 'request handler failed');
      reply = { error: { code: appError.code, message: appError.message } };
    }
    message.respond(encoder.encode(JSON.stringify(reply)));
  };
  // Requests are answered concurrently (a slow one does not hold up the rest), up to a bound
  // past which the subscription waits, so a burst cannot grow memory without limit.
  const inFlight = new Set<Promise<void>>();
  const loop = (async () => {
    for await (const message of subscription) {
      const answering = answer(message);
      inFlight.add(answering);
      void answering.finally(() => inFlight.delete(answering));
      if (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  })();
  return {
    stop: async () => {
      await subscription.drain();
      await loop;
    },
  };
}
