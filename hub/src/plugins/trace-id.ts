import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const traceparentPattern = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;
const requestIdPattern = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * The trace id of a request: the W3C `traceparent` trace id when a proxy or client sent one,
 * else a well-formed `x-request-id`, else a fresh one. It is logged on every line of the
 * request, returned in `x-trace-id` and carried onto the bus.
 */
export function traceIdOf(request: IncomingMessage): string {
  const traceparent = request.headers['traceparent'];
  if (typeof traceparent === 'string') {
    const match = traceparentPattern.exec(traceparent.trim());
    if (match?.[1] && !/^0+$/.test(match[1])) return match[1];
  }
  const requestId = request.headers['x-request-id'];
  if (typeof requestId === 'string' && requestIdPattern.test(requestId)) return requestId;
  return randomBytes(16).toString('hex');
}
