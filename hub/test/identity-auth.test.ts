import { randomUUID } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthenticatedSession, LoginResponse, MeView, MfaSetupResponse, MfaVerifyResponse, RefreshResponse } from '@switchboard/contracts';
import { BrowserClient, bearer, freshIp, linkToken, logIn, signUp, startIdentityHub, strongPassword, type IdentityHub } from './identity-harness.ts';

let hub: IdentityHub;

beforeAll(async () => {
  hub = await startIdentityHub('auth');
});

afterAll(async () => {
  await hub?.close();
});

function totpFor(secret: string): TOTP {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
}

/** A code of the next 30-second step, which the server accepts (one step of drift) and has not seen yet. */
function nextCode(secret: string, stepsAhead = 1): string {
  return totpFor(secret).generate({ timestamp: Date.now() + stepsAhead * 30_000 });
}

describe('signup, sign-in and sessions', () => {
  it('signs up a workspace and its owner, mails a verification link that verifies the address, and signs in', async () => {
    const label = randomUUID().slice(0, 8);
    const { browser, session, email } = await signUp(hub.app, label);
    expect(session.me).toMatchObject({ role: 'owner', user: { email, emailVerified: false }, tenant: { name: `Tenant ${label}`, slug: `tenant-${label}`, status: 'active' } });
    expect(browser.cookie('sb_access')).toBe(session.accessToken);
    expect(browser.cookie('sb_csrf')).toBe(session.csrfToken);

    const mail = await hub.smtp.waitForMail((candidate) => candidate.to.includes(email));
    expect(mail.subject).toMatch(/confirm your email/i);
    const verified = await new BrowserClient(hub.app).request({ method: 'POST', url: '/api/v1/auth/verify-email', payload: { token: linkToken(mail, 'verify-email') } });
    expect(verified.statusCode).toBe(204);

    const me = await browser.request({ method: 'GET', url: '/api/v1/me' });
    expect(me.json<MeView>().user.emailVerified).toBe(true);
    const again = await new BrowserClient(hub.app).request({ method: 'POST', url: '/api/v1/auth/verify-email', payload: { token: linkToken(mail, 'verify-email') } });
    expect(again.statusCode).toBe(410);
    expect(again.json().error.code).toBe('SB_ERR_LINK_EXPIRED');
  });

  it('sends a fresh verification link on request, after which only the newest link works', async () => {
    const { browser, email } = await signUp(hub.app);
    const first = await hub.smtp.waitForMail((mail) => mail.to.includes(email));
    expect((await browser.request({ method: 'POST', url: '/api/v1/auth/verify-email/resend' })).statusCode).toBe(202);
    const second = await hub.smtp.waitForMail((mail) => mail.to.includes(email) && mail !== first);
    const verify = (mail: typeof first) => new BrowserClient(hub.app).request({ method: 'POST', url: '/api/v1/auth/verify-email', payload: { token: linkToken(mail, 'verify-email') } });
    expect((await verify(first)).statusCode).toBe(410);
    expect((await verify(second)).statusCode).toBe(204);
    const already = await browser.request({ method: 'POST', url: '/api/v1/auth/verify-email/resend' });
    expect(already.statusCode).toBe(409);
  });

  it('sets the session cookies httpOnly, SameSite and scoped, leaving only the CSRF token readable', async () => {
    const response = await new BrowserClient(hub.app).request({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { tenantName: 'Cookie Shop', name: 'Cora', email: `cora-${randomUUID()}@example.test`, password: strongPassword },
    });
    const cookies = Object.fromEntries(response.cookies.map((cookie) => [cookie.name, cookie]));
    expect(cookies['sb_access']).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookies['sb_refresh']).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/auth' });
    expect(cookies['sb_csrf']?.httpOnly).not.toBe(true);
  });

  it('marks session cookies Secure when the hub is served over https', async () => {
    const secureHub = await startIdentityHub('auth_secure', { publicUrl: 'https://chat.example.test' });
    try {
      const response = await new BrowserClient(secureHub.app).request({
        method: 'POST',
        url: '/api/v1/auth/signup',
        payload: { tenantName: 'Secure Shop', name: 'Sam', email: `sam-${randomUUID()}@example.test`, password: strongPassword },
      });
      expect(response.statusCode).toBe(201);
      expect(response.cookies.map((cookie) => [cookie.name, cookie.secure])).toEqual([['sb_access', true], ['sb_refresh', true], ['sb_csrf', true]]);
    } finally {
      await secureHub.close();
    }
  });

  it('refuses a second account with the same email, whatever its case', async () => {
    const { email } = await signUp(hub.app);
    const response = await new BrowserClient(hub.app).request({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { tenantName: 'Another', name: 'Someone', email: email.toUpperCase(), password: strongPassword },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({ code: 'SB_ERR_EMAIL_TAKEN', issues: [{ path: 'body/email' }] });
  });

  it('explains a weak password in words a person can act on', async () => {
    const response = await new BrowserClient(hub.app).request({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { tenantName: 'Weak', name: 'Walter White', email: `walter-${randomUUID().slice(0, 4)}@example.test`, password: 'walterwhite-123' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'SB_ERR_WEAK_PASSWORD', issues: [expect.objectContaining({ path: 'body/password' })] });
    expect(response.json().error.message).toMatch(/name/);
  });

  it('signs in with email and password and answers the same error for a wrong password and an unknown email', async () => {
    const { email } = await signUp(hub.app);
    const ok = await logIn(hub.app, email);
    expect(ok.session.me.user.email).toBe(email);

    const wrong = await new BrowserClient(hub.app).request({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: 'not the password at all' } });
    const unknown = await new BrowserClient(hub.app).request({ method: 'POST', url: '/api/v1/auth/login', payload: { email: `nobody-${randomUUID()}@example.test`, password: 'not the password at all' } });
    expect([wrong.statusCode, unknown.statusCode]).toEqual([401, 401]);
    expect(wrong.json().error.code).toBe('SB_ERR_INVALID_CREDENTIALS');
    expect({ ...unknown.json().error, traceId: undefined }).toEqual({ ...wrong.json().error, traceId: undefined });
  });

  it('asks a member of several workspaces to choose one, then signs in to the chosen one', async () => {
    const first = await signUp(hub.app);
    const second = await signUp(hub.app);
    // The second owner invites the first owner's address; they accept while signed in.
    const invited = await second.browser.request({ method: 'POST', url: '/api/v1/team/invitations', payload: { email: first.email, role: 'admin' } });
    expect(invited.statusCode).toBe(201);
    const token = linkToken(await hub.smtp.waitForMail((mail) => mail.to.includes(first.email) && /invited/.test(mail.subject)), 'invite');
    const accepted = await first.browser.request({ method: 'POST', url: '/api/v1/auth/invitations/accept', payload: { token } });
    expect(accepted.statusCode).toBe(201);
    expect(accepted.json<AuthenticatedSession>().me).toMatchObject({ role: 'admin', tenant: { id: second.tenantId } });

    const browser = new BrowserClient(hub.app);
    const step1 = (await browser.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email: first.email, password: strongPassword } })).json<LoginResponse>();
    expect(step1.status).toBe('tenant_required');
    if (step1.status !== 'tenant_required') return;
    expect(step1.tenants.map((tenant) => [tenant.id, tenant.role]).sort()).toEqual([[first.tenantId, 'owner'], [second.tenantId, 'admin']].sort());
    const step2 = await browser.request({ method: 'POST', url: '/api/v1/auth/login', payload: { challengeToken: step1.challengeToken, tenantId: second.tenantId } });
    expect(step2.json<AuthenticatedSession>()).toMatchObject({ status: 'authenticated', me: { role: 'admin', tenant: { id: second.tenantId } } });
  });

  it('refuses a forged or tampered login challenge', async () => {
    const response = await new BrowserClient(hub.app).request({ method: 'POST', url: '/api/v1/auth/login', payload: { challengeToken: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.forgedsignature', tenantId: randomUUID() } });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('SB_ERR_INVALID_CREDENTIALS');
  });

  it('rotates the refresh token on every refresh, and a reused one ends the whole session family', async () => {
    const { browser, session } = await signUp(hub.app);
    const firstRefresh = browser.cookie('sb_refresh');
    const refreshed = await browser.request({ method: 'POST', url: '/api/v1/auth/refresh' });
    expect(refreshed.statusCode).toBe(200);
    const body = refreshed.json<RefreshResponse>();
    expect(body.refreshToken).toBeUndefined();
    expect(browser.cookie('sb_refresh')).not.toBe(firstRefresh);
    expect((await bearer(hub.app, body.accessToken)({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);

    // Someone replays the first (already rotated) refresh token.
    const thief = new BrowserClient(hub.app);
    thief.setCookie('sb_refresh', firstRefresh ?? '', '/api/v1/auth');
    const replay = await thief.request({ method: 'POST', url: '/api/v1/auth/refresh' });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().error.code).toBe('SB_ERR_UNAUTHENTICATED');

    // Every token of the family is dead now: the current refresh token and the access tokens.
    expect((await browser.request({ method: 'POST', url: '/api/v1/auth/refresh' })).statusCode).toBe(401);
    expect((await bearer(hub.app, body.accessToken)({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    const families = await hub.admin<{ family_id: string; live: number }>(
      'select family_id, count(*) filter (where revoked_at is null)::int as live from refresh_sessions where user_id = $1 group by family_id',
      [session.me.user.id],
    );
    expect(families).toEqual([{ family_id: expect.any(String), live: 0 }]);
    const audit = await hub.admin(`select 1 from audit_log where action = 'auth.refresh_token_reused' and target_id = $1 and actor_user_id = $2`, [families[0]?.family_id, session.me.user.id]);
    expect(audit).toHaveLength(1);
  });

  it('gives API clients the next refresh token in the body when they sent theirs in the body', async () => {
    const { browser } = await signUp(hub.app);
    const token = browser.cookie('sb_refresh');
    const response = await hub.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', headers: { 'x-forwarded-for': freshIp() }, payload: { refreshToken: token } });
    expect(response.statusCode).toBe(200);
    const body = response.json<RefreshResponse>();
    expect(body.refreshToken).toEqual(expect.any(String));
    expect(response.cookies).toEqual([]);
    const next = await hub.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: body.refreshToken } });
    expect(next.statusCode).toBe(200);
  });

  it('logs out: the session family is revoked, its cookies cleared and its access token refused', async () => {
    const { browser, session } = await signUp(hub.app);
    const loggedOut = await browser.request({ method: 'POST', url: '/api/v1/auth/logout', payload: {} });
    expect(loggedOut.statusCode).toBe(204);
    expect(browser.cookie('sb_access')).toBeUndefined();
    expect(browser.cookie('sb_refresh')).toBeUndefined();
    expect((await bearer(hub.app, session.accessToken)({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    const actions = await hub.admin<{ action: string }>(`select action from audit_log where actor_user_id = $1 order by created_at`, [session.me.user.id]);
    expect(actions.map((row) => row.action)).toEqual(['tenant.created', 'auth.logged_out']);
  });
});

describe('forgotten passwords', () => {
  it('answers 202 for any address, mails a reset link to a real account, and a reset ends every session', async () => {
    const { email, session } = await signUp(hub.app);
    const unknown = await new BrowserClient(hub.app).request({ method: 'POST', url: '/api/v1/auth/forgot-password', payload: { email: `ghost-${randomUUID()}@example.test` } });
    const known = await new BrowserClient(hub.app).request({ method: 'POST', url: '/api/v1/auth/forgot-password', payload: { email } });
    expect([unknown.statusCode, known.statusCode]).toEqual([202, 202]);
    expect(unknown.body).toBe(known.body);

    const mail = await hub.smtp.waitForMail((candidate) => candidate.to.includes(email) && /reset/i.test(candidate.subject));
    const token = linkToken(mail, 'reset-password');
    const weak = await new BrowserClient(hub.app).request({ method: 'POST', url: '/api/v1/auth/reset-password', payload: { token, password: '123456789012' } });
    expect(weak.json().error.code).toBe('SB_ERR_WEAK_PASSWORD');
    const newPassword = 'a brand new long passphrase';
    const reset = await new BrowserClient(hub.app).request({ method: 'POST', url: '/api/v1/auth/reset-password', payload: { token, password: newPassword } });
    expect(reset.statusCode).toBe(204);

    expect((await bearer(hub.app, session.accessToken)({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    await expect(logIn(hub.app, email)).rejects.toThrow(/401/);
    expect((await logIn(hub.app, email, newPassword)).session.me.user.emailVerified).toBe(true);
    const reused = await new BrowserClient(hub.app).request({ method: 'POST', url: '/api/v1/auth/reset-password', payload: { token, password: 'yet another long passphrase' } });
    expect(reused.statusCode).toBe(410);
  });
});

describe('two-factor authentication', () => {
  it('sets up TOTP with a QR code, then asks for a code at sign-in, and accepts a recovery code once', async () => {
    const { browser, email } = await signUp(hub.app);
    const setup = await browser.request({ method: 'POST', url: '/api/v1/me/mfa/setup' });
    expect(setup.statusCode).toBe(200);
    const { secret, otpauthUrl, qrDataUrl } = setup.json<MfaSetupResponse>();
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
    expect(qrDataUrl).toMatch(/^data:image\/png;base64,/);

    const wrong = await browser.request({ method: 'POST', url: '/api/v1/me/mfa/verify', payload: { code: '000000' } });
    expect(wrong.json().error.code).toBe('SB_ERR_MFA_INVALID');
    const verified = await browser.request({ method: 'POST', url: '/api/v1/me/mfa/verify', payload: { code: nextCode(secret, 0) } });
    expect(verified.statusCode).toBe(200);
    const { recoveryCodes } = verified.json<MfaVerifyResponse>();
    expect(recoveryCodes).toHaveLength(10);

    const signIn = new BrowserClient(hub.app);
    const step1 = (await signIn.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: strongPassword } })).json<LoginResponse>();
    expect(step1.status).toBe('mfa_required');
    if (step1.status !== 'mfa_required') return;
    const bad = await signIn.request({ method: 'POST', url: '/api/v1/auth/login', payload: { challengeToken: step1.challengeToken, totpCode: '123456' } });
    expect(bad.json().error.code).toBe('SB_ERR_MFA_INVALID');
    const good = await signIn.request({ method: 'POST', url: '/api/v1/auth/login', payload: { challengeToken: step1.challengeToken, totpCode: nextCode(secret, 1) } });
    expect(good.json<AuthenticatedSession>()).toMatchObject({ status: 'authenticated', me: { user: { mfaEnabled: true } } });
    // The same code again is a replay.
    const replay = await new BrowserClient(hub.app).request({ method: 'POST', url: '/api/v1/auth/login', payload: { challengeToken: step1.challengeToken, totpCode: nextCode(secret, 1) } });
    expect(replay.json().error.code).toBe('SB_ERR_MFA_INVALID');

    const recovery = recoveryCodes[0] ?? '';
    const viaRecovery = await new BrowserClient(hub.app).request({ method: 'POST', url: '/api/v1/auth/login', payload: { challengeToken: step1.challengeToken, recoveryCode: recovery } });
    expect(viaRecovery.json().status).toBe('authenticated');
    const recoveryAgain = await new BrowserClient(hub.app).request({ method: 'POST', url: '/api/v1/auth/login', payload: { challengeToken: step1.challengeToken, recoveryCode: recovery } });
    expect(recoveryAgain.json().error.code).toBe('SB_ERR_MFA_INVALID');
  });

  it('turns TOTP off only with a current code', async () => {
    const { browser } = await signUp(hub.app);
    const { secret } = (await browser.request({ method: 'POST', url: '/api/v1/me/mfa/setup' })).json<MfaSetupResponse>();
    expect((await browser.request({ method: 'POST', url: '/api/v1/me/mfa/verify', payload: { code: nextCode(secret, 0) } })).statusCode).toBe(200);
    const wrong = await browser.request({ method: 'DELETE', url: '/api/v1/me/mfa', payload: { code: '000000' } });
    expect(wrong.json().error.code).toBe('SB_ERR_MFA_INVALID');
    const off = await browser.request({ method: 'DELETE', url: '/api/v1/me/mfa', payload: { code: nextCode(secret, 1) } });
    expect(off.statusCode).toBe(204);
    expect((await browser.request({ method: 'GET', url: '/api/v1/me' })).json<MeView>().user.mfaEnabled).toBe(false);
  });

  it('holds owners and admins of a workspace that requires MFA to set it up before anything else', async () => {
    const { browser } = await signUp(hub.app);
    expect((await browser.request({ method: 'PATCH', url: '/api/v1/tenant', payload: { requireMfa: true } })).statusCode).toBe(200);
    const blocked = await browser.request({ method: 'GET', url: '/api/v1/team/members' });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('SB_ERR_MFA_SETUP_REQUIRED');
    const me = await browser.request({ method: 'GET', url: '/api/v1/me' });
    expect(me.json<MeView>()).toMatchObject({ mfaRequired: true, user: { mfaEnabled: false } });

    const { secret } = (await browser.request({ method: 'POST', url: '/api/v1/me/mfa/setup' })).json<MfaSetupResponse>();
    expect((await browser.request({ method: 'POST', url: '/api/v1/me/mfa/verify', payload: { code: nextCode(secret, 0) } })).statusCode).toBe(200);
    expect((await browser.request({ method: 'GET', url: '/api/v1/team/members' })).statusCode).toBe(200);
    const off = await browser.request({ method: 'DELETE', url: '/api/v1/me/mfa', payload: { code: nextCode(secret, 1) } });
    expect(off.json().error.code).toBe('SB_ERR_FORBIDDEN');
  });
});

describe('rate limits', () => {
  it('refuses the sixth sign-in attempt from one address within five minutes with 429 and Retry-After', async () => {
    const { email } = await signUp(hub.app);
    const ip = freshIp();
    const attempt = () => hub.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'x-forwarded-for': ip }, payload: { email, password: 'wrong password here' } });
    for (let i = 0; i < 5; i += 1) expect((await attempt()).statusCode).toBe(401);
    const sixth = await attempt();
    expect(sixth.statusCode).toBe(429);
    expect(sixth.json().error.code).toBe('SB_ERR_RATE_LIMITED');
    const retryAfter = Number(sixth.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(300);
    // Even the right password waits.
    expect((await hub.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'x-forwarded-for': ip }, payload: { email, password: strongPassword } })).statusCode).toBe(429);
  });

  it('refuses the eleventh attempt on one account within 15 minutes, from however many addresses', async () => {
    const { email } = await signUp(hub.app);
    for (let i = 0; i < 10; i += 1) {
      const response = await hub.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'x-forwarded-for': freshIp() }, payload: { email, password: 'wrong password here' } });
      expect(response.statusCode).toBe(401);
    }
    const eleventh = await hub.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'x-forwarded-for': freshIp() }, payload: { email: email.toUpperCase(), password: strongPassword } });
    expect(eleventh.statusCode).toBe(429);
    expect(Number(eleventh.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('limits sign-ups and password-reset requests per address', async () => {
    const ip = freshIp();
    const codes: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const response = await hub.app.inject({ method: 'POST', url: '/api/v1/auth/forgot-password', headers: { 'x-forwarded-for': ip }, payload: { email: 'someone@example.test' } });
      codes.push(response.statusCode);
    }
    expect(codes).toEqual([202, 202, 202, 202, 202, 429]);
    const signupCodes: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const response = await hub.app.inject({ method: 'POST', url: '/api/v1/auth/signup', headers: { 'x-forwarded-for': ip }, payload: { tenantName: 'x', name: 'y', email: 'bad' } });
      signupCodes.push(response.statusCode);
    }
    expect(signupCodes).toEqual([400, 400, 400, 400, 400, 429]);
  });
});
