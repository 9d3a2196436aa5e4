import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Bus } from '@switchboard/bus';
import { WIDGET_FILE_MAX_BYTES } from '@switchboard/contracts';
import { withTenant, type Orm } from '@switchboard/db';
import { createSecretBox, deriveKeys } from '@switchboard/security';
import type { Mailer } from '@switchboard/mail';
import type { Logger } from 'pino';
import { createIdentityServices } from './identity/identity-services.ts';
import { identityPlugin } from './identity/identity.plugin.ts';
import { accessPlugin } from './plugins/access.plugin.ts';
import { authPlugin } from './plugins/auth.plugin.ts';
import { csrfPlugin } from './plugins/csrf.plugin.ts';
import { dashboardPlugin } from './plugins/dashboard.plugin.ts';
import { errorHandlerPlugin } from './plugins/error-handler.plugin.ts';
import { infrastructurePlugin } from './plugins/infrastructure.plugin.ts';
import { openApiPlugin } from './plugins/openapi.plugin.ts';
import { schemaValidator } from './plugins/schema-validator.ts';
import { textInputPlugin } from './plugins/text-input.plugin.ts';
import { trustedProxies } from './plugins/trusted-proxies.ts';
import { traceIdOf } from './plugins/trace-id.ts';
import { createMemoryRateLimitStore } from './rate-limit/memory-rate-limit.store.ts';
import type { RateLimitStore } from './rate-limit/rate-limit-store.ts';
import { rateLimitPlugin } from './rate-limit/rate-limit.plugin.ts';
import { rateLimits, type RateLimitRule } from './rate-limit/rate-limiter.ts';
import { chromaProbe, databaseProbe, natsProbe, type DependencyProbe } from './readiness/dependency-probe.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { cannedResponseRoutes } from './inbox/canned-responses.routes.ts';
import { KnowledgeIngestion, KnowledgeStore, LocalEmbedder } from '@switchboard/knowledge';
import { knowledgeRoutes } from './knowledge/knowledge.routes.ts';
import { actionRoutes } from './bot/actions.routes.ts';
import { botSettingsRoutes } from './bot/bot-settings.routes.ts';
import { channelRoutes } from './inbox/channels.routes.ts';
import { whatsAppChannelRoutes } from './inbox/whatsapp-channels.routes.ts';
import { inboxRoutes } from './inbox/inbox.routes.ts';
import { attachmentRoutes } from './media/attachment.routes.ts';
import { WidgetFileLinks } from './media/widget-file-links.ts';
import { widgetFileRoutes } from './media/widget-file.routes.ts';
import { WidgetUploads } from './media/widget-uploads.ts';
import { InboxService } from './inbox/inbox.service.ts';
import { WebchatChannels } from './inbox/webchat-channels.ts';
import type { PrincipalResolver } from './identity/principal-resolver.ts';
import type { RateLimiter } from './rate-limit/rate-limiter.ts';
import { realtimePlugin } from './realtime/realtime.plugin.ts';
import { TelegramBotApi } from './telegram/telegram-bot-api.ts';
import { TelegramChannels } from './telegram/telegram-channels.ts';
import { telegramWebhookRoutes } from './telegram/telegram-webhook.routes.ts';
import type { WidgetLimits } from './realtime/widget.namespace.ts';
import { widgetAssetsPlugin } from './widget/widget-assets.plugin.ts';

export interface HubOptions {
  logger: Logger;
  /** The connections the hub serves from; without them only health and docs routes work. */
  infrastructure?: { bus: Bus; orm: Orm; chromaUrl: string };
  /** Overrides the readiness probes derived from `infrastructure` (tests use this). */
  probes?: DependencyProbe[];
  /** Folder with the built console; omitted means no console is served. */
  dashboardDir?: string;
  /** Where people reach the hub: issuer of access tokens, origin of mailed links. */
  publicUrl?: string;
  /** Largest accepted request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /**
   * `SECRET_KEY`. With `infrastructure` and `mailer`, it turns identity on: sign-in, sessions,
   * team, tenant settings, API keys, audit and the super admin's routes.
   */
  secretKey?: string;
  /** Sends verification, invitation and password-reset mail; owned by the caller. */
  mailer?: Mailer;
  /**
   * Rate-limit counters (Redis when several hubs share them); owned by the hub from now on.
   * Defaults to memory when identity is on; without either, no limits are applied.
   */
  rateLimitStore?: RateLimitStore;
  /** Limit on every `/api/` request per client address (default `rateLimits.apiPerIp`). */
  apiPerIpLimit?: RateLimitRule;
  /** Limit on every `/api/` request of one tenant's members and keys (default `rateLimits.apiPerTenant`). */
  apiPerTenantLimit?: RateLimitRule;
  /** Mark session cookies `Secure` (default: when `publicUrl` is https). */
  cookieSecure?: boolean;
  /** Lifetime of access tokens in seconds (default 900). */
  accessTokenTtlSeconds?: number;
  /**
   * Which proxies may name the client in `X-Forwarded-For` (Fastify's `trustProxy`: a hop count
   * or their addresses; `TRUST_PROXY`). Default false: a hub reached directly must not believe
   * what a client claims, or per-address limits and the audit log's IPs could be chosen by it.
   */
  trustProxy?: boolean | number | string | string[];
  /** The built widget script served at `/widget.js`; omitted means none is served. */
  widgetFile?: string;
  /** The demo workspace whose widget `/demo/store` embeds. */
  demoTenantId?: string;
  /** Overrides the widget's limits per visitor and address (tests use this). */
  widgetLimits?: Partial<WidgetLimits>;
  /** The provider of workspaces on the platform's AI, e.g. `openai:gpt-4o-mini`; absent: offline. */
  platformAiProvider?: string;
  /** `AI_MONTHLY_TOKEN_BUDGET`, for workspaces without their own budget (default 2,000,000). */
  aiMonthlyTokenBudget?: number;
  /** The Telegram Bot API (`TELEGRAM_API_ROOT`, default `https://api.telegram.org`). */
  telegramApiRoot?: string;
  /**
   * `MEDIA_MAX_BYTES`: the largest customer file kept and the largest an agent uploads (default
   * 16 MiB); widget visitors send at most `WIDGET_FILE_MAX_BYTES` (10 MiB) or this, the lower.
   */
  mediaMaxBytes?: number;
  /**
   * `PUBLIC_URL` when it was set: where Telegram posts webhook-mode channels' updates. Without
   * it, adding a webhook channel registers no webhook (Telegram could not reach the hub).
   */
  webhookBaseUrl?: string;
  /** The knowledge base's URL imports (its indexing worker runs in the runner role). */
  knowledge?: {
    /** URL imports may reach loopback and private addresses (`KNOWLEDGE_URL_ALLOW_PRIVATE`; tests). Default false. */
    allowPrivateUrls?: boolean;
    /** How long a URL import may take, redirects included (ms, default 15 000). */
    urlTimeoutMs?: number;
  };
}

/** Builds the hub's Fastify app without listening; tests call this and use `app.inject()`. */
export async function build(options: HubOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger,
    genReqId: traceIdOf,
    logController: new LogController({
      requestIdLogLabel: 'traceId',
      // Load balancers poll these every few seconds; their lines would drown the useful ones.
      disableRequestLogging: (request) => request.url === '/health' || request.url === '/ready',
    }),
    bodyLimit: options.bodyLimit ?? 1_048_576,
    // A hop count is trusted as "the nearest n proxies" (what Fastify does with a number, which its types omit).
    trustProxy: trustedProxies(options.trustProxy ?? false),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(schemaValidator);
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-trace-id', request.id);
  });

  await app.register(errorHandlerPlugin);
  await app.register(textInputPlugin);
  const { infrastructure, secretKey, mailer } = options;
  const identityOn = infrastructure !== undefined && secretKey !== undefined;
  if (identityOn && mailer === undefined) throw new TypeError('build() needs a mailer when identity is on (infrastructure and secretKey given)');
  const rateLimitStore = options.rateLimitStore ?? (identityOn ? createMemoryRateLimitStore() : undefined);
  if (rateLimitStore !== undefined) {
    await app.register(rateLimitPlugin, { store: rateLimitStore, ...(options.apiPerIpLimit === undefined ? {} : { perIp: options.apiPerIpLimit }) });
  }

  const publicUrl = (options.publicUrl ?? 'http://localhost:3000').replace(/\/+$/, '');
  const cookieSecure = options.cookieSecure ?? publicUrl.startsWith('https:');
  const services = identityOn && mailer !== undefined
    ? createIdentityServices({
      orm: infrastructure.orm,
      secretKey,
      publicUrl,
      mailer,
      rateLimiter: app.rateLimiter,
      logger: options.logger.child({ component: 'identity' }),
      ...(options.accessTokenTtlSeconds === undefined ? {} : { accessTokenTtlSeconds: options.accessTokenTtlSeconds }),
    })
    : undefined;
  // Order matters: who is asking (auth), whether a cookie request is genuine (csrf), then
  // whether they may (access), all before any route is registered.
  if (services !== undefined) {
    await app.register(authPlugin, {
      resolver: services.resolver,
      limitTenant: (tenantId: string) => services.rateLimiter.consume(`api:tenant:${tenantId}`, options.apiPerTenantLimit ?? rateLimits.apiPerTenant),
    });
    await app.register(csrfPlugin);
  }
  await app.register(accessPlugin);

  await app.register(openApiPlugin, { publicUrl: options.publicUrl });
  if (infrastructure) await app.register(infrastructurePlugin, infrastructure);

  const probes = options.probes ?? (infrastructure
    ? [natsProbe(infrastructure.bus), databaseProbe(infrastructure.orm), chromaProbe(infrastructure.chromaUrl)]
    : []);
  await app.register(healthRoutes, { probes });
  if (services !== undefined) await app.register(identityPlugin, { services, cookieSecure });
  if (services !== undefined && infrastructure !== undefined && secretKey !== undefined) {
    await registerLiveInbox(app as unknown as FastifyInstance, { ...options, infrastructure, secretKey, resolver: services.resolver, rateLimiter: services.rateLimiter });
  }
  if (options.dashboardDir !== undefined) await app.register(dashboardPlugin, { root: options.dashboardDir });

  return app as unknown as FastifyInstance;
}

/**
 * The live inbox: conversations over REST, canned responses, the knowledge base, channels and conversation
 * settings, the `/console` and `/widget` sockets, and the widget's script and demo page.
 */
async function registerLiveInbox(
  app: FastifyInstance,
  options: HubOptions & { infrastructure: NonNullable<HubOptions['infrastructure']>; secretKey: string; resolver: PrincipalResolver; rateLimiter: RateLimiter },
): Promise<void> {
  const { bus, orm } = options.infrastructure;
  const inbox = new InboxService(bus, orm);
  const keys = deriveKeys(options.secretKey);
  const channels = new WebchatChannels(orm, keys);
  const secretBox = createSecretBox(keys.encryptionKey);
  const telegram = new TelegramChannels({
    orm,
    keys,
    secretBox,
    api: new TelegramBotApi(options.telegramApiRoot ?? 'https://api.telegram.org'),
    webhookBaseUrl: options.webhookBaseUrl?.replace(/\/+$/, ''),
  });
  const mediaMaxBytes = options.mediaMaxBytes ?? 16 * 1024 * 1024;
  const widgetFileLinks = new WidgetFileLinks(keys);
  await app.register(inboxRoutes, { inbox });
  await app.register(attachmentRoutes, {
    orm, secretBox, telegramApiRoot: options.telegramApiRoot ?? 'https://api.telegram.org', maxBytes: mediaMaxBytes,
  });
  await app.register(widgetFileRoutes, { orm, links: widgetFileLinks });
  await app.register(cannedResponseRoutes, { orm });
  await app.register(actionRoutes, { orm, bus });
  await app.register(botSettingsRoutes, {
    orm,
    bus,
    secrets: secretBox,
    platformProvider: options.platformAiProvider,
    defaultMonthlyTokens: options.aiMonthlyTokenBudget ?? 2_000_000,
  });
  await app.register(channelRoutes, { orm, webchat: channels, telegram, bus });
  await app.register(whatsAppChannelRoutes, { orm, bus });
  await app.register(telegramWebhookRoutes, { bus, telegram });
  const store = new KnowledgeStore({ url: options.infrastructure.chromaUrl, embedder: new LocalEmbedder() });
  const knowledge = options.knowledge ?? {};
  // The hub only queues documents; the runner's worker indexes them.
  const ingestion = new KnowledgeIngestion({ bus, orm, store, logger: options.logger });
  await app.register(knowledgeRoutes, {
    orm, store, ingestion,
    url: { allowPrivate: knowledge.allowPrivateUrls ?? false, timeoutMs: knowledge.urlTimeoutMs ?? 15_000 },
  });
  await app.register(realtimePlugin, {
    bus,
    orm,
    logger: options.logger,
    resolver: options.resolver,
    inbox,
    channels,
    rateLimiter: options.rateLimiter,
    trustProxy: trustedProxies(options.trustProxy ?? false),
    ...(options.widgetLimits ? { widgetLimits: options.widgetLimits } : {}),
    widgetUploads: new WidgetUploads({ orm, maxBytes: Math.min(mediaMaxBytes, WIDGET_FILE_MAX_BYTES) }),
    widgetFileLinks,
  });
  if (options.widgetFile !== undefined) {
    const { demoTenantId } = options;
    await app.register(widgetAssetsPlugin, {
      widgetFile: options.widgetFile,
      demoKey: async () => demoTenantId === undefined ? undefined : withTenant(orm.em, demoTenantId, async (em) =>
        (await em.execute<Array<{ public_key: string }>>(`select public_key from channels where type = 'webchat' order by created_at limit 1`))[0]?.public_key),
    });
  }
}
