import type {
  checkSchema,
  LoginResponse,
  MfaSetupResponse as MfaSetupResponseSchema,
  MfaVerifyResponse as MfaVerifyResponseSchema,
  AcceptInvitationRequest as AcceptInvitationRequestSchema,
  UpdateTenantRequest as UpdateTenantRequestSchema,
} from '@switchboard/contracts';

/**
 * The TypeScript type of a contracts schema that has no exported type alias yet. It is derived
 * through `checkSchema`'s return type so that the console imports nothing but
 * `@switchboard/contracts` (not even types from TypeBox). Once contracts exports the alias,
 * use that instead and delete the line here.
 */
type StaticOf<Schema extends Parameters<typeof checkSchema>[0]> = Extract<ReturnType<typeof checkSchema<Schema>>, { ok: true }>['value'];

export type MfaSetupResponse = StaticOf<typeof MfaSetupResponseSchema>;
export type MfaVerifyResponse = StaticOf<typeof MfaVerifyResponseSchema>;
export type AcceptInvitationRequest = StaticOf<typeof AcceptInvitationRequestSchema>;
export type UpdateTenantRequest = StaticOf<typeof UpdateTenantRequestSchema>;

/** One workspace offered by a `tenant_required` login answer. */
export type TenantChoice = Extract<LoginResponse, { status: 'tenant_required' }>['tenants'][number];

/** A list answer: `{ items, nextCursor? }` (the contracts' `Page`). */
export interface PageOf<Item> {
  readonly items: readonly Item[];
  readonly nextCursor?: string;
}
