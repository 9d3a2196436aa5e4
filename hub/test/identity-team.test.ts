import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntryView, AuthenticatedSession, InvitationPreview, InvitationView, MemberView } from '@switchboard/contracts';
import { addMember, bearer, BrowserClient, linkToken, publicUrl, signUp, startIdentityHub, strongPassword, type IdentityHub, type SignedUp } from './identity-harness.ts';

let hub: IdentityHub;

beforeAll(async () => {
  hub = await startIdentityHub('team');
});

afterAll(async () => {
  await hub?.close();
});

async function invite(owner: SignedUp, email: string, role: 'owner' | 'admin' | 'agent') {
  return owner.browser.request({ method: 'POST', url: '/api/v1/team/invitations', payload: { email, role } });
}

async function members(browser: BrowserClient): Promise<MemberView[]> {
  return (await browser.request({ method: 'GET', url: '/api/v1/team/members' })).json<{ items: MemberView[] }>().items;
}

describe('invitations', () => {
  it('mails an invitation link over SMTP that a new person previews and accepts with a name and password', async () => {
    const owner = await signUp(hub.app);
    const email = `new-agent-${randomUUID().slice(0, 6)}@example.test`;
    const invited = await invite(owner, email, 'agent');
    expect(invited.statusCode).toBe(201);
    const invitation = invited.json<InvitationView>();
    expect(invitation).toMatchObject({ email, role: 'agent', invitedBy: owner.userId });

    const mail = await hub.smtp.waitForMail((candidate) => candidate.to.includes(email));
    expect(mail.subject).toContain(`Tenant`);
    expect(mail.text).toContain(`${publicUrl}/invite/`);
    expect(mail.html).toContain('Accept the invitation');
    const token = linkToken(mail, 'invite');

    const listed = (await owner.browser.request({ method: 'GET', url: '/api/v1/team/invitations' })).json<{ items: InvitationView[] }>().items;
    expect(listed.map((item) => item.id)).toEqual([invitation.id]);

    const preview = await hub.app.inject({ method: 'GET', url: `/api/v1/auth/invitations/${token}` });
    expect(preview.json<InvitationPreview>()).toMatchObject({ tenantName: owner.session.me.tenant?.name, email, role: 'agent', existingUser: false });

    const missing = await new BrowserClient(hub.app).request({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(['body/name', 'body/password']);

    const invitee = new BrowserClient(hub.app);
    const accepted = await invitee.request({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token, name: 'Nina New', password: strongPassword } });
    expect(accepted.statusCode).toBe(201);
    expect(accepted.json<AuthenticatedSession>().me).toMatchObject({ role: 'agent', user: { email, name: 'Nina New', emailVerified: true }, tenant: { id: owner.tenantId } });

    const team = await members(owner.browser);
    expect(team.map((member) => [member.email, member.role])).toEqual([[owner.email, 'owner'], [email, 'agent']]);
    expect(team[1]?.lastSeenAt).toBeUndefined();
    await invitee.request({ method: 'GET', url: '/api/v1/me' });
    expect((await members(owner.browser))[1]?.lastSeenAt).toEqual(expect.any(String));

    expect((await owner.browser.request({ method: 'GET', url: '/api/v1/team/invitations' })).json().items).toEqual([]);
    const reused = await hub.app.inject({ method: 'GET', url: `/api/v1/auth/invitations/${token}` });
    expect(reused.statusCode).toBe(410);
  });

  it('asks an existing person to sign in first, and only as the invited address', async () => {
    const owner = await signUp(hub.app);
    const invitee = await signUp(hub.app);
    const stranger = await signUp(hub.app);
    await invite(owner, invitee.email, 'agent');
    const token = linkToken(await hub.smtp.waitForMail((mail) => mail.to.includes(invitee.email) && /invited/.test(mail.subject)), 'invite');
    expect((await hub.app.inject({ method: 'GET', url: `/api/v1/auth/invitations/${token}` })).json<InvitationPreview>().existingUser).toBe(true);

    const anonymous = await new BrowserClient(hub.app).request({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token, name: 'Imposter', password: strongPassword } });
    expect(anonymous.statusCode).toBe(401);
    const wrongPerson = await stranger.browser.request({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token } });
    expect(wrongPerson.statusCode).toBe(403);
    const rightPerson = await invitee.browser.request({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token } });
    expect(rightPerson.statusCode).toBe(201);
    expect(rightPerson.json<AuthenticatedSession>().me.tenant?.id).toBe(owner.tenantId);
  });

  it('lets a role invite only the roles it may give, and agents not at all', async () => {
    const owner = await signUp(hub.app);
    const admin = await addMember(hub, owner.browser, 'admin');
    const agent = await addMember(hub, owner.browser, 'agent');
    const asAdmin = await admin.browser.request({ method: 'POST', url: '/api/v1/team/invitations', payload: { email: `boss-${randomUUID()}@example.test`, role: 'owner' } });
    expect(asAdmin.statusCode).toBe(403);
    expect(asAdmin.json().error.issues).toEqual([{ path: 'body/role', message: 'is not a role you may give' }]);
    expect((await admin.browser.request({ method: 'POST', url: '/api/v1/team/invitations', payload: { email: `helper-${randomUUID()}@example.test`, role: 'admin' } })).statusCode).toBe(201);
    expect((await agent.browser.request({ method: 'POST', url: '/api/v1/team/invitations', payload: { email: `friend-${randomUUID()}@example.test`, role: 'agent' } })).statusCode).toBe(403);
    const existing = await invite(owner, agent.email, 'agent');
    expect(existing.statusCode).toBe(409);
  });

  it('revokes an open invitation, after which its link is dead; a new invitation replaces the old link', async () => {
    const owner = await signUp(hub.app);
    const email = `maybe-${randomUUID().slice(0, 6)}@example.test`;
    const first = (await invite(owner, email, 'agent')).json<InvitationView>();
    const firstToken = linkToken(await hub.smtp.waitForMail((mail) => mail.to.includes(email)), 'invite');
    const second = (await invite(owner, email, 'admin')).json<InvitationView>();
    expect((await hub.app.inject({ method: 'GET', url: `/api/v1/auth/invitations/${firstToken}` })).statusCode).toBe(410);
    expect((await owner.browser.request({ method: 'GET', url: '/api/v1/team/invitations' })).json().items.map((item: InvitationView) => item.id)).toEqual([second.id]);
    expect((await owner.browser.request({ method: 'DELETE', url: `/api/v1/team/invitations/${second.id}` })).statusCode).toBe(204);
    expect((await owner.browser.request({ method: 'DELETE', url: `/api/v1/team/invitations/${first.id}` })).statusCode).toBe(404);
    expect((await owner.browser.request({ method: 'GET', url: '/api/v1/team/invitations' })).json().items).toEqual([]);
  });
});

describe('roles and removal', () => {
  it('changes roles within what the changer may give, never touching a role above theirs', async () => {
    const owner = await signUp(hub.app);
    const admin = await addMember(hub, owner.browser, 'admin');
    const agent = await addMember(hub, owner.browser, 'agent');
    const promoted = await owner.browser.request({ method: 'PATCH', url: `/api/v1/team/members/${agent.userId}`, payload: { role: 'admin' } });
    expect(promoted.json<MemberView>()).toMatchObject({ userId: agent.userId, role: 'admin' });
    // The new role applies at once, without signing in again.
    expect((await agent.browser.request({ method: 'GET', url: '/api/v1/me' })).json().role).toBe('admin');

    expect((await admin.browser.request({ method: 'PATCH', url: `/api/v1/team/members/${owner.userId}`, payload: { role: 'agent' } })).statusCode).toBe(403);
    expect((await admin.browser.request({ method: 'PATCH', url: `/api/v1/team/members/${agent.userId}`, payload: { role: 'owner' } })).statusCode).toBe(403);
    expect((await admin.browser.request({ method: 'PATCH', url: `/api/v1/team/members/${agent.userId}`, payload: { role: 'agent' } })).statusCode).toBe(200);
    expect((await admin.browser.request({ method: 'DELETE', url: `/api/v1/team/members/${owner.userId}` })).statusCode).toBe(403);
    expect((await owner.browser.request({ method: 'PATCH', url: `/api/v1/team/members/${randomUUID()}`, payload: { role: 'agent' } })).statusCode).toBe(404);
  });

  it('never leaves a workspace without an owner, and writes no audit entry for a refused change', async () => {
    const owner = await signUp(hub.app);
    const demote = await owner.browser.request({ method: 'PATCH', url: `/api/v1/team/members/${owner.userId}`, payload: { role: 'admin' } });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.code).toBe('SB_ERR_LAST_OWNER');
    const leave = await owner.browser.request({ method: 'DELETE', url: `/api/v1/team/members/${owner.userId}` });
    expect(leave.json().error.code).toBe('SB_ERR_LAST_OWNER');
    expect(await hub.admin(`select 1 from audit_log where tenant_id = $1 and action in ('team.role_changed', 'team.member_removed')`, [owner.tenantId])).toEqual([]);

    const second = await addMember(hub, owner.browser, 'owner');
    expect((await owner.browser.request({ method: 'PATCH', url: `/api/v1/team/members/${owner.userId}`, payload: { role: 'admin' } })).statusCode).toBe(200);
    const lastNow = await second.browser.request({ method: 'DELETE', url: `/api/v1/team/members/${second.userId}` });
    expect(lastNow.json().error.code).toBe('SB_ERR_LAST_OWNER');
  });

  it("keeps the last owner when two owners demote each other at the same moment", async () => {
    const owner = await signUp(hub.app);
    const other = await addMember(hub, owner.browser, 'owner');
    const [a, b] = await Promise.all([
      owner.browser.request({ method: 'PATCH', url: `/api/v1/team/members/${other.userId}`, payload: { role: 'agent' } }),
      other.browser.request({ method: 'PATCH', url: `/api/v1/team/members/${owner.userId}`, payload: { role: 'agent' } }),
    ]);
    const owners = await hub.admin(`select 1 from memberships where tenant_id = $1 and role = 'owner'`, [owner.tenantId]);
    expect(owners).toHaveLength(1);
    // The loser is refused as the last owner's demotion (409) or, if the winner's change was
    // already committed when its request arrived, as an agent who may change no role (403).
    const [won, lost] = [a.statusCode, b.statusCode].sort();
    expect(won).toBe(200);
    expect([403, 409]).toContain(lost);
  });

  it("removes a member: their sessions in the workspace end at once", async () => {
    const owner = await signUp(hub.app);
    const agent = await addMember(hub, owner.browser, 'agent');
    expect((await bearer(hub.app, agent.session.accessToken)({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
    expect((await owner.browser.request({ method: 'DELETE', url: `/api/v1/team/members/${agent.userId}` })).statusCode).toBe(204);
    expect((await bearer(hub.app, agent.session.accessToken)({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    expect((await agent.browser.request({ method: 'POST', url: '/api/v1/auth/refresh' })).statusCode).toBe(401);
    expect((await members(owner.browser)).map((member) => member.userId)).toEqual([owner.userId]);
  });
});

describe('audit log', () => {
  it('records who did what to which target, from where and in which trace, in the tenant the change belongs to', async () => {
    const owner = await signUp(hub.app);
    const email = `audited-${randomUUID().slice(0, 6)}@example.test`;
    const invited = await invite(owner, email, 'agent');
    const invitation = invited.json<InvitationView>();
    const page = (await owner.browser.request({ method: 'GET', url: '/api/v1/audit?action=team.invited' })).json<{ items: AuditEntryView[] }>();
    expect(page.items).toEqual([expect.objectContaining({
      tenantId: owner.tenantId,
      actorUserId: owner.userId,
      actorEmail: owner.email,
      action: 'team.invited',
      targetType: 'invitation',
      targetId: invitation.id,
      ip: owner.browser.ip,
      traceId: invited.headers['x-trace-id'],
      metadata: { email, role: 'agent' },
    })]);
    expect(page.items[0]?.impersonatorUserId).toBeUndefined();
  });

  it('filters by action, action kind and actor, and pages newest first without overlap', async () => {
    const owner = await signUp(hub.app);
    const agent = await addMember(hub, owner.browser, 'agent');
    for (const locale of ['fr', 'de', 'es']) {
      expect((await owner.browser.request({ method: 'PATCH', url: '/api/v1/tenant', payload: { locale } })).statusCode).toBe(200);
    }
    const all = (await owner.browser.request({ method: 'GET', url: '/api/v1/audit?limit=200' })).json<{ items: AuditEntryView[] }>().items;
    expect(all.map((entry) => entry.action)).toEqual(['tenant.updated', 'tenant.updated', 'tenant.updated', 'team.invitation_accepted', 'team.invited', 'tenant.created']);
    const byKind = (await owner.browser.request({ method: 'GET', url: '/api/v1/audit?action=team.*' })).json<{ items: AuditEntryView[] }>().items;
    expect(byKind.map((entry) => entry.action)).toEqual(['team.invitation_accepted', 'team.invited']);
    const byActor = (await owner.browser.request({ method: 'GET', url: `/api/v1/audit?actorUserId=${agent.userId}` })).json<{ items: AuditEntryView[] }>().items;
    expect(byActor.map((entry) => entry.action)).toEqual(['team.invitation_accepted']);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const response = await owner.browser.request({ method: 'GET', url: `/api/v1/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}` });
      const page = response.json<{ items: AuditEntryView[]; nextCursor?: string }>();
      seen.push(...page.items.map((entry) => entry.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== undefined && pages < 10);
    expect(seen).toEqual(all.map((entry) => entry.id));
    expect(pages).toBe(Math.ceil(all.length / 2));

    expect((await agent.browser.request({ method: 'GET', url: '/api/v1/audit' })).statusCode).toBe(403);
    expect((await owner.browser.request({ method: 'GET', url: '/api/v1/audit?cursor=not-a-cursor' })).statusCode).toBe(400);
  });
});
