import { AppError, type FieldIssue } from '@switchboard/errors';
import type { EnvVariableName } from './env-variables.ts';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/** The validated configuration every role receives as an option; nothing else reads process.env. */
export interface AppConfig {
  port: number;
  host: string;
  publicUrl: string;
  /**
   * `PUBLIC_URL` when it was set, else undefined: Telegram can call a webhook only at an
   * address it can reach, which the `http://localhost:PORT` default never is.
   */
  webhookBaseUrl: string | undefined;
  logLevel: LogLevel;
  dataDir: string;
  natsUrl: string | undefined;
  databaseUrl: string | undefined;
  chromaUrl: string | undefined;
  redisUrl: string | undefined;
  /** Undefined only where no role needs it yet; the launchers generate or require one. */
  secretKey: string | undefined;
  databaseAppUrl: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  cookieSecure: boolean;
  /** Fastify's `trustProxy`: false, a hop count, or the proxies' addresses. */
  trustProxy: boolean | number | string[];
  dashboardDir: string;
  /** The built storefront widget script served at `/widget.js`. */
  widgetFile: string;
  shutdownTimeoutMs: number;
  skipDashboardBuild: boolean;
  /** An OpenAI-compatible server every tenant's bot uses; unset means the offline responder. */
  openaiBaseUrl: string | undefined;
  openaiApiKey: string | undefined;
  openaiModel: string;
  /** How long one AI answer may take before the offline responder answers instead (ms). */
  aiTimeoutMs: number;
  /** Tokens a tenant's bot may use per calendar month unless the platform set its own budget. */
  aiMonthlyTokenBudget: number;
  /** The Telegram Bot API (`https://api.telegram.org`, a self-hosted Bot API server, or a test's fake). */
  telegramApiRoot: string;
  /** The Chromium binary WhatsApp sessions run. */
  chromiumPath: string;
  /** Where WhatsApp logins persist: LocalAuth folders under DATA_DIR, or sealed in PostgreSQL. */
  whatsappAuthStore: 'local' | 'postgres';
  whatsappMaxSessions: number;
  /** The largest customer file kept in the media store (bytes). */
  mediaMaxBytes: number;
  /** This connector node's name in leases and channel status; hostname-pid when unset. */
  connectorNode: string | undefined;
  /** Knowledge-base URL imports may fetch loopback and private addresses (tests, closed networks). */
  knowledgeUrlAllowPrivate: boolean;
}

type Env = Partial<Record<EnvVariableName, string | undefined>> & Record<string, string | undefined>;

/**
 * Parses and validates the environment once. Every problem is collected, so a person fixing
 * their configuration sees all of them at once; throws `SB_ERR_CONFIG_INVALID` listing each.
 */
export function loadConfig(env: Env): AppConfig {
  const issues: FieldIssue[] = [];
  const text = (name: EnvVariableName): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const integer = (name: EnvVariableName, fallback: number, min: number, max: number): number => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      issues.push({ path: name, message: `must be a whole number from ${min} to ${max}, got "${raw}"` });
      return fallback;
    }
    return value;
  };
  const url = (name: EnvVariableName, protocols: readonly string[]): string | undefined => {
    const raw = text(name);
    if (raw === undefined) return undefined;
    for (const part of raw.split(',')) {
      let parsed: URL;
      try {
        parsed = new URL(part.trim());
      } catch {
        issues.push({ path: name, message: `must be a URL like ${protocols[0]}//host:port, got "${part.trim()}"` });
        continue;
      }
      if (!protocols.includes(parsed.protocol)) {
        issues.push({ path: name, message: `must use ${protocols.join(' or ')}, got "${parsed.protocol}"` });
      }
    }
    return raw;
  };
  const boolean = (name: EnvVariableName): boolean => {
    const raw = text(name)?.toLowerCase();
    if (raw === undefined) return false;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    issues.push({ path: name, message: `must be true or false, got "${raw}"` });
    return false;
  };

  const port = integer('PORT', 3000, 0, 65535);
  const logLevel = text('LOG_LEVEL') ?? 'info';
  if (!logLevels.includes(logLevel as LogLevel)) {
    issues.push({ path: 'LOG_LEVEL', message: `must be one of ${logLevels.join(', ')}, got "${logLevel}"` });
  }
  const publicUrlSet = url('PUBLIC_URL', ['http:', 'https:']);
  const publicUrl = publicUrlSet ?? `http://localhost:${port}`;
  const secretKey = text('SECRET_KEY');
  if (secretKey !== undefined && secretKey.length < 32) {
    issues.push({ path: 'SECRET_KEY', message: `must be at least 32 characters, got ${secretKey.length}` });
  }
  const trustProxyRaw = text('TRUST_PROXY')?.toLowerCase() ?? 'false';
  let trustProxy: boolean | number | string[] = false;
  if (trustProxyRaw === 'true') trustProxy = true;
  else if (/^\d+$/.test(trustProxyRaw)) trustProxy = Number(trustProxyRaw);
  else if (trustProxyRaw !== 'false') {
    trustProxy = trustProxyRaw.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
    for (const part of trustProxy) {
      if (!/^[0-9a-f:.]+(\/\d{1,3})?$/.test(part) && !['loopback', 'linklocal', 'uniquelocal'].includes(part)) {
        issues.push({ path: 'TRUST_PROXY', message: `must be false, true, a hop count or addresses/CIDRs, got "${part}"` });
      }
    }
  }
  const cookieSecureRaw = text('COOKIE_SECURE')?.toLowerCase();
  const cookieSecure = cookieSecureRaw === undefined || cookieSecureRaw === 'auto' ? publicUrl.startsWith('https:') : boolean('COOKIE_SECURE');

  const whatsappAuthStoreRaw = text('WHATSAPP_AUTH_STORE')?.toLowerCase() ?? 'local';
  if (whatsappAuthStoreRaw !== 'local' && whatsappAuthStoreRaw !== 'postgres') {
    issues.push({ path: 'WHATSAPP_AUTH_STORE', message: `must be local or postgres, got "${whatsappAuthStoreRaw}"` });
  }
  const whatsappAuthStore = whatsappAuthStoreRaw === 'postgres' ? 'postgres' : 'local';

  const config: AppConfig = {
    port,
    host: text('HOST') ?? '127.0.0.1',
    publicUrl: publicUrl.replace(/\/+$/, ''),
    webhookBaseUrl: publicUrlSet?.replace(/\/+$/, ''),
    logLevel: logLevels.includes(logLevel as LogLevel) ? (logLevel as LogLevel) : 'info',
    dataDir: text('DATA_DIR') ?? '.data',
    natsUrl: url('NATS_URL', ['nats:', 'tls:', 'ws:', 'wss:']),
    databaseUrl: url('DATABASE_URL', ['postgres:', 'postgresql:']),
    chromaUrl: url('CHROMA_URL', ['http:', 'https:']),
    redisUrl: url('REDIS_URL', ['redis:', 'rediss:']),
    secretKey,
    databaseAppUrl: url('DATABASE_APP_URL', ['postgres:', 'postgresql:']),
    smtpUrl: url('SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: text('MAIL_FROM') ?? 'Switchboard <no-reply@localhost>',
    cookieSecure,
    trustProxy,
    dashboardDir: text('DASHBOARD_DIR') ?? 'dist/dashboard/browser',
    widgetFile: text('WIDGET_FILE') ?? 'dist/widget/widget.js',
    shutdownTimeoutMs: integer('SHUTDOWN_TIMEOUT_MS', 10_000, 100, 600_000),
    skipDashboardBuild: boolean('SKIP_DASHBOARD_BUILD'),
    openaiBaseUrl: url('OPENAI_BASE_URL', ['http:', 'https:']),
    openaiApiKey: text('OPENAI_API_KEY'),
    openaiModel: text('OPENAI_MODEL') ?? 'gpt-4o-mini',
    aiTimeoutMs: integer('AI_TIMEOUT_MS', 10_000, 100, 14_000),
    aiMonthlyTokenBudget: integer('AI_MONTHLY_TOKEN_BUDGET', 2_000_000, 0, 1_000_000_000_000),
    telegramApiRoot: (url('TELEGRAM_API_ROOT', ['http:', 'https:']) ?? 'https://api.telegram.org').replace(/\/+$/, ''),
    chromiumPath: text('CHROMIUM_PATH') ?? '/usr/bin/chromium',
    whatsappAuthStore,
    whatsappMaxSessions: integer('WHATSAPP_MAX_SESSIONS', 20, 0, 1_000),
    mediaMaxBytes: integer('MEDIA_MAX_BYTES', 16 * 1024 * 1024, 0, 100 * 1024 * 1024),
    connectorNode: text('CONNECTOR_NODE')?.slice(0, 200),
    knowledgeUrlAllowPrivate: boolean('KNOWLEDGE_URL_ALLOW_PRIVATE'),
  };
  if (issues.length > 0) {
    const lines = issues.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n');
    throw new AppError('SB_ERR_CONFIG_INVALID', { message: `The environment is not valid:\n${lines}`, issues });
  }
  return config;
}
