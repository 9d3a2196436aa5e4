import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, freshIp, sampleBody, signUp, startIdentityHub, superAdmin, type IdentityHub } from './identity-harness.ts';

/**
 * Bad input on every identity route that takes a body: each field missing, of the wrong type,
 * null, oversized or carrying a NUL; unknown fields; bodies that are not objects, not JSON, too
 * large or of another content type. Every answer is a 4xx that names the field, never a 500.
 */
let hub: IdentityHub;
let ownerToken: string;
let rootToken: string;
let agentId: string;

interface PropertySchema {
  type?: string;
  format?: string;
  maxLength?: number;
}
interface BodySchema {
  properties?: Record<string, PropertySchema>;
  required?: string[];
}
interface Operation {
  route: string;
  method: string;
  url: string;
  schema: BodySchema;
  access: string;
}

let operations: Operation[] = [];

beforeAll(async () => {
  hub = await startIdentityHub('input');
  const owner = await signUp(hub.app);
  ownerToken = owner.session.accessToken;
  rootToken = (await superAdmin(hub)).session.accessToken;
  agentId = (await addMember(hub, owner.browser, 'agent')).userId;
  const document = (await hub.app.inject({ method: 'GET', url: '/api/docs/json' })).json<{
    paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: BodySchema }> } }>>;
  }>();
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).flatMap(([method, operation]) => {
      const schema = operation.requestBody?.content?.['application/json']?.schema;
      if (schema?.properties === undefined || !path.startsWith('/api/v1/')) return [];
      const route = path.replace(/\{(\w+)\}/g, ':$1');
      const access = hub.app.routeAccess.find((entry) => entry.url === route && entry.method === method.toUpperCase())?.access;
      return [{ route: `${method.toUpperCase()} ${route}`, method: method.toUpperCase(), url: route, schema, access: String(access) }];
    }));
});

afterAll(async () => {
  await hub?.close();
});

/**
 * Sends a body to a route as someone allowed to call it (the access check comes before the
 * body is read): public routes anonymously, platform routes as a super admin, the rest as an owner.
 */
function send(operation: Operation, payload: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  const url = operation.url.replace(':userId', agentId).replace(':tenantId', agentId).replace(':messageId', agentId).replace(':index', '0').replace(':id', agentId);
  const token = operation.access === 'public' ? undefined : operation.access.startsWith('platform.') ? rootToken : ownerToken;
  return hub.app.inject({
    method: operation.method as 'POST',
    url,
    headers: { 'x-forwarded-for': freshIp(), ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), 'content-type': 'application/json', ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
}

function wrongTypeFor(schema: PropertySchema): unknown {
  if (schema.type === 'string') return 12345;
  if (schema.type === 'array') return 'not-a-list';
  if (schema.type === 'object') return 'not-an-object';
  return 'not-a-number-or-boolean';
}

function issuesOf(response: LightMyRequestResponse): string[] {
  const body = response.json<{ error?: { issues?: Array<{ path: string }> } }>();
  return (body.error?.issues ?? []).map((issue) => issue.path);
}

describe('bad input on every identity route with a body', () => {
  it('finds the routes to test', () => {
    const routes = operations.map((operation) => operation.route);
    expect(routes).toEqual(expect.arrayContaining([
      'POST /api/v1/auth/signup', 'POST /api/v1/auth/login', 'POST /api/v1/auth/refresh', 'POST /api/v1/auth/verify-email',
      'POST /api/v1/auth/forgot-password', 'POST /api/v1/auth/reset-password', 'POST /api/v1/auth/invitations/accept',
      'POST /api/v1/me/mfa/verify', 'DELETE /api/v1/me/mfa', 'POST /api/v1/team/invitations', 'PATCH /api/v1/tenant',
    ]));
  });

  it('names each wrong, missing, null, oversized or NUL-carrying field with a 4xx', async () => {
    const problems: string[] = [];
    for (const operation of operations) {
      const valid = sampleBody(operation.route, { userId: agentId }) ?? {};
      for (const [field, schema] of Object.entries(operation.schema.properties ?? {})) {
        const cases: Array<[string, unknown]> = [
          ['wrong type', wrongTypeFor(schema)],
          ['null', null],
          ...(schema.type === 'string' ? [['oversized', 'x'.repeat(Math.max(100_000, (schema.maxLength ?? 0) + 1))], ['NUL', `bad\u0000value`]] as Array<[string, unknown]> : []),
        ];
        if (operation.schema.required?.includes(field)) cases.push(['missing', undefined]);
        for (const [kind, value] of cases) {
          const body: Record<string, unknown> = { ...valid, [field]: value };
          if (value === undefined) delete body[field];
          const response = await send(operation, body);
          const named = issuesOf(response).some((path) => path === `body/${field}` || path.startsWith(`body/${field}/`));
          if (response.statusCode < 400 || response.statusCode >= 500 || !named) {
            problems.push(`${operation.route} ${field} ${kind}: ${response.statusCode} ${response.body.slice(0, 200)}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('names an unknown field, and refuses a body that is not an object', async () => {
    const problems: string[] = [];
    for (const operation of operations) {
      const valid = sampleBody(operation.route, { userId: agentId }) ?? {};
      const extra = await send(operation, { ...valid, isSuperAdmin: true });
      if (extra.statusCode !== 400 || !issuesOf(extra).includes('body/isSuperAdmin')) problems.push(`${operation.route} extra field: ${extra.statusCode}`);
      for (const payload of [[], 'just text', 42, null]) {
        const response = await send(operation, JSON.stringify(payload));
        if (response.statusCode !== 400 || !issuesOf(response).some((path) => path.startsWith('body'))) {
          problems.push(`${operation.route} body ${JSON.stringify(payload)}: ${response.statusCode} ${response.body.slice(0, 120)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('answers malformed JSON with 400, a huge body with 413 and another content type with 415', async () => {
    const problems: string[] = [];
    for (const operation of operations) {
      const malformed = await send(operation, '{"email": ');
      const huge = await send(operation, JSON.stringify({ pad: 'x'.repeat(1_100_000) }));
      const form = await send(operation, 'email=a%40b.c', { 'content-type': 'application/x-www-form-urlencoded' });
      const codes = [malformed, huge, form].map((response) => response.json<{ error: { code: string } }>().error.code);
      const expected = ['SB_ERR_BAD_JSON', 'SB_ERR_PAYLOAD_TOO_LARGE', 'SB_ERR_UNSUPPORTED_MEDIA_TYPE'];
      if (JSON.stringify(codes) !== JSON.stringify(expected)) problems.push(`${operation.route}: ${codes.join(', ')}`);
    }
    expect(problems).toEqual([]);
  });

  it('refuses a NUL in a query string or a malformed path id with a 4xx naming it', async () => {
    const query = await hub.app.inject({ method: 'GET', url: '/api/v1/audit?action=team%00invited', headers: { authorization: `Bearer ${ownerToken}` } });
    expect(query.statusCode).toBe(400);
    expect(issuesOf(query)).toEqual(['querystring/action']);
    const path = await hub.app.inject({ method: 'DELETE', url: '/api/v1/team/members/not-a-uuid', headers: { authorization: `Bearer ${ownerToken}` } });
    expect(path.statusCode).toBe(400);
    expect(issuesOf(path)).toEqual(['params/userId']);
    const token404 = await hub.app.inject({ method: 'GET', url: '/api/v1/auth/invitations/short' });
    expect(issuesOf(token404)).toEqual(['params/token']);
  });
});
