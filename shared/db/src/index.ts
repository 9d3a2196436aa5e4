export { createOrm, isDatabaseHealthy, migrate, type MigrateOptions, type Orm, type OrmOptions } from './orm.ts';
export { openDatabase, type OpenDatabaseOptions, type OpenedDatabase } from './open-database.ts';
export { appDatabaseUrl, appRoleName, ensureAppRolePassword } from './app-role.ts';
export { withPlatform, withTenant, withUser } from './rls-scope.ts';
export { migrations } from './migrations/index.ts';
export { coreEntities } from './entities/core-entities.ts';
export { ApiKey } from './entities/api-key.entity.ts';
export { AuditEntry } from './entities/audit-entry.entity.ts';
export { Invitation } from './entities/invitation.entity.ts';
export { Membership } from './entities/membership.entity.ts';
export { RefreshSession } from './entities/refresh-session.entity.ts';
export { Tenant } from './entities/tenant.entity.ts';
export { User } from './entities/user.entity.ts';
export { UserToken, userTokenPurposes, type UserTokenPurpose } from './entities/user-token.entity.ts';
export {
  findApiKey, findInvitation, findRefreshSession, findSignInUser, findUserToken,
  type ApiKeyLookup, type InvitationLookup, type RefreshSessionLookup, type SignInUser, type UserTokenLookup,
} from './auth-lookups.ts';
export { actionColumns, messageColumns, toActionView, toConversationView, toMessageView, type ActionRow, type ConversationRow, type MessageRow } from './conversation-rows.ts';
export { mediaStore, type MediaFile, type MediaOrigin, type StoredMediaFile } from './media-store.ts';
