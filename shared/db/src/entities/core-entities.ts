import { ApiKey } from './api-key.entity.ts';
import { AuditEntry } from './audit-entry.entity.ts';
import { Invitation } from './invitation.entity.ts';
import { Membership } from './membership.entity.ts';
import { RefreshSession } from './refresh-session.entity.ts';
import { Tenant } from './tenant.entity.ts';
import { UserToken } from './user-token.entity.ts';
import { User } from './user.entity.ts';

/** Every entity, as `createOrm` registers them by default. */
export const coreEntities = [Tenant, User, Membership, Invitation, RefreshSession, UserToken, ApiKey, AuditEntry];
