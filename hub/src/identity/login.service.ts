import type { EntityManager } from '@mikro-orm/postgresql';
import type { LoginRequest, MeView, TenantRole } from '@switchboard/contracts';
import { findSignInUser, User, withUser, type Orm } from '@switchboard/db';
import { AppError, type FieldIssue } from '@switchboard/errors';
import { hashPassword, hashRecoveryCode, verifyPassword, verifyTotp, type SecretBox } from '@switchboard/security';
import { recordAudit, type AuditActor } from '../audit/audit-writer.ts';
import type { LoginChallenge, LoginChallenges } from './login-challenge.ts';
import type { MeService } from './me.service.ts';
import { inSessionScope, type IssuedSession, type SessionService } from './session.service.ts';

/** One tenant offered to a user who belongs to several. */
export interface TenantOption {
  id: string;
  name: string;
  slug: string;
  role: TenantRole;
  status: 'active' | 'suspended';
}

export type LoginOutcome =
  | { status: 'authenticated'; session: IssuedSession; me: MeView }
  | { status: 'tenant_required'; challengeToken: string; tenants: TenantOption[] }
  | { status: 'mfa_required'; challengeToken: string };

/** Counts an attempt against an account (its email, or its user id in later steps); throws when over the limit. */
export type AccountAttemptLimiter = (accountKey: string) => Promise<void>;

export interface ClientInfo {
  ip?: string | undefined;
  userAgent?: string | undefined;
}

const invalidCredentials = () => new AppError('SB_ERR_INVALID_CREDENTIALS');

/**
 * Sign-in in up to three steps: email and password; then, for a user in several tenants, the
 * tenant; then, with MFA on, the TOTP or a recovery code. Each unfinished step answers a
 * short-lived challenge token the next step presents. Failures never say whether the email
 * exists, and an unknown email costs the same password hashing as a known one.
 */
export class LoginService {
  private decoyHash: Promise<string> | undefined;

  constructor(
    private readonly orm: Orm,
    private readonly sessions: SessionService,
    private readonly meService: MeService,
    private readonly challenges: LoginChallenges,
    private readonly secretBox: SecretBox,
    private readonly limitAccount: AccountAttemptLimiter,
  ) {}

  async login(request: LoginRequest, actor: AuditActor, client: ClientInfo): Promise<LoginOutcome> {
    const challenge = await this.firstFactor(request, actor);
    const account = await withUser(this.orm.em, challenge.userId, async (em) => ({
      user: await em.findOne(User, { id: challenge.userId }),
      tenants: await tenantsOf(em, challenge.userId),
    }));
    if (account.user === null) throw invalidCredentials();
    const user = account.user;

    let tenantId = challenge.tenantId;
    let role: TenantRole | 'super_admin' = 'super_admin';
    if (!user.isSuperAdmin) {
      tenantId ??= request.tenantId ?? (account.tenants.length === 1 ? account.tenants[0]?.id : undefined);
      if (account.tenants.length === 0) {
        throw new AppError('SB_ERR_FORBIDDEN', { message: 'Your account belongs to no workspace any more; ask an owner to invite you again.' });
      }
      if (tenantId === undefined) {
        return { status: 'tenant_required', challengeToken: await this.challenges.issue({ userId: user.id }), tenants: account.tenants };
      }
      const chosen = account.tenants.find((tenant) => tenant.id === tenantId);
      if (chosen === undefined) {
        throw new AppError('SB_ERR_FORBIDDEN', { message: 'You are not a member of this workspace.', issues: [{ path: 'body/tenantId', message: 'is not one of your workspaces' }] });
      }
      if (chosen.status === 'suspended') throw new AppError('SB_ERR_TENANT_SUSPENDED');
      role = chosen.role;
    } else {
      tenantId = undefined;
    }

    if (user.mfaEnabled && request.totpCode === undefined && request.recoveryCode === undefined) {
      return { status: 'mfa_required', challengeToken: await this.challenges.issue({ userId: user.id, tenantId }) };
    }

    const session = await inSessionScope(this.orm, user.id, tenantId, async (em) => {
      if (user.mfaEnabled) await this.secondFactor(em, user.id, request, actor, tenantId);
      const started = await this.sessions.start(em, { userId: user.id, tenantId, role, ip: client.ip, userAgent: client.userAgent });
      recordAudit(em, { ...actor, actorUserId: user.id }, { action: 'auth.logged_in', tenantId, targetType: 'session', targetId: started.familyId });
      return started;
    });
    const me = await this.meService.me({ userId: user.id, tenantId, role, sessionId: session.familyId });
    return { status: 'authenticated', session, me };
  }

  /** The password check, or the challenge of a previous step; counts the attempt either way. */
  private async firstFactor(request: LoginRequest, actor: AuditActor): Promise<LoginChallenge> {
    if (request.challengeToken !== undefined) {
      if (request.email !== undefined || request.password !== undefined) {
        throw validation([{ path: 'body/challengeToken', message: 'send either the challenge token or email and password, not both' }]);
      }
      const challenge = await this.challenges.verify(request.challengeToken);
      await this.limitAccount(challenge.userId);
      return challenge;
    }
    const missing: FieldIssue[] = [];
    if (request.email === undefined) missing.push({ path: 'body/email', message: 'is required' });
    if (request.password === undefined) missing.push({ path: 'body/password', message: 'is required' });
    if (request.email === undefined || request.password === undefined) throw validation(missing);

    const email = request.email.trim().toLowerCase();
    await this.limitAccount(email);
    const row = await findSignInUser(this.orm.em.fork(), email);
    // Hash even for an unknown email, so the answer takes as long as for a known one.
    const matches = await verifyPassword(row?.passwordHash ?? (await this.decoy()), request.password);
    if (row === undefined || !matches) {
      if (row !== undefined) await this.recordFailure(row.id, actor, 'auth.login_failed');
      throw invalidCredentials();
    }
    return { userId: row.id };
  }

  private async secondFactor(em: EntityManager, userId: string, request: LoginRequest, actor: AuditActor, tenantId: string | undefined): Promise<void> {
    const user = await em.findOneOrFail(User, { id: userId });
    if (request.recoveryCode !== undefined) {
      const hash = hashRecoveryCode(request.recoveryCode);
      if (!user.recoveryCodeHashes.includes(hash)) throw new AppError('SB_ERR_MFA_INVALID');
      user.recoveryCodeHashes = user.recoveryCodeHashes.filter((stored) => stored !== hash);
      recordAudit(em, { ...actor, actorUserId: userId }, {
        action: 'auth.recovery_code_used',
        tenantId,
        targetType: 'user',
        targetId: userId,
        metadata: { remaining: user.recoveryCodeHashes.length },
      });
      return;
    }
    if (user.mfaSecretSealed === null || user.mfaSecretSealed === undefined) throw new AppError('SB_ERR_MFA_INVALID');
    const verdict = verifyTotp(this.secretBox.open(user.mfaSecretSealed), request.totpCode ?? '', user.mfaLastStep ?? undefined);
    if (!verdict.ok) throw new AppError('SB_ERR_MFA_INVALID');
    user.mfaLastStep = verdict.step;
  }

  private async recordFailure(userId: string, actor: AuditActor, action: string): Promise<void> {
    await withUser(this.orm.em, userId, async (em) => {
      recordAudit(em, { ...actor, actorUserId: userId }, { action, targetType: 'user', targetId: userId });
    });
  }

  private decoy(): Promise<string> {
    this.decoyHash ??= hashPassword(`decoy-${Math.random()}-${Date.now()}`);
    return this.decoyHash;
  }
}

/** The tenants a user belongs to, with their role in each, oldest membership first. */
export async function tenantsOf(em: EntityManager, userId: string): Promise<TenantOption[]> {
  return em.execute<TenantOption[]>(`
    select t.id, t.name, t.slug, m.role, t.status
    from memberships m join tenants t on t.id = m.tenant_id
    where m.user_id = ? order by m.created_at, t.name`, [userId]);
}

function validation(issues: FieldIssue[]): AppError {
  return new AppError('SB_ERR_VALIDATION', { message: `The request is not valid: ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}.`, issues });
}
