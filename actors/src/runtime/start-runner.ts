import type { AppConfig } from '@switchboard/config';
import { join, resolve } from 'node:path';
import { KnowledgeIngestion, KnowledgeStore, LocalEmbedder } from '@switchboard/knowledge';
import { createMailer } from '@switchboard/mail';
import type { Infrastructure, Logger, RunningRole } from '@switchboard/runtime';
import { startAiService } from '../ai/ai-service.ts';
import { OpenAiProvider } from '../ai/providers/openai.provider.ts';
import { mediaStore } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import { startDeliveryPipeline } from '../conversation/delivery-pipeline.ts';
import { startInboundPipeline } from '../conversation/inbound-pipeline.ts';
import { tenantSettingsSource } from '../conversation/tenant-settings.ts';

/**
 * The runner role: hosts the actors and consumes their work: the AI actor (the offline first
 * responder on `sb.req.ai.*`), the conversation actors fed from `SB_INBOUND` and agents'
 * commands, and the knowledge worker indexing the documents on `SB_KNOWLEDGE`. Each tenant's bot settings (`tenants.conversation_settings`) override the defaults.
 */
export async function startRunner(config: AppConfig, logger: Logger, infrastructure: Infrastructure): Promise<RunningRole> {
  const log = logger.child({ component: 'runner' });
  const settingsFor = tenantSettingsSource(infrastructure.orm);
  const provider = config.openaiBaseUrl === undefined
    ? undefined
    : new OpenAiProvider({ baseURL: config.openaiBaseUrl, apiKey: config.openaiApiKey ?? 'none', model: config.openaiModel, timeoutMs: config.aiTimeoutMs, maxRetries: 1 });
  const mailer = createMailer({
    ...(config.smtpUrl === undefined ? {} : { smtpUrl: config.smtpUrl }),
    from: config.mailFrom,
    outboxDir: join(resolve(config.dataDir), 'mail'),
    logger: log.child({ component: 'mail' }),
  });
  const ai = startAiService({
    bus: infrastructure.bus,
    orm: infrastructure.orm,
    chromaUrl: infrastructure.chromaUrl,
    secretKey: requireSecretKey(config.secretKey),
    settingsFor,
    platform: provider,
    timeoutMs: config.aiTimeoutMs,
    monthlyTokens: config.aiMonthlyTokenBudget,
    mailer,
    logger: log.child({ component: 'ai' }),
  });
  const conversations = await startInboundPipeline({ bus: infrastructure.bus, orm: infrastructure.orm, logger, settingsFor });
  const deliveries = await startDeliveryPipeline(infrastructure.bus, infrastructure.orm);
  // Knowledge-base documents the hub queued: chunked, embedded (CPU work, kept off the hub) and stored in Chroma.
  const knowledge = new KnowledgeIngestion({
    bus: infrastructure.bus, orm: infrastructure.orm, logger,
    store: new KnowledgeStore({ url: infrastructure.chromaUrl, embedder: new LocalEmbedder() }),
  });
  await knowledge.start();
  // Files attached and never sent are removed a day later.
  const uploadSweep = setInterval(() => {
    void mediaStore.sweepUnsentUploads(infrastructure.orm).then(
      (removed) => (removed > 0 ? log.info({ removed }, 'removed uploads no message named') : undefined),
      (error: unknown) => log.warn({ err: error }, 'upload sweep failed'),
    );
  }, 3_600_000);
  uploadSweep.unref();
  log.info({ ai: provider?.id ?? 'offline' }, 'runner started: conversation actors on SB_INBOUND, AI actor on sb.req.ai.*, knowledge worker on SB_KNOWLEDGE');
  return {
    role: 'runner',
    stop: async () => {
      clearInterval(uploadSweep);
      await knowledge.stop();
      await deliveries.stop();
      await conversations.stop();
      await ai.stop();
      await mailer.close();
      log.info('runner stopped');
    },
  };
}

/** The runner opens workspaces' sealed provider keys, so it needs the same SECRET_KEY as the hub. */
function requireSecretKey(secretKey: string | undefined): string {
  if (secretKey !== undefined) return secretKey;
  throw new AppError('SB_ERR_CONFIG_INVALID', {
    message: 'The environment is not valid:\n  SECRET_KEY: is required to run the runner (npm start generates one)',
    issues: [{ path: 'SECRET_KEY', message: 'is required' }],
  });
}
