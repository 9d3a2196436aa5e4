import { Tenant, User, type Orm } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import { hashRecoveryCode, newRecoveryCodes, newTotpSecret, totpQrDataUrl, totpUri, verifyTotp, type SecretBox } from '@switchboard/security';
import { recordAudit, type AuditActor } from '../audit/audit-writer.ts';
import { mfaRequiredFor } from './mfa-policy.ts';
import type { Principal } from './principal.ts';
import { inSessionScope } from './session.service.ts';

const ISSUER = 'Switchboard';

/**
 * TOTP two-factor authentication for the signed-in user: setup stores a new sealed secret
 * (not yet enforced), verify with a first code turns it on and hands out recovery codes once,
 * disable needs a current code. A super admin impersonating someone can do none of this.
 */
export class MfaService {
  constructor(private readonly orm: Orm, private readonly secretBox: SecretBox) {}

  async setup(principal: Principal, actor: AuditActor): Promise<{ secret: string; otpauthUrl: string; qrDataUrl: string }> {
    refuseImpersonation(principal);
    const secret = newTotpSecret();
    const email = await inSessionScope(this.orm, principal.userId, principal.tenantId, async (em) => {
      const user = await em.findOneOrFail(User, { id: principal.userId });
      if (user.mfaEnabled) throw new AppError('SB_ERR_CONFLICT', { message: 'Two-factor authentication is already on; turn it off first to set up a new device.' });
      user.mfaSecretSealed = this.secretBox.seal(secret);
      user.mfaLastStep = null;
      recordAudit(em, actor, { action: 'user.mfa_setup_started', tenantId: principal.tenantId, targetType: 'user', targetId: principal.userId });
      return user.email;
    });
    const otpauthUrl = totpUri({ secret, accountName: email, issuer: ISSUER });
    return { secret, otpauthUrl, qrDataUrl: await totpQrDataUrl(otpauthUrl) };
  }

  async verify(principal: Principal, code: string, actor: AuditActor): Promise<{ recoveryCodes: string[] }> {
    refuseImpersonation(principal);
    const recoveryCodes = newRecoveryCodes();
    await inSessionScope(this.orm, principal.userId, principal.tenantId, async (em) => {
      const user = await em.findOneOrFail(User, { id: principal.userId });
      if (user.mfaEnabled) throw new AppError('SB_ERR_CONFLICT', { message: 'Two-factor authentication is already on.' });
      if (user.mfaSecretSealed === null || user.mfaSecretSealed === undefined) {
        throw new AppError('SB_ERR_CONFLICT', { message: 'Start the setup first: it gives you the QR code to scan.' });
      }
      const verdict = verifyTotp(this.secretBox.open(user.mfaSecretSealed), code, user.mfaLastStep ?? undefined);
      if (!verdict.ok) throw new AppError('SB_ERR_MFA_INVALID', { issues: [{ path: 'body/code', message: 'is not the current code' }] });
      user.mfaEnabled = true;
      user.mfaLastStep = verdict.step;
      user.recoveryCodeHashes = recoveryCodes.map(hashRecoveryCode);
      recordAudit(em, actor, { action: 'user.mfa_enabled', tenantId: principal.tenantId, targetType: 'user', targetId: principal.userId });
    });
    return { recoveryCodes };
  }

  async disable(principal: Principal, code: string, actor: AuditActor): Promise<void> {
    refuseImpersonation(principal);
    await inSessionScope(this.orm, principal.userId, principal.tenantId, async (em) => {
      if (principal.tenantId !== undefined) {
        const tenant = await em.findOneOrFail(Tenant, { id: principal.tenantId });
        if (mfaRequiredFor(principal.role, tenant.requireMfa)) {
          throw new AppError('SB_ERR_FORBIDDEN', { message: 'This workspace requires two-factor authentication for your role, so it cannot be turned off.' });
        }
      }
      const user = await em.findOneOrFail(User, { id: principal.userId });
      if (!user.mfaEnabled || user.mfaSecretSealed === null || user.mfaSecretSealed === undefined) {
        throw new AppError('SB_ERR_CONFLICT', { message: 'Two-factor authentication is not on.' });
      }
      const verdict = verifyTotp(this.secretBox.open(user.mfaSecretSealed), code, user.mfaLastStep ?? undefined);
      if (!verdict.ok) throw new AppError('SB_ERR_MFA_INVALID', { issues: [{ path: 'body/code', message: 'is not the current code' }] });
      user.mfaEnabled = false;
      user.mfaSecretSealed = null;
      user.mfaLastStep = null;
      user.recoveryCodeHashes = [];
      recordAudit(em, actor, { action: 'user.mfa_disabled', tenantId: principal.tenantId, targetType: 'user', targetId: principal.userId });
    });
  }
}

function refuseImpersonation(principal: Principal): void {
  if (principal.impersonatorUserId !== undefined) {
    throw new AppError('SB_ERR_FORBIDDEN', { message: 'Two-factor settings belong to the person; they cannot be changed while impersonating.' });
  }
}
