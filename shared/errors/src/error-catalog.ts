/**
 * The one catalog of stable error codes. Every error that leaves a process (HTTP, Socket.IO ack,
 * NATS parking reason) carries one of these codes, the HTTP status that goes with it and a
 * message a person can act on. `docs/errors.md` documents every code; a test keeps them in step.
 */
export const errorCatalog = {
  SB_ERR_VALIDATION: { status: 400, message: 'The request is not valid.' },
  SB_ERR_BAD_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  SB_ERR_UNAUTHENTICATED: { status: 401, message: 'Sign in first: this request has no valid session, token or API key.' },
  SB_ERR_INVALID_CREDENTIALS: { status: 401, message: 'The email or password is not right.' },
  SB_ERR_MFA_INVALID: { status: 401, message: 'The authentication code is not right or has expired; use the current code from your app, or a recovery code.' },
  SB_ERR_WEBHOOK_SECRET: { status: 401, message: 'The webhook call did not carry this channel\'s secret token.' },
  SB_ERR_CSRF: { status: 403, message: 'The CSRF token is missing or does not match; reload the page and try again.' },
  SB_ERR_MFA_SETUP_REQUIRED: { status: 403, message: 'This workspace requires two-factor authentication; set it up in your profile first.' },
  SB_ERR_EMAIL_NOT_VERIFIED: { status: 403, message: 'Verify your email address first; we sent you a link.' },
  SB_ERR_FORBIDDEN: { status: 403, message: 'Your role does not allow this action.' },
  SB_ERR_TENANT_SUSPENDED: { status: 403, message: 'This workspace is suspended. Contact the platform administrator.' },
  SB_ERR_NOT_FOUND: { status: 404, message: 'Nothing was found at this address.' },
  SB_ERR_CONFLICT: { status: 409, message: 'The resource changed or already exists; reload and try again.' },
  SB_ERR_EMAIL_TAKEN: { status: 409, message: 'An account with this email already exists; sign in instead.' },
  SB_ERR_LAST_OWNER: { status: 409, message: 'A workspace needs at least one owner; make someone else owner first.' },
  SB_ERR_LINK_EXPIRED: { status: 410, message: 'This link has expired or was already used; ask for a new one.' },
  SB_ERR_WEAK_PASSWORD: { status: 400, message: 'Choose a longer password: at least 12 characters, not containing your email name.' },
  SB_ERR_CHANNEL_CREDENTIALS: { status: 422, message: 'The channel\'s provider refused these credentials; check them and try again.' },
  SB_ERR_PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  SB_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'This content type is not accepted here; send application/json.' },
  SB_ERR_RATE_LIMITED: { status: 429, message: 'Too many requests; wait before trying again.' },
  SB_ERR_INTERNAL: { status: 500, message: 'Something went wrong on our side. The trace id identifies it in the logs.' },
  SB_ERR_DEPENDENCY_DOWN: { status: 503, message: 'A service Switchboard depends on is not reachable right now.' },
  SB_ERR_CONFIG_INVALID: { status: 500, message: 'The configuration is not valid.' },
  SB_ERR_BUS_INVALID_PAYLOAD: { status: 422, message: 'A message on the bus did not match its schema and was parked.' },
  SB_ERR_BUS_UNKNOWN_TYPE: { status: 422, message: 'A message on the bus has a type nobody declared and was parked.' },
  SB_ERR_BUS_HANDLER_FAILED: { status: 500, message: 'A bus consumer failed to process a message after every retry; it was parked.' },
} as const satisfies Record<`SB_ERR_${string}`, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalog;

export const errorCodes = Object.keys(errorCatalog) as ErrorCode[];

/** True when `value` names an error in the catalog. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCatalog, value);
}
