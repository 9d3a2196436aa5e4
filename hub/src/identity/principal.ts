import type { Permission, Role } from '@switchboard/contracts';

/** How a request proved who it is; cookie-authenticated changes must also pass the CSRF check. */
export type Credential = 'bearer' | 'cookie' | 'api_key';

/**
 * Who is acting on a request, resolved once by the auth plugin from an access token, the
 * session cookie or an API key. Every decision about the request reads this, never the token.
 */
export interface Principal {
  userId: string;
  /** The tenant the request acts in; absent for a super admin on the platform. */
  tenantId?: string;
  role: Role;
  /** What this principal may do: the role's permissions, narrowed to an API key's scopes. */
  permissions: readonly Permission[];
  /** The refresh-session family the access token belongs to (browser and bearer sessions). */
  sessionId?: string;
  apiKeyId?: string;
  /** The super admin acting as this user, while impersonating. */
  impersonatorUserId?: string;
  credential: Credential;
  /** The tenant is suspended: every tenant route answers SB_ERR_TENANT_SUSPENDED. */
  tenantSuspended: boolean;
  /** The tenant requires MFA and this owner/admin has not set it up yet. */
  mfaSetupRequired: boolean;
}
