import type { Role } from '@switchboard/contracts';

/** The roles a tenant's "require MFA" setting applies to: those who can change the workspace. */
const rolesBoundByTenantMfa: readonly Role[] = ['owner', 'admin'];

/** Whether `role` must have MFA in a tenant whose `requireMfa` is as given. */
export function mfaRequiredFor(role: Role, tenantRequiresMfa: boolean): boolean {
  return tenantRequiresMfa && rolesBoundByTenantMfa.includes(role);
}
