import type { Orm } from '@switchboard/db';
import type { Mailer } from '@switchboard/mail';
import { createAccessTokens, createSecretBox, deriveKeys } from '@switchboard/security';
import type { Logger } from 'pino';
import { AuditQueryService } from '../audit/audit-query.service.ts';
import { rateLimits, type RateLimiter } from '../rate-limit/rate-limiter.ts';
import { ApiKeyService } from './api-key.service.ts';
import { EmailVerificationService } from './email-verification.service.ts';
import { IdentityMail } from './identity-mail.ts';
import { InvitationService } from './invitation.service.ts';
import { createLoginChallenges } from './login-challenge.ts';
import { LoginService } from './login.service.ts';
import { MeService } from './me.service.ts';
import { MfaService } from './mfa.service.ts';
import { PasswordResetService } from './password-reset.service.ts';
import { PlatformService } from './platform.service.ts';
import { PrincipalResolver } from './principal-resolver.ts';
import { SessionService } from './session.service.ts';
import { SignupService } from './signup.service.ts';
import { TeamService } from './team.service.ts';
import { TenantService } from './tenant.service.ts';

/** The audience every access token is issued for and checked against. */
export const ACCESS_TOKEN_AUDIENCE = 'switchboard-api';

export interface IdentityOptions {
  orm: Orm;
  /** `SECRET_KEY`: the access-token and secret-box keys are derived from it. */
  secretKey: string;
  /** Issuer of access tokens and origin of mailed links. */
  publicUrl: string;
  mailer: Mailer;
  rateLimiter: RateLimiter;
  logger: Logger;
  /** Lifetime of an access token (default 900 s). */
  accessTokenTtlSeconds?: number;
}

/** Every identity service, wired once per hub. */
export interface IdentityServices {
  resolver: PrincipalResolver;
  sessions: SessionService;
  me: MeService;
  login: LoginService;
  signup: SignupService;
  emailVerification: EmailVerificationService;
  passwordReset: PasswordResetService;
  mfa: MfaService;
  team: TeamService;
  invitations: InvitationService;
  tenant: TenantService;
  apiKeys: ApiKeyService;
  platform: PlatformService;
  audit: AuditQueryService;
  rateLimiter: RateLimiter;
}

export function createIdentityServices(options: IdentityOptions): IdentityServices {
  const { orm, publicUrl, rateLimiter, logger } = options;
  const keys = deriveKeys(options.secretKey);
  const accessTokens = createAccessTokens({
    signingKey: keys.tokenSigningKey,
    issuer: publicUrl,
    audience: ACCESS_TOKEN_AUDIENCE,
    ...(options.accessTokenTtlSeconds === undefined ? {} : { ttlSeconds: options.accessTokenTtlSeconds }),
  });
  const secretBox = createSecretBox(keys.encryptionKey);
  const mail = new IdentityMail(options.mailer, publicUrl, logger);
  const sessions = new SessionService(orm, accessTokens);
  const me = new MeService(orm, sessions);
  const limitAccount = (accountKey: string) => rateLimiter.consume(`login:account:${accountKey}`, rateLimits.loginPerAccount);
  return {
    resolver: new PrincipalResolver(orm, accessTokens),
    sessions,
    me,
    login: new LoginService(orm, sessions, me, createLoginChallenges(keys.tokenSigningKey, publicUrl), secretBox, limitAccount),
    signup: new SignupService(orm, sessions, me, mail),
    emailVerification: new EmailVerificationService(orm, mail),
    passwordReset: new PasswordResetService(orm, sessions, mail, logger),
    mfa: new MfaService(orm, secretBox),
    team: new TeamService(orm),
    invitations: new InvitationService(orm, sessions, me, mail),
    tenant: new TenantService(orm),
    apiKeys: new ApiKeyService(orm),
    platform: new PlatformService(orm, sessions, me),
    audit: new AuditQueryService(orm),
    rateLimiter,
  };
}
