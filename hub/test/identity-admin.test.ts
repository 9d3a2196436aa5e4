import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntryView, AuthenticatedSession, CreateApiKeyResponse, MeView, TenantSummary, TenantView } from '@switchboard/contracts';
import { seedDemoTenant } from '../src/index.ts';
import { addMember, bearer, BrowserClient, logIn, signUp, startIdentityHub, superAdmin, type IdentityHub } from './identity-harness.ts';

let hub: IdentityHub;
let root: Awaited<ReturnType<typeof superAdmin>>;

beforeAll(async () => {
  hub = await startIdentityHub('admin');
  root = await superAdmin(hub);
});

afterAll(async () => {
  await hub?.close();
});

describe('the platform: tenants', () => {
  it('lists every tenant with its member count to a super admin, and to nobody else', async () => {
    const first = await signUp(hub.app);
    await addMember(hub, first.browser, 'agent');
    const second = await signUp(hub.app);
    // Two chats in the first tenant's web channel.
    await hub.admin(`insert into channels (id, tenant_id, type, name, public_key) values ($1, $2, 'webchat', 'Website', $3)`, [first.tenantId, first.tenantId, `pk_${first.tenantId}`]);
    for (const chat of ['visitor-1', 'visitor-2']) {
      await hub.admin(`with contact as (insert into contacts (tenant_id, channel_id, external_id) values ($1, $1, $2) returning id)
        insert into conversations (tenant_id, channel_id, contact_id, external_chat_id) select $1, $1, id, $2 from contact`, [first.tenantId, chat]);
    }
    const response = await root.browser.request({ method: 'GET', url: '/api/v1/admin/tenants' });
    expect(response.statusCode).toBe(200);
    const summaries = response.json<{ items: TenantSummary[] }>().items;
    const byId = new Map(summaries.map((summary) => [summary.tenant.id, summary]));
    expect(byId.get(first.tenantId)).toMatchObject({ memberCount: 2, conversationCount: 2, tenant: { status: 'active' } });
    expect(byId.get(second.tenantId)).toMatchObject({ memberCount: 1, conversationCount: 0 });
    expect(byId.get(first.tenantId)?.lastActivityAt).toEqual(expect.any(String));

    const asOwner = await first.browser.request({ method: 'GET', url: '/api/v1/admin/tenants' });
    expect(asOwner.statusCode).toBe(403);
  });

  it("suspends a tenant: its whole API answers SB_ERR_TENANT_SUSPENDED until reactivated; other tenants carry on", async () => {
    const tenant = await signUp(hub.app);
    const agent = await addMember(hub, tenant.browser, 'agent');
    const key = (await tenant.browser.request({ method: 'POST', url: '/api/v1/api-keys', payload: { name: 'ci', scopes: ['tenant.read'] } })).json<CreateApiKeyResponse>().key;
    const bystander = await signUp(hub.app);

    const suspended = await root.browser.request({ method: 'POST', url: `/api/v1/admin/tenants/${tenant.tenantId}/suspend` });
    expect(suspended.json<TenantView>().status).toBe('suspended');

    const calls = [
      tenant.browser.request({ method: 'GET', url: '/api/v1/me' }),
      tenant.browser.request({ method: 'GET', url: '/api/v1/team/members' }),
      tenant.browser.request({ method: 'PATCH', url: '/api/v1/tenant', payload: { name: 'Still here' } }),
      tenant.browser.request({ method: 'POST', url: '/api/v1/team/invitations', payload: { email: `late-${randomUUID()}@example.test`, role: 'agent' } }),
      bearer(hub.app, agent.session.accessToken)({ method: 'GET', url: '/api/v1/tenant' }),
      bearer(hub.app, key)({ method: 'GET', url: '/api/v1/tenant' }),
    ];
    for (const response of await Promise.all(calls)) {
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('SB_ERR_TENANT_SUSPENDED');
    }
    const login = await new BrowserClient(hub.app).request({ method: 'POST', url: '/api/v1/auth/login', payload: { email: tenant.email, password: 'correct horse battery staple' } });
    expect(login.json().error.code).toBe('SB_ERR_TENANT_SUSPENDED');
    expect((await bystander.browser.request({ method: 'GET', url: '/api/v1/team/members' })).statusCode).toBe(200);

    const reactivated = await root.browser.request({ method: 'POST', url: `/api/v1/admin/tenants/${tenant.tenantId}/reactivate` });
    expect(reactivated.json<TenantView>().status).toBe('active');
    expect((await tenant.browser.request({ method: 'GET', url: '/api/v1/team/members' })).statusCode).toBe(200);
    const log = (await tenant.browser.request({ method: 'GET', url: '/api/v1/audit?action=tenant.*' })).json<{ items: AuditEntryView[] }>().items;
    expect(log.map((entry) => [entry.action, entry.actorUserId])).toEqual([
      ['tenant.reactivated', root.userId],
      ['tenant.suspended', root.userId],
      ['tenant.created', tenant.userId],
    ]);
    expect((await root.browser.request({ method: 'POST', url: `/api/v1/admin/tenants/${randomUUID()}/suspend` })).statusCode).toBe(404);
  });

  it('reads the audit log across tenants, or of one tenant, as a super admin', async () => {
    const first = await signUp(hub.app);
    const second = await signUp(hub.app);
    const across = (await root.browser.request({ method: 'GET', url: '/api/v1/audit?action=tenant.created&limit=200' })).json<{ items: AuditEntryView[] }>().items;
    expect(across.map((entry) => entry.tenantId)).toEqual(expect.arrayContaining([first.tenantId, second.tenantId]));
    const one = (await root.browser.request({ method: 'GET', url: `/api/v1/audit?tenantId=${second.tenantId}` })).json<{ items: AuditEntryView[] }>().items;
    expect(new Set(one.map((entry) => entry.tenantId))).toEqual(new Set([second.tenantId]));
    const ownerPeeking = await first.browser.request({ method: 'GET', url: `/api/v1/audit?tenantId=${second.tenantId}` });
    expect(ownerPeeking.statusCode).toBe(403);
  });
});

describe('impersonation', () => {
  it('acts as a member for a limited time, audits every action with both identities, and returns to the admin', async () => {
    const tenant = await signUp(hub.app);
    const admin = await logIn(hub.app, root.session.me.user.email);
    const started = await admin.browser.request({ method: 'POST', url: `/api/v1/admin/tenants/${tenant.tenantId}/impersonate`, payload: { userId: tenant.userId, minutes: 15 } });
    expect(started.statusCode).toBe(201);
    const session = started.json<AuthenticatedSession>();
    expect(session.me).toMatchObject({ role: 'owner', user: { id: tenant.userId }, impersonation: { byUserId: root.userId, byEmail: root.session.me.user.email } });
    const minutesLeft = (Date.parse(session.me.impersonation?.expiresAt ?? '') - Date.now()) / 60_000;
    expect(minutesLeft).toBeGreaterThan(14);
    expect(minutesLeft).toBeLessThanOrEqual(15);
    expect((await admin.browser.request({ method: 'GET', url: '/api/v1/me' })).json<MeView>().impersonation?.byUserId).toBe(root.userId);

    const renamed = await admin.browser.request({ method: 'PATCH', url: '/api/v1/tenant', payload: { name: 'Renamed by support' } });
    expect(renamed.statusCode).toBe(200);
    // MFA belongs to the person, not to whoever acts as them.
    expect((await admin.browser.request({ method: 'POST', url: '/api/v1/me/mfa/setup' })).statusCode).toBe(403);

    const stopped = await admin.browser.request({ method: 'POST', url: '/api/v1/admin/impersonation/stop' });
    expect(stopped.statusCode).toBe(200);
    expect(stopped.json<AuthenticatedSession>().me).toMatchObject({ role: 'super_admin', user: { id: root.userId } });
    expect((await admin.browser.request({ method: 'GET', url: '/api/v1/admin/tenants' })).statusCode).toBe(200);
    expect((await bearer(hub.app, session.accessToken)({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);

    const log = (await tenant.browser.request({ method: 'GET', url: '/api/v1/audit' })).json<{ items: AuditEntryView[] }>().items;
    const [stop, update, start] = log;
    expect(stop).toMatchObject({ action: 'platform.impersonation_stopped', actorUserId: tenant.userId, impersonatorUserId: root.userId });
    expect(update).toMatchObject({ action: 'tenant.updated', actorUserId: tenant.userId, impersonatorUserId: root.userId, metadata: { changes: { name: 'Renamed by support' } } });
    expect(start).toMatchObject({ action: 'platform.impersonation_started', actorUserId: root.userId, targetId: tenant.userId });
  });

  it("leaves an API client's own session alone while it impersonates", async () => {
    const tenant = await signUp(hub.app);
    const admin = await logIn(hub.app, root.session.me.user.email);
    const started = await bearer(hub.app, admin.session.accessToken)({ method: 'POST', url: `/api/v1/admin/tenants/${tenant.tenantId}/impersonate`, payload: { userId: tenant.userId } });
    expect(started.statusCode).toBe(201);
    expect(started.cookies.map((cookie) => cookie.name)).not.toContain('sb_imp_return');
    expect((await admin.browser.request({ method: 'POST', url: '/api/v1/auth/refresh' })).statusCode).toBe(200);
  });

  it('ends by itself: an impersonation session never outlives its time, at most an hour', async () => {
    const tenant = await signUp(hub.app);
    const tooLong = await root.browser.request({ method: 'POST', url: `/api/v1/admin/tenants/${tenant.tenantId}/impersonate`, payload: { userId: tenant.userId, minutes: 61 } });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.issues[0].path).toBe('body/minutes');

    const started = await bearer(hub.app, root.session.accessToken)({ method: 'POST', url: `/api/v1/admin/tenants/${tenant.tenantId}/impersonate`, payload: { userId: tenant.userId, minutes: 1 } });
    const { accessToken } = started.json<AuthenticatedSession>();
    expect((await bearer(hub.app, accessToken)({ method: 'GET', url: '/api/v1/tenant' })).statusCode).toBe(200);
    // Time passes: the session's end is reached (moved into the past rather than waited for).
    await hub.admin(`update refresh_sessions set expires_at = now() - interval '1 second' where impersonator_user_id = $1 and user_id = $2`, [root.userId, tenant.userId]);
    expect((await bearer(hub.app, accessToken)({ method: 'GET', url: '/api/v1/tenant' })).statusCode).toBe(401);
  });

  it('can always stop, even as an owner who still has to set up MFA the tenant requires', async () => {
    const tenant = await signUp(hub.app);
    expect((await tenant.browser.request({ method: 'PATCH', url: '/api/v1/tenant', payload: { requireMfa: true } })).statusCode).toBe(200);
    const started = await bearer(hub.app, root.session.accessToken)({ method: 'POST', url: `/api/v1/admin/tenants/${tenant.tenantId}/impersonate`, payload: { userId: tenant.userId } });
    const { accessToken } = started.json<AuthenticatedSession>();
    expect((await bearer(hub.app, accessToken)({ method: 'GET', url: '/api/v1/team/members' })).json().error.code).toBe('SB_ERR_MFA_SETUP_REQUIRED');
    expect((await bearer(hub.app, accessToken)({ method: 'POST', url: '/api/v1/admin/impersonation/stop' })).statusCode).toBe(204);
  });

  it('cannot impersonate someone outside the tenant, a platform admin, or be started by a tenant member', async () => {
    const tenant = await signUp(hub.app);
    const other = await signUp(hub.app);
    const outside = await root.browser.request({ method: 'POST', url: `/api/v1/admin/tenants/${tenant.tenantId}/impersonate`, payload: { userId: other.userId } });
    expect(outside.statusCode).toBe(404);
    const byOwner = await tenant.browser.request({ method: 'POST', url: `/api/v1/admin/tenants/${tenant.tenantId}/impersonate`, payload: { userId: tenant.userId } });
    expect(byOwner.statusCode).toBe(403);
    const notImpersonating = await tenant.browser.request({ method: 'POST', url: '/api/v1/admin/impersonation/stop' });
    expect(notImpersonating.statusCode).toBe(409);
  });
});

describe('the demo tenant', () => {
  it('is seeded once with a verified owner and agent who can sign in with the printed passwords', async () => {
    const first = await seedDemoTenant(hub.orm);
    const again = await seedDemoTenant(hub.orm);
    expect(first.created).toBe(true);
    expect(again).toEqual({ ...first, created: false });
    expect(first.logins.map((login) => [login.role, login.email])).toEqual([['owner', 'owner@demo.switchboard.local'], ['agent', 'agent@demo.switchboard.local']]);
    for (const login of first.logins) {
      const { session } = await logIn(hub.app, login.email, login.password);
      expect(session.me).toMatchObject({ role: login.role, tenant: { id: first.tenantId }, user: { emailVerified: true } });
    }
    expect(await hub.admin('select 1 from tenants where id = $1', [first.tenantId])).toHaveLength(1);
  });
});
