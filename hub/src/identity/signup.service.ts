import { randomBytes, randomUUID } from 'node:crypto';
import type { MeView, SignupRequest } from '@switchboard/contracts';
import { findSignInUser, Membership, Tenant, User, UserToken, withTenant, type Orm } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import { checkPasswordPolicy, hashPassword, hashToken, newOpaqueToken } from '@switchboard/security';
import { recordAudit, type AuditActor } from '../audit/audit-writer.ts';
import { linkLifetimeHours, type IdentityMail } from './identity-mail.ts';
import type { ClientInfo } from './login.service.ts';
import type { MeService } from './me.service.ts';
import type { IssuedSession, SessionService } from './session.service.ts';
import { violatedUniqueConstraint } from './unique-violation.ts';

const HOUR_MS = 60 * 60 * 1000;

/** Refuses a password the policy rejects, naming what to change. */
export function assertPasswordAcceptable(password: string, context: { email?: string; name?: string }): void {
  const issues = checkPasswordPolicy(password, context);
  if (issues.length > 0) {
    throw new AppError('SB_ERR_WEAK_PASSWORD', { message: issues.map((issue) => issue.message).join(' '), issues });
  }
}

const emailTaken = () => new AppError('SB_ERR_EMAIL_TAKEN', { issues: [{ path: 'body/email', message: 'already has an account' }] });

/**
 * Signup: a new tenant, its first user as owner, a verification mail, and a session, written
 * in one transaction in the new tenant's scope. A slug someone else has is a 409 when the person
 * chose it, and is made unique when it was derived from the tenant name.
 */
export class SignupService {
  constructor(
    private readonly orm: Orm,
    private readonly sessions: SessionService,
    private readonly meService: MeService,
    private readonly mail: IdentityMail,
  ) {}

  async signup(request: SignupRequest, actor: AuditActor, client: ClientInfo): Promise<{ session: IssuedSession; me: MeView }> {
    const email = request.email.trim().toLowerCase();
    const name = request.name.trim();
    assertPasswordAcceptable(request.password, { email, name });
    const existing = await findSignInUser(this.orm.em.fork(), email);
    if (existing !== undefined) throw emailTaken();

    const passwordHash = await hashPassword(request.password);
    const userId = randomUUID();
    const verifyToken = newOpaqueToken();
    const base = request.tenantSlug ?? slugFrom(request.tenantName);
    for (let attempt = 0; ; attempt += 1) {
      const slug = attempt === 0 ? base : `${base.slice(0, 40)}-${randomBytes(3).toString('hex')}`;
      const tenantId = randomUUID();
      try {
        const session = await withTenant(this.orm.em, tenantId, async (em) => {
          em.create(Tenant, { id: tenantId, name: request.tenantName.trim(), slug, locale: request.locale ?? 'en' });
          em.create(User, { id: userId, email, name, passwordHash });
          em.create(Membership, { tenant: tenantId, user: userId, role: 'owner' });
          em.create(UserToken, { user: userId, purpose: 'verify_email', tokenHash: hashToken(verifyToken), expiresAt: new Date(Date.now() + linkLifetimeHours.verifyEmail * HOUR_MS) });
          recordAudit(em, { ...actor, actorUserId: userId }, { action: 'tenant.created', tenantId, targetType: 'tenant', targetId: tenantId, metadata: { slug } });
          await em.flush();
          return this.sessions.start(em, { userId, tenantId, role: 'owner', ip: client.ip, userAgent: client.userAgent });
        }, { userId });
        await this.mail.verification(email, name, verifyToken);
        const me = await this.meService.me({ userId, tenantId, role: 'owner', sessionId: session.familyId });
        return { session, me };
      } catch (error) {
        const constraint = violatedUniqueConstraint(error);
        if (constraint === 'users_email_key') throw emailTaken();
        if (constraint !== 'tenants_slug_key') throw error;
        if (request.tenantSlug !== undefined) {
          throw new AppError('SB_ERR_CONFLICT', { message: 'This workspace address is taken; choose another.', issues: [{ path: 'body/tenantSlug', message: 'is taken' }] });
        }
        if (attempt >= 4) throw error;
      }
    }
  }
}

/** A slug for a tenant name: `Café Rouge & Co` → `cafe-rouge-co`; short names are padded. */
export function slugFrom(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  return slug.length >= 3 ? slug : `${slug}${slug === '' ? '' : '-'}workspace`;
}
