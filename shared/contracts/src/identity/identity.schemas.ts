import Type, { type Static } from 'typebox';
import { Timestamp, Uuid } from '../primitives.ts';
import { permissions, roles, tenantRoles } from './permissions.ts';

export const Email = Type.String({ format: 'email', maxLength: 254, description: 'Email address' });
/**
 * The password policy, stated so a person understands a refusal: 12 to 256 characters. Length
 * is what matters; the server also refuses a password that contains the email's local part.
 */
export const Password = Type.String({ minLength: 12, maxLength: 256, description: 'At least 12 characters' });
export const TenantSlug = Type.String({ minLength: 3, maxLength: 48, pattern: '^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$', description: 'Lowercase letters, digits and dashes' });
export const PersonName = Type.String({ minLength: 1, maxLength: 120 });
export const RoleSchema = Type.Enum(roles);
export const TenantRoleSchema = Type.Enum(tenantRoles);
export const PermissionSchema = Type.Enum(permissions);
export const HexColor = Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'Colour as #rrggbb' });
export const Locale = Type.String({ pattern: '^[a-z]{2}(-[A-Z]{2})?$', description: 'BCP 47 language tag such as en or ar-MA' });
export const TotpCode = Type.String({ pattern: '^[0-9]{6}$', description: 'Six-digit code from the authenticator app' });
export const RecoveryCode = Type.String({ pattern: '^[a-z0-9]{5}-[a-z0-9]{5}$', description: 'A recovery code such as abcde-12345' });
/** An opaque token from an email link or a previous step. */
export const OpaqueToken = Type.String({ minLength: 20, maxLength: 512, pattern: '^[A-Za-z0-9_.-]+$' });

export const Branding = Type.Object(
  { logoUrl: Type.Optional(Type.String({ format: 'uri', maxLength: 2048 })), primaryColor: Type.Optional(HexColor) },
  { additionalProperties: false },
);
export type Branding = Static<typeof Branding>;

export const tenantStatuses = ['active', 'suspended'] as const;
export const TenantView = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    slug: TenantSlug,
    status: Type.Enum(tenantStatuses),
    branding: Branding,
    locale: Locale,
    requireMfa: Type.Boolean(),
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);
export type TenantView = Static<typeof TenantView>;

export const UserView = Type.Object(
  {
    id: Uuid,
    email: Email,
    name: PersonName,
    emailVerified: Type.Boolean(),
    mfaEnabled: Type.Boolean(),
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);
export type UserView = Static<typeof UserView>;

/** Who is acting: the signed-in user in one tenant, with what the role allows. */
export const MeView = Type.Object(
  {
    user: UserView,
    tenant: Type.Optional(TenantView),
    role: RoleSchema,
    permissions: Type.Array(PermissionSchema),
    /** Present while a super admin acts as this user; the console shows a banner. */
    impersonation: Type.Optional(Type.Object({ byUserId: Uuid, byEmail: Email, expiresAt: Timestamp }, { additionalProperties: false })),
    mfaRequired: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type MeView = Static<typeof MeView>;

// ── auth ────────────────────────────────────────────────────────────────────────────────────

export const SignupRequest = Type.Object(
  { tenantName: Type.String({ minLength: 2, maxLength: 100 }), tenantSlug: Type.Optional(TenantSlug), name: PersonName, email: Email, password: Password, locale: Type.Optional(Locale) },
  { additionalProperties: false },
);
export type SignupRequest = Static<typeof SignupRequest>;

export const LoginRequest = Type.Object(
  {
    email: Type.Optional(Email),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    /** From a previous `tenant_required` or `mfa_required` answer, instead of email and password. */
    challengeToken: Type.Optional(OpaqueToken),
    tenantId: Type.Optional(Uuid),
    totpCode: Type.Optional(TotpCode),
    recoveryCode: Type.Optional(RecoveryCode),
  },
  { additionalProperties: false },
);
export type LoginRequest = Static<typeof LoginRequest>;

export const TenantChoice = Type.Object({ id: Uuid, name: Type.String(), slug: TenantSlug, role: TenantRoleSchema }, { additionalProperties: false });

/**
 * A login answers one of: signed in (cookies set; `accessToken` for API clients), choose a
 * tenant, or give the TOTP code. The last two carry a short-lived `challengeToken`.
 */
/**
 * A session just started (login, signup, accepted invitation, impersonation): the browser also
 * got its cookies; API clients use `accessToken`.
 */
export const AuthenticatedSession = Type.Object(
  { status: Type.Literal('authenticated'), me: MeView, accessToken: Type.String(), accessTokenExpiresAt: Timestamp, csrfToken: Type.String() },
  { additionalProperties: false },
);
export type AuthenticatedSession = Static<typeof AuthenticatedSession>;

export const LoginResponse = Type.Union([
  AuthenticatedSession,
  Type.Object({ status: Type.Literal('tenant_required'), challengeToken: OpaqueToken, tenants: Type.Array(TenantChoice) }, { additionalProperties: false }),
  Type.Object({ status: Type.Literal('mfa_required'), challengeToken: OpaqueToken }, { additionalProperties: false }),
]);
export type LoginResponse = Static<typeof LoginResponse>;

export const RefreshRequest = Type.Object({ refreshToken: Type.Optional(OpaqueToken) }, { additionalProperties: false });
export const RefreshResponse = Type.Object(
  { accessToken: Type.String(), accessTokenExpiresAt: Timestamp, csrfToken: Type.String(), refreshToken: Type.Optional(OpaqueToken) },
  { additionalProperties: false },
);
export type RefreshResponse = Static<typeof RefreshResponse>;

export const TokenRequest = Type.Object({ token: OpaqueToken }, { additionalProperties: false });
export const ForgotPasswordRequest = Type.Object({ email: Email }, { additionalProperties: false });
export const ResetPasswordRequest = Type.Object({ token: OpaqueToken, password: Password }, { additionalProperties: false });

export const InvitationPreview = Type.Object(
  { tenantName: Type.String(), email: Email, role: TenantRoleSchema, existingUser: Type.Boolean(), expiresAt: Timestamp },
  { additionalProperties: false },
);
export type InvitationPreview = Static<typeof InvitationPreview>;
/** A new person gives `name` and `password`; a signed-in invitee sends the token alone. The answer is an `AuthenticatedSession`. */
export const AcceptInvitationRequest = Type.Object(
  { token: OpaqueToken, name: Type.Optional(PersonName), password: Type.Optional(Password) },
  { additionalProperties: false },
);
export type AcceptInvitationRequest = Static<typeof AcceptInvitationRequest>;

// ── MFA ─────────────────────────────────────────────────────────────────────────────────────

export const MfaSetupResponse = Type.Object({ secret: Type.String(), otpauthUrl: Type.String(), qrDataUrl: Type.String() }, { additionalProperties: false });
export type MfaSetupResponse = Static<typeof MfaSetupResponse>;
/** Turns MFA on after setup (`POST /me/mfa/verify`), and off again (`DELETE /me/mfa`), with a current code. */
export const MfaVerifyRequest = Type.Object({ code: TotpCode }, { additionalProperties: false });
export type MfaVerifyRequest = Static<typeof MfaVerifyRequest>;
export const MfaVerifyResponse = Type.Object({ recoveryCodes: Type.Array(RecoveryCode) }, { additionalProperties: false });
export type MfaVerifyResponse = Static<typeof MfaVerifyResponse>;

// ── team, tenant, API keys ──────────────────────────────────────────────────────────────────

export const MemberView = Type.Object(
  { userId: Uuid, email: Email, name: PersonName, role: TenantRoleSchema, mfaEnabled: Type.Boolean(), lastSeenAt: Type.Optional(Timestamp), joinedAt: Timestamp },
  { additionalProperties: false },
);
export type MemberView = Static<typeof MemberView>;

export const InvitationView = Type.Object(
  { id: Uuid, email: Email, role: TenantRoleSchema, invitedBy: Uuid, expiresAt: Timestamp, createdAt: Timestamp },
  { additionalProperties: false },
);
export type InvitationView = Static<typeof InvitationView>;
export const InviteRequest = Type.Object({ email: Email, role: TenantRoleSchema }, { additionalProperties: false });
export type InviteRequest = Static<typeof InviteRequest>;
export const ChangeRoleRequest = Type.Object({ role: TenantRoleSchema }, { additionalProperties: false });
export type ChangeRoleRequest = Static<typeof ChangeRoleRequest>;

export const UpdateTenantRequest = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 2, maxLength: 100 })), branding: Type.Optional(Branding), locale: Type.Optional(Locale), requireMfa: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateTenantRequest = Static<typeof UpdateTenantRequest>;

export const ApiKeyView = Type.Object(
  { id: Uuid, name: Type.String(), prefix: Type.String(), scopes: Type.Array(PermissionSchema), lastUsedAt: Type.Optional(Timestamp), createdAt: Timestamp },
  { additionalProperties: false },
);
export type ApiKeyView = Static<typeof ApiKeyView>;
export const CreateApiKeyRequest = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }), scopes: Type.Array(PermissionSchema, { minItems: 1, uniqueItems: true }) },
  { additionalProperties: false },
);
export type CreateApiKeyRequest = Static<typeof CreateApiKeyRequest>;
/** The key itself is shown once, in this answer; only its hash is stored. */
export const CreateApiKeyResponse = Type.Object({ apiKey: ApiKeyView, key: Type.String() }, { additionalProperties: false });
export type CreateApiKeyResponse = Static<typeof CreateApiKeyResponse>;

// ── audit and platform ──────────────────────────────────────────────────────────────────────

export const AuditEntryView = Type.Object(
  {
    id: Uuid,
    tenantId: Type.Optional(Uuid),
    actorUserId: Type.Optional(Uuid),
    actorEmail: Type.Optional(Type.String()),
    impersonatorUserId: Type.Optional(Uuid),
    action: Type.String(),
    targetType: Type.Optional(Type.String()),
    targetId: Type.Optional(Type.String()),
    ip: Type.Optional(Type.String()),
    traceId: Type.String(),
    metadata: Type.Record(Type.String(), Type.Unknown()),
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);
export type AuditEntryView = Static<typeof AuditEntryView>;

export const AuditQuery = Type.Object(
  {
    action: Type.Optional(Type.String({ maxLength: 100 })),
    actorUserId: Type.Optional(Uuid),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    tenantId: Type.Optional(Uuid),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;

export const TenantSummary = Type.Object(
  { tenant: TenantView, memberCount: Type.Integer({ minimum: 0 }), conversationCount: Type.Integer({ minimum: 0 }), lastActivityAt: Type.Optional(Timestamp) },
  { additionalProperties: false },
);
export type TenantSummary = Static<typeof TenantSummary>;
/** `POST /api/v1/admin/tenants/:tenantId/impersonate`; the answer is an `AuthenticatedSession` whose `me.impersonation` is set. */
export const ImpersonateRequest = Type.Object(
  { userId: Uuid, minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })) },
  { additionalProperties: false },
);
export type ImpersonateRequest = Static<typeof ImpersonateRequest>;

// ── path parameters ─────────────────────────────────────────────────────────────────────────

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export const UserIdParams = Type.Object({ userId: Uuid }, { additionalProperties: false });
export const TenantIdParams = Type.Object({ tenantId: Uuid }, { additionalProperties: false });
export const InvitationTokenParams = Type.Object({ token: OpaqueToken }, { additionalProperties: false });

/** A page of a list and the cursor of the next one (absent on the last page). */
export function Page<Item extends ReturnType<typeof Type.Object>>(item: Item) {
  return Type.Object({ items: Type.Array(item), nextCursor: Type.Optional(Type.String()) }, { additionalProperties: false });
}
