import { randomUUID } from 'node:crypto';
import { assignableRoles, type InvitationPreview, type InvitationView, type MeView, type TenantRole } from '@switchboard/contracts';
import { findInvitation, Invitation, Membership, Tenant, User, withTenant, type InvitationLookup, type Orm } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import { hashPassword, hashToken, newOpaqueToken } from '@switchboard/security';
import { recordAudit, type AuditActor } from '../audit/audit-writer.ts';
import { linkLifetimeHours, type IdentityMail } from './identity-mail.ts';
import { invitationView } from './identity.views.ts';
import type { ClientInfo } from './login.service.ts';
import type { MeService } from './me.service.ts';
import type { Principal } from './principal.ts';
import { assertPasswordAcceptable } from './signup.service.ts';
import type { IssuedSession, SessionService } from './session.service.ts';
import { tenantOf } from './team.service.ts';
import { violatedUniqueConstraint } from './unique-violation.ts';

const HOUR_MS = 60 * 60 * 1000;

const linkExpired = () => new AppError('SB_ERR_LINK_EXPIRED');
const invitationNotFound = () => new AppError('SB_ERR_NOT_FOUND', { message: 'No open invitation with this id in your workspace.' });

/**
 * Invitations: a member invites an email with a role they may assign, the invitee previews the
 * link and accepts it, as a new person (name and password; the link proves the address) or as
 * the signed-in user the invitation is addressed to. Accepting signs them in to the tenant.
 */
export class InvitationService {
  constructor(
    private readonly orm: Orm,
    private readonly sessions: SessionService,
    private readonly meService: MeService,
    private readonly mail: IdentityMail,
  ) {}

  async invite(principal: Principal, input: { email: string; role: TenantRole }, actor: AuditActor): Promise<InvitationView> {
    const tenantId = tenantOf(principal);
    if (!assignableRoles(principal.role).includes(input.role)) {
      throw new AppError('SB_ERR_FORBIDDEN', { message: `Your role cannot invite someone as ${input.role}.`, issues: [{ path: 'body/role', message: 'is not a role you may give' }] });
    }
    const email = input.email.trim().toLowerCase();
    const token = newOpaqueToken();
    const { invitation, tenantName, inviterName } = await withTenant(this.orm.em, tenantId, async (em) => {
      const [member] = await em.execute<Array<{ id: string }>>(
        'select m.id from memberships m join users u on u.id = m.user_id where m.tenant_id = ? and u.email = ?', [tenantId, email]);
      if (member !== undefined) {
        throw new AppError('SB_ERR_CONFLICT', { message: 'This person is already a member of the workspace.', issues: [{ path: 'body/email', message: 'is already a member' }] });
      }
      // A new invitation replaces any open one to the same address: only the newest link works.
      await em.nativeUpdate(Invitation, { tenant: tenantId, email, acceptedAt: null, revokedAt: null }, { revokedAt: new Date() });
      const created = em.create(Invitation, {
        tenant: tenantId,
        email,
        role: input.role,
        tokenHash: hashToken(token),
        invitedBy: principal.userId,
        expiresAt: new Date(Date.now() + linkLifetimeHours.invitation * HOUR_MS),
      });
      recordAudit(em, actor, { action: 'team.invited', tenantId, targetType: 'invitation', targetId: created.id, metadata: { email, role: input.role } });
      await em.flush();
      const tenant = await em.findOneOrFail(Tenant, { id: tenantId });
      const inviter = await em.findOne(User, { id: principal.userId });
      return { invitation: created, tenantName: tenant.name, inviterName: inviter?.name ?? tenant.name };
    }, { userId: principal.userId });
    await this.mail.invitation({ to: email, tenantName, inviterName, role: input.role, token });
    return invitationView(invitation);
  }

  async list(principal: Principal): Promise<InvitationView[]> {
    const tenantId = tenantOf(principal);
    const open = await withTenant(this.orm.em, tenantId, (em) =>
      em.find(Invitation, { tenant: tenantId, acceptedAt: null, revokedAt: null }, { orderBy: { createdAt: 'desc' } }));
    return open.map(invitationView);
  }

  async revoke(principal: Principal, invitationId: string, actor: AuditActor): Promise<void> {
    const tenantId = tenantOf(principal);
    await withTenant(this.orm.em, tenantId, async (em) => {
      const revoked = await em.nativeUpdate(Invitation, { id: invitationId, tenant: tenantId, acceptedAt: null, revokedAt: null }, { revokedAt: new Date() });
      if (revoked === 0) throw invitationNotFound();
      recordAudit(em, actor, { action: 'team.invitation_revoked', tenantId, targetType: 'invitation', targetId: invitationId });
    });
  }

  async preview(token: string): Promise<InvitationPreview> {
    const row = await this.open(token);
    return { tenantName: row.tenantName, email: row.email, role: row.role, existingUser: row.existingUserId !== null, expiresAt: row.expiresAt.toISOString() };
  }

  /**
   * Accepts as the signed-in `principal` (who must be the invited address) or, with no
   * principal, as a new person with `name` and `password`. Answers a session in the tenant.
   */
  async accept(
    input: { token: string; name?: string | undefined; password?: string | undefined },
    principal: Principal | undefined,
    actor: AuditActor,
    client: ClientInfo,
  ): Promise<{ session: IssuedSession; me: MeView; replacedFamilyId?: string | undefined }> {
    const row = await this.open(input.token);
    const existing = principal === undefined || principal.credential === 'api_key' ? undefined : principal;
    let userId: string;
    let newUser: { name: string; passwordHash: string } | undefined;
    if (existing !== undefined) {
      if (existing.impersonatorUserId !== undefined) throw new AppError('SB_ERR_FORBIDDEN', { message: 'An invitation cannot be accepted while impersonating.' });
      if (existing.userId !== row.existingUserId) {
        throw new AppError('SB_ERR_FORBIDDEN', { message: `This invitation is for ${row.email}; sign in with that address to accept it.` });
      }
      userId = existing.userId;
    } else if (row.existingUserId !== null) {
      throw new AppError('SB_ERR_UNAUTHENTICATED', { message: `${row.email} already has an account: sign in first, then accept the invitation.` });
    } else {
      const issues = [
        ...(input.name === undefined ? [{ path: 'body/name', message: 'is required for a new account' }] : []),
        ...(input.password === undefined ? [{ path: 'body/password', message: 'is required for a new account' }] : []),
      ];
      if (input.name === undefined || input.password === undefined) {
        throw new AppError('SB_ERR_VALIDATION', { message: `The request is not valid: ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}.`, issues });
      }
      assertPasswordAcceptable(input.password, { email: row.email, name: input.name });
      userId = randomUUID();
      newUser = { name: input.name.trim(), passwordHash: await hashPassword(input.password) };
    }

    try {
      const session = await withTenant(this.orm.em, row.tenantId, async (em) => {
        const accepted = await em.nativeUpdate(
          Invitation,
          { id: row.id, acceptedAt: null, revokedAt: null, expiresAt: { $gt: new Date() } },
          { acceptedAt: new Date() },
        );
        if (accepted === 0) throw linkExpired();
        if (newUser !== undefined) {
          em.create(User, { id: userId, email: row.email, name: newUser.name, passwordHash: newUser.passwordHash, emailVerifiedAt: new Date() });
        }
        em.create(Membership, { tenant: row.tenantId, user: userId, role: row.role });
        recordAudit(em, { ...actor, actorUserId: userId }, {
          action: 'team.invitation_accepted',
          tenantId: row.tenantId,
          targetType: 'invitation',
          targetId: row.id,
          metadata: { email: row.email, role: row.role, newAccount: newUser !== undefined },
        });
        await em.flush();
        return this.sessions.start(em, { userId, tenantId: row.tenantId, role: row.role, ip: client.ip, userAgent: client.userAgent });
      }, { userId });
      const me = await this.meService.me({ userId, tenantId: row.tenantId, role: row.role, sessionId: session.familyId });
      return { session, me, replacedFamilyId: existing?.credential === 'cookie' ? existing.sessionId : undefined };
    } catch (error) {
      const constraint = violatedUniqueConstraint(error);
      if (constraint === 'memberships_tenant_user_key') throw new AppError('SB_ERR_CONFLICT', { message: 'You are already a member of this workspace.' });
      if (constraint === 'users_email_key') throw new AppError('SB_ERR_EMAIL_TAKEN');
      throw error;
    }
  }

  /** The open invitation a token names; 410 for unknown, used, revoked or expired ones. */
  private async open(token: string): Promise<InvitationLookup> {
    const row = await findInvitation(this.orm.em.fork(), hashToken(token));
    if (row === undefined || row.acceptedAt !== null || row.revokedAt !== null || row.expiresAt.getTime() <= Date.now()) throw linkExpired();
    if (row.tenantStatus === 'suspended') throw new AppError('SB_ERR_TENANT_SUSPENDED');
    return row;
  }
}
