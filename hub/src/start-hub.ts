import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '@switchboard/config';
import { AppError } from '@switchboard/errors';
import { createMailer } from '@switchboard/mail';
import type { Infrastructure, Logger, RunningRole } from '@switchboard/runtime';
import { build } from './app.ts';
import { createMemoryRateLimitStore } from './rate-limit/memory-rate-limit.store.ts';
import type { RateLimitStore } from './rate-limit/rate-limit-store.ts';
import { createRedisRateLimitStore } from './rate-limit/redis-rate-limit.store.ts';

export interface RunningHub extends RunningRole {
  app: FastifyInstance;
  /** The address it listens on, e.g. `http://127.0.0.1:3000`. */
  address: string;
  stop(): Promise<void>;
}

/**
 * Builds the hub on the given connections and listens on `config.host:config.port`. Mail goes
 * over `SMTP_URL`, or to `DATA_DIR/mail` with its links logged; rate-limit counters live in
 * Redis when `REDIS_URL` is set (shared by every hub), in memory otherwise.
 */
export async function startHub(config: AppConfig, logger: Logger, infrastructure: Infrastructure, extras: { demoTenantId?: string } = {}): Promise<RunningHub> {
  const hubLogger = logger.child({ component: 'hub' });
  if (config.secretKey === undefined) {
    throw new AppError('SB_ERR_CONFIG_INVALID', {
      message: 'The environment is not valid:\n  SECRET_KEY: is required to run the hub (npm start generates one)',
      issues: [{ path: 'SECRET_KEY', message: 'is required' }],
    });
  }
  const mailer = createMailer({
    ...(config.smtpUrl === undefined ? {} : { smtpUrl: config.smtpUrl }),
    from: config.mailFrom,
    outboxDir: join(resolve(config.dataDir), 'mail'),
    logger: hubLogger.child({ component: 'mail' }),
  });
  let rateLimitStore: RateLimitStore | undefined;
  let app: FastifyInstance | undefined;
  try {
    rateLimitStore = config.redisUrl === undefined
      ? createMemoryRateLimitStore()
      : await createRedisRateLimitStore(config.redisUrl, { logger: hubLogger.child({ component: 'rate-limit' }) });
    app = await build({
      logger: hubLogger,
      infrastructure,
      dashboardDir: config.dashboardDir,
      publicUrl: config.publicUrl,
      secretKey: config.secretKey,
      mailer,
      rateLimitStore,
      cookieSecure: config.cookieSecure,
      trustProxy: config.trustProxy,
      widgetFile: resolve(config.widgetFile),
      aiMonthlyTokenBudget: config.aiMonthlyTokenBudget,
      ...(config.openaiBaseUrl === undefined ? {} : { platformAiProvider: `openai:${config.openaiModel}` }),
      telegramApiRoot: config.telegramApiRoot,
      mediaMaxBytes: config.mediaMaxBytes,
      ...(config.webhookBaseUrl === undefined ? {} : { webhookBaseUrl: config.webhookBaseUrl }),
      knowledge: { allowPrivateUrls: config.knowledgeUrlAllowPrivate },
      ...extras,
    });
    const address = await app.listen({ port: config.port, host: config.host });
    const running = app;
    return {
      role: 'hub',
      app: running,
      address,
      stop: async () => {
        await running.close();
        await mailer.close();
      },
    };
  } catch (error) {
    // The app owns the store once built; before that, it is ours to close.
    if (app !== undefined) await app.close();
    else await rateLimitStore?.close();
    await mailer.close();
    throw error;
  }
}
