import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissions, rolePermissions, type AuthenticatedSession, type CreateApiKeyResponse, type MeView, type Permission, type Role } from '@switchboard/contracts';
import { deriveKeys } from '@switchboard/security';
import { testLogger, testSecretKey } from '@switchboard/testing';
import { build } from '../src/index.ts';
import { addMember, bearer, freshIp, publicUrl, signUp, startIdentityHub, superAdmin, type IdentityHub, type SignedUp } from './identity-harness.ts';

let hub: IdentityHub;
let owner: SignedUp;
const sessions = {} as Record<Role, AuthenticatedSession>;

beforeAll(async () => {
  hub = await startIdentityHub('access', {
    // One probe route per permission, and one per marker, to test the table itself.
    extend: (app) => {
      for (const permission of permissions) {
        app.get(`/api/v1/test/rbac/${permission}`, { config: { access: permission } }, async () => ({ ok: true }));
      }
      app.post('/api/v1/test/rbac/authenticated', { config: { access: 'authenticated' } }, async () => ({ ok: true }));
      app.post('/api/v1/test/rbac/public', { config: { access: 'public' } }, async (request) => ({ principal: request.principal?.userId ?? null }));
    },
  });
  owner = await signUp(hub.app);
  sessions.owner = owner.session;
  sessions.admin = (await addMember(hub, owner.browser, 'admin')).session;
  sessions.agent = (await addMember(hub, owner.browser, 'agent')).session;
  sessions.super_admin = (await superAdmin(hub)).session;
});

afterAll(async () => {
  await hub?.close();
});

describe('every route declares its access', () => {
  it('declares access on every registered route, and on the route itself for every API route', async () => {
    const app = hub.app;
    expect(app.routeAccess.length).toBeGreaterThan(30);
    const undeclared = app.routeAccess.filter((route) => route.access === undefined);
    expect(undeclared).toEqual([]);
    const apiByContext = app.routeAccess.filter((route) => route.url.startsWith('/api/v1/') && route.declaredBy !== 'route');
    expect(apiByContext).toEqual([]);
  });

  it('knows the access of every operation in the OpenAPI document', async () => {
    const document = (await hub.app.inject({ method: 'GET', url: '/api/docs/json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    const declared = new Set(hub.app.routeAccess.map((route) => `${route.method} ${route.url}`));
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
    expect(operations.length).toBeGreaterThan(25);
    expect(operations.filter((operation) => !declared.has(operation))).toEqual([]);
  });

  it('refuses to start a hub with a route that declares no access, naming the route', async () => {
    const app = await build({ logger: testLogger() });
    const register = async () => {
      app.get('/api/v1/forgotten', async () => ({ leaked: true }));
      await app.ready();
    };
    await expect(register()).rejects.toThrow(/GET \/api\/v1\/forgotten declares no access/);
    await app.close();
  });

  it('refuses a route whose access names no known permission', async () => {
    const app = await build({ logger: testLogger() });
    const register = async () => {
      app.get('/api/v1/typo', { config: { access: 'team.raed' as Permission } }, async () => ({}));
      await app.ready();
    };
    await expect(register()).rejects.toThrow(/declares unknown access "team.raed"/);
    await app.close();
  });
});

describe('role-based access: the permission table decides', () => {
  const roles: Role[] = ['owner', 'admin', 'agent', 'super_admin'];

  it.each(roles)('gives %s exactly the permissions of its role, in /me and at every permission route', async (role) => {
    const session = sessions[role];
    const call = bearer(hub.app, session.accessToken);
    const me = (await call({ method: 'GET', url: '/api/v1/me' })).json<MeView>();
    expect([...me.permissions].sort()).toEqual([...rolePermissions[role]].sort());

    const outcome: Record<string, number> = {};
    const expected: Record<string, number> = {};
    for (const permission of permissions) {
      outcome[permission] = (await call({ method: 'GET', url: `/api/v1/test/rbac/${permission}` })).statusCode;
      expected[permission] = rolePermissions[role].includes(permission) ? 200 : 403;
    }
    expect(outcome).toEqual(expected);
    expect((await call({ method: 'POST', url: '/api/v1/test/rbac/authenticated' })).statusCode).toBe(200);
  });

  it('answers SB_ERR_FORBIDDEN naming the permission a role lacks', async () => {
    const response = await bearer(hub.app, sessions.agent.accessToken)({ method: 'GET', url: '/api/v1/test/rbac/team.invite' });
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toMatchObject({ code: 'SB_ERR_FORBIDDEN', message: expect.stringContaining('team.invite') });
  });

  it('answers 401 SB_ERR_UNAUTHENTICATED without credentials, and lets anyone reach a public route', async () => {
    for (const url of ['/api/v1/me', '/api/v1/test/rbac/tenant.read', '/api/v1/team/members']) {
      const response = await hub.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(401);
      expect(response.json().error.code).toBe('SB_ERR_UNAUTHENTICATED');
    }
    expect((await hub.app.inject({ method: 'POST', url: '/api/v1/test/rbac/public' })).json()).toEqual({ principal: null });
  });
});

describe('access tokens', () => {
  const keys = deriveKeys(testSecretKey);

  async function forge(overrides: { alg?: string; audience?: string; issuer?: string; expiresIn?: number; key?: Uint8Array } = {}): Promise<string> {
    const me = sessions.owner.me;
    const sid = (await hub.admin<{ family_id: string }>('select family_id from refresh_sessions where user_id = $1 and revoked_at is null and rotated_at is null limit 1', [me.user.id]))[0]?.family_id ?? '';
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ role: 'owner', sid, tid: me.tenant?.id })
      .setProtectedHeader({ alg: overrides.alg ?? 'HS256', typ: 'JWT' })
      .setSubject(me.user.id)
      .setIssuer(overrides.issuer ?? publicUrl)
      .setAudience(overrides.audience ?? 'switchboard-api')
      .setIssuedAt(now - 1000)
      .setExpirationTime(now + (overrides.expiresIn ?? 600))
      .sign(overrides.key ?? keys.tokenSigningKey);
  }

  const unsigned = (token: string) => {
    const [, payload] = token.split('.');
    return `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
  };

  it('accepts a correctly made token (so the refusals below are about what they change)', async () => {
    expect((await bearer(hub.app, await forge())({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
  });

  it.each([
    ['a tampered payload', async () => {
      const [header, payload, signature] = (await forge()).split('.');
      const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
      return [header, Buffer.from(JSON.stringify({ ...claims, role: 'super_admin' })).toString('base64url'), signature].join('.');
    }],
    ['a tampered signature', async () => `${(await forge()).slice(0, -4)}AAAA`],
    ['an expired token', () => forge({ expiresIn: -60 })],
    ['a token for another audience', () => forge({ audience: 'switchboard-widget' })],
    ['a token from another issuer', () => forge({ issuer: 'https://evil.example' })],
    ['an unsigned alg:none token', async () => unsigned(await forge())],
    ['a token signed with HS512', () => forge({ alg: 'HS512' })],
    ['a token signed with another key', () => forge({ key: new Uint8Array(32).fill(7) })],
    ['garbage', async () => 'not-a-jwt'],
  ])('refuses %s with 401', async (_name, make) => {
    const token = await make();
    const viaHeader = await bearer(hub.app, token)({ method: 'GET', url: '/api/v1/me' });
    expect(viaHeader.statusCode).toBe(401);
    expect(viaHeader.json().error.code).toBe('SB_ERR_UNAUTHENTICATED');
    const viaCookie = await hub.app.inject({ method: 'GET', url: '/api/v1/me', cookies: { sb_access: token } });
    expect(viaCookie.statusCode).toBe(401);
  });
});

describe('CSRF protection of cookie sessions', () => {
  it('refuses a cookie-authenticated change without the x-csrf-token header, or with a wrong one', async () => {
    const { browser } = await signUp(hub.app);
    const withoutHeader = await browser.request({ method: 'POST', url: '/api/v1/team/invitations', payload: { email: `x-${randomUUID()}@example.test`, role: 'agent' }, csrf: false });
    expect(withoutHeader.statusCode).toBe(403);
    expect(withoutHeader.json().error.code).toBe('SB_ERR_CSRF');
    const wrongHeader = await browser.request({ method: 'PATCH', url: '/api/v1/tenant', payload: { name: 'Hijacked' }, csrf: false, headers: { 'x-csrf-token': 'guessed-token-value' } });
    expect(wrongHeader.json().error.code).toBe('SB_ERR_CSRF');
    expect((await browser.request({ method: 'GET', url: '/api/v1/tenant' })).json().name).not.toBe('Hijacked');

    expect((await browser.request({ method: 'GET', url: '/api/v1/team/members', csrf: false })).statusCode).toBe(200);
    expect((await browser.request({ method: 'PATCH', url: '/api/v1/tenant', payload: { name: 'Renamed' } })).statusCode).toBe(200);
  });

  it('needs no CSRF token from a bearer client, which a browser never sends by itself', async () => {
    const { session } = await signUp(hub.app);
    const response = await bearer(hub.app, session.accessToken)({ method: 'PATCH', url: '/api/v1/tenant', payload: { locale: 'fr' } });
    expect(response.statusCode).toBe(200);
  });

  it('does not act as the signed-in user on a public route when the CSRF token is missing', async () => {
    const { browser } = await signUp(hub.app);
    const forged = await browser.request({ method: 'POST', url: '/api/v1/test/rbac/public', csrf: false });
    expect(forged.json()).toEqual({ principal: null });
    const genuine = await browser.request({ method: 'POST', url: '/api/v1/test/rbac/public' });
    expect(genuine.json().principal).toEqual(expect.any(String));
  });
});

describe('API keys', () => {
  async function createKey(scopes: Permission[], session = sessions.owner): Promise<CreateApiKeyResponse> {
    const response = await bearer(hub.app, session.accessToken)({ method: 'POST', url: '/api/v1/api-keys', payload: { name: `key ${randomUUID().slice(0, 4)}`, scopes } });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<CreateApiKeyResponse>();
  }

  it('reaches exactly the routes of its scopes, by Authorization header or x-api-key', async () => {
    const { key, apiKey } = await createKey(['team.read', 'conversation.read']);
    expect(key).toMatch(/^sbk_/);
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    const outcome: Record<string, number> = {};
    for (const permission of permissions) {
      outcome[permission] = (await bearer(hub.app, key)({ method: 'GET', url: `/api/v1/test/rbac/${permission}` })).statusCode;
    }
    expect(Object.entries(outcome).filter(([, status]) => status === 200).map(([permission]) => permission).sort()).toEqual(['conversation.read', 'team.read']);
    expect(Object.values(outcome).filter((status) => status !== 200 && status !== 403)).toEqual([]);
    const viaHeader = await hub.app.inject({ method: 'GET', url: '/api/v1/team/members', headers: { 'x-api-key': key } });
    expect(viaHeader.statusCode).toBe(200);
    // A key is not a person: it cannot use the routes of a signed-in user.
    expect((await bearer(hub.app, key)({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(403);
    expect((await bearer(hub.app, key)({ method: 'POST', url: '/api/v1/me/mfa/setup' })).statusCode).toBe(403);
    const [stored] = await hub.admin<{ last_used_at: Date | null }>('select last_used_at from api_keys where id = $1', [apiKey.id]);
    expect(stored?.last_used_at).toBeInstanceOf(Date);
  });

  it('is listed without its secret, and stops working once revoked', async () => {
    const { key, apiKey } = await createKey(['tenant.read']);
    const listed = await bearer(hub.app, sessions.owner.accessToken)({ method: 'GET', url: '/api/v1/api-keys' });
    expect(listed.body).not.toContain(key);
    expect(listed.json().items.map((item: { id: string }) => item.id)).toContain(apiKey.id);
    expect((await bearer(hub.app, key)({ method: 'GET', url: '/api/v1/tenant' })).statusCode).toBe(200);
    expect((await bearer(hub.app, sessions.owner.accessToken)({ method: 'DELETE', url: `/api/v1/api-keys/${apiKey.id}` })).statusCode).toBe(204);
    const refused = await bearer(hub.app, key)({ method: 'GET', url: '/api/v1/tenant' });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.message).toMatch(/revoked/);
    expect((await bearer(hub.app, 'sbk_unknownkeyunknownkeyunknownkey')({ method: 'GET', url: '/api/v1/tenant' })).statusCode).toBe(401);
  });

  it('cannot carry permissions its creator lacks, and cannot be made by a role without apikey.manage', async () => {
    const beyond = await bearer(hub.app, sessions.admin.accessToken)({ method: 'POST', url: '/api/v1/api-keys', payload: { name: 'billing', scopes: ['billing.manage'] } });
    expect(beyond.statusCode).toBe(403);
    expect(beyond.json().error.issues).toEqual([{ path: 'body/scopes/0', message: 'billing.manage is not one of your permissions' }]);
    const byAgent = await bearer(hub.app, sessions.agent.accessToken)({ method: 'POST', url: '/api/v1/api-keys', payload: { name: 'mine', scopes: ['team.read'] } });
    expect(byAgent.statusCode).toBe(403);
  });

  it("stops working when its creator leaves the workspace", async () => {
    const admin = await addMember(hub, owner.browser, 'admin');
    const { key } = await createKey(['team.read'], admin.session);
    expect((await bearer(hub.app, key)({ method: 'GET', url: '/api/v1/team/members' })).statusCode).toBe(200);
    expect((await owner.browser.request({ method: 'DELETE', url: `/api/v1/team/members/${admin.userId}` })).statusCode).toBe(204);
    expect((await bearer(hub.app, key)({ method: 'GET', url: '/api/v1/team/members' })).statusCode).toBe(401);
  });
});

describe('per-address API limit', () => {
  it('answers 429 with Retry-After once one address exceeds the API limit, and serves other addresses', async () => {
    const small = await startIdentityHub('access_limit', { apiPerIpLimit: { limit: 3, windowMs: 60_000 } });
    try {
      const ip = freshIp();
      const responses = [];
      for (let i = 0; i < 4; i += 1) responses.push(await small.app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-forwarded-for': ip } }));
      expect(responses.map((response) => response.statusCode)).toEqual([401, 401, 401, 429]);
      expect(Number(responses[3]?.headers['retry-after'])).toBeGreaterThan(0);
      expect((await small.app.inject({ method: 'GET', url: '/api/v1/me', headers: { 'x-forwarded-for': freshIp() } })).statusCode).toBe(401);
    } finally {
      await small.close();
    }
  });

  it("answers 429 once one tenant's members exceed the tenant's API limit, from whichever addresses", async () => {
    const small = await startIdentityHub('tenant_limit', { apiPerTenantLimit: { limit: 3, windowMs: 60_000 } });
    try {
      const busy = await signUp(small.app);
      const quiet = await signUp(small.app);
      const codes: number[] = [];
      for (let i = 0; i < 4; i += 1) codes.push((await bearer(small.app, busy.session.accessToken)({ method: 'GET', url: '/api/v1/tenant' })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429]);
      expect((await bearer(small.app, quiet.session.accessToken)({ method: 'GET', url: '/api/v1/tenant' })).statusCode).toBe(200);
    } finally {
      await small.close();
    }
  });
});

describe('client address', () => {
  it('ignores X-Forwarded-For unless a proxy is trusted, so a client cannot pick the address limits count', async () => {
    const direct = await build({ logger: testLogger() });
    const behindProxy = await build({ logger: testLogger(), trustProxy: 1 });
    for (const app of [direct, behindProxy]) {
      app.get('/api/v1/whoami', { config: { access: 'public' } }, async (request) => ({ ip: request.ip }));
      await app.ready();
    }
    const ask = (app: typeof direct) => app.inject({ method: 'GET', url: '/api/v1/whoami', headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect((await ask(direct)).json()).toEqual({ ip: '127.0.0.1' });
    expect((await ask(behindProxy)).json()).toEqual({ ip: '203.0.113.7' });
    await direct.close();
    await behindProxy.close();
  });
});
