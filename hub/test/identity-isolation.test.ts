import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolePermissions, type CreateApiKeyResponse, type InvitationView, type Permission } from '@switchboard/contracts';
import { addMember, bearer, sampleBody, signUp, startIdentityHub, type BrowserClient, type IdentityHub } from './identity-harness.ts';

/**
 * Tenant isolation through the API: every route, called by each kind of principal of tenant A
 * with the ids of tenant B, must refuse (403/404) or act on A alone, and leave every row of B
 * exactly as it was.
 */
let hub: IdentityHub;

interface World {
  tenantId: string;
  ownerId: string;
  agentId: string;
  ownerEmail: string;
  agentEmail: string;
  tenantName: string;
  invitationId: string;
  apiKeyId: string;
  apiKeyPrefix: string;
}

let b: World;
type Caller = (request: { method: string; url: string; payload?: Record<string, unknown> }) => Promise<LightMyRequestResponse>;
const callers: Record<string, Caller> = {};

async function world(): Promise<{ world: World; owner: BrowserClient; ownerToken: string; adminToken: string; agentToken: string; key: string }> {
  const owner = await signUp(hub.app);
  const admin = await addMember(hub, owner.browser, 'admin');
  const agent = await addMember(hub, owner.browser, 'agent');
  const invitation = (await owner.browser.request({ method: 'POST', url: '/api/v1/team/invitations', payload: { email: `pending-${owner.userId.slice(0, 6)}@example.test`, role: 'agent' } })).json<InvitationView>();
  const tenantScopes = rolePermissions.owner.filter((permission): permission is Permission => !permission.startsWith('platform.'));
  const created = (await owner.browser.request({ method: 'POST', url: '/api/v1/api-keys', payload: { name: 'everything', scopes: tenantScopes } })).json<CreateApiKeyResponse>();
  return {
    world: {
      tenantId: owner.tenantId,
      ownerId: owner.userId,
      agentId: agent.userId,
      ownerEmail: owner.email,
      agentEmail: agent.email,
      tenantName: owner.session.me.tenant?.name ?? '',
      invitationId: invitation.id,
      apiKeyId: created.apiKey.id,
      apiKeyPrefix: created.apiKey.prefix,
    },
    owner: owner.browser,
    ownerToken: owner.session.accessToken,
    adminToken: admin.session.accessToken,
    agentToken: agent.session.accessToken,
    key: created.key,
  };
}

/** Every row of tenant B, as the superuser sees it. */
async function snapshotOf(tenantId: string): Promise<unknown> {
  const rows = async (sql: string) => hub.admin(sql, [tenantId]);
  return {
    tenant: await rows('select * from tenants where id = $1'),
    users: await rows('select u.* from users u join memberships m on m.user_id = u.id where m.tenant_id = $1 order by u.id'),
    memberships: await rows('select * from memberships where tenant_id = $1 order by id'),
    invitations: await rows('select * from invitations where tenant_id = $1 order by id'),
    apiKeys: await rows('select id, name, scopes, revoked_at, created_by from api_keys where tenant_id = $1 order by id'),
    sessions: await rows('select id, revoked_at, rotated_at from refresh_sessions where tenant_id = $1 order by id'),
    audit: await rows('select id from audit_log where tenant_id = $1 order by id'),
  };
}

beforeAll(async () => {
  hub = await startIdentityHub('isolation');
  const a = await world();
  hub.answerAiFor(a.world.tenantId);
  b = (await world()).world;
  callers['owner (bearer)'] = (request) => bearer(hub.app, a.ownerToken)(request);
  callers['owner (cookie)'] = (request) => a.owner.request(request);
  callers['admin'] = (request) => bearer(hub.app, a.adminToken)(request);
  callers['agent'] = (request) => bearer(hub.app, a.agentToken)(request);
  callers['API key'] = (request) => bearer(hub.app, a.key)(request);
});

afterAll(async () => {
  await hub?.close();
});

/** The URL of a route aimed at tenant B: B's ids in its path, and B as the audit filter. */
function foreignUrl(url: string): string {
  const id = url.startsWith('/api/v1/api-keys') ? b.apiKeyId : b.invitationId;
  const filled = url.replace(':userId', b.agentId).replace(':tenantId', b.tenantId).replace(':messageId', id).replace(':index', '0').replace(':id', id);
  return filled === '/api/v1/audit' ? `${filled}?tenantId=${b.tenantId}` : filled;
}

describe("tenant isolation: tenant A's principals against tenant B through every route", () => {
  it("cannot read or change anything of tenant B through any route, by user session, cookie or API key", async () => {
    const routes = hub.app.routeAccess.filter((route) => route.url.startsWith('/api/v1/') && route.method !== 'HEAD' && route.access !== 'public');
    expect(routes.length).toBeGreaterThan(20);
    const before = await snapshotOf(b.tenantId);
    const secrets = [b.tenantId, b.ownerId, b.agentId, b.ownerEmail, b.agentEmail, b.tenantName, b.invitationId, b.apiKeyId, b.apiKeyPrefix];
    const violations: string[] = [];

    for (const route of routes) {
      const key = `${route.method} ${route.url}`;
      const url = foreignUrl(route.url);
      const namesB = url !== route.url;
      for (const [name, call] of Object.entries(callers)) {
        const payload = sampleBody(key, { userId: b.ownerId });
        const response = await call({ method: route.method, url, ...(payload === undefined ? {} : { payload }) });
        const where = `${name} → ${route.method} ${url}: ${response.statusCode}`;
        if (response.statusCode >= 500) violations.push(`${where} (server error)`);
        else if (namesB && ![403, 404].includes(response.statusCode)) violations.push(`${where} (expected 403 or 404)`);
        // A 401 would mean the walk lost its principal and proved nothing about this route.
        else if (response.statusCode === 401 && response.json<{ error: { code: string } }>().error.code === 'SB_ERR_UNAUTHENTICATED') violations.push(`${where} (the caller is not signed in any more)`);
        const leaked = secrets.filter((secret) => response.body.includes(secret));
        if (leaked.length > 0) violations.push(`${where} leaked ${leaked.join(', ')}`);
      }
    }
    expect(violations).toEqual([]);
    expect(await snapshotOf(b.tenantId)).toEqual(before);
    for (const call of Object.values(callers)) expect((await call({ method: 'GET', url: '/api/v1/tenant' })).statusCode).toBe(200);
  });

  it('shows a query without a tenant in scope no rows, even through the application role', async () => {
    const rows = await hub.orm.em.fork().execute('select id from tenants where id = ?', [b.tenantId]);
    expect(rows).toEqual([]);
  });
});
