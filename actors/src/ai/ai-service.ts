import type { Bus, ConsumerHandle } from '@switchboard/bus';
import type { Orm } from '@switchboard/db';
import { KnowledgeStore, LocalEmbedder } from '@switchboard/knowledge';
import { aiSoftLimitMail, type Mailer } from '@switchboard/mail';
import { createSecretBox, deriveKeys } from '@switchboard/security';
import type { Logger } from 'pino';
import type { TenantBotSettings } from '../conversation/tenant-settings.ts';
import { startAiActor } from './ai.actor.ts';
import type { LlmProvider } from './providers/llm-provider.ts';
import { tenantProviders } from './providers/tenant-providers.ts';
import { TokenBudget } from './quota/token-budget.ts';

export interface AiServiceOptions {
  bus: Bus;
  orm: Orm;
  chromaUrl: string;
  /** `SECRET_KEY`: opens workspaces' sealed provider keys. */
  secretKey: string;
  settingsFor: (tenantId: string) => Promise<TenantBotSettings>;
  /** The platform's provider (`OPENAI_BASE_URL`), for workspaces on `platform`. */
  platform?: LlmProvider | undefined;
  timeoutMs: number;
  /** `AI_MONTHLY_TOKEN_BUDGET`. */
  monthlyTokens: number;
  /** Sends the soft-limit notice to owners. */
  mailer: Mailer;
  logger: Logger;
}

/**
 * The AI actor as the runner hosts it: each workspace's provider from its settings, its
 * knowledge base in Chroma, and its token budget and usage log in PostgreSQL, with the owners
 * mailed once a month past the soft limit.
 */
export function startAiService(options: AiServiceOptions): ConsumerHandle {
  const { settingsFor, mailer } = options;
  const providerOf = tenantProviders({ platform: options.platform, secrets: createSecretBox(deriveKeys(options.secretKey).encryptionKey), timeoutMs: options.timeoutMs });
  const budget = new TokenBudget({
    orm: options.orm,
    defaultMonthlyTokens: options.monthlyTokens,
    onSoftLimit: async (notice) => {
      for (const to of notice.ownerEmails) await mailer.send(aiSoftLimitMail({ to, ...notice }));
    },
    logger: options.logger.child({ component: 'ai-budget' }),
  });
  return startAiActor(options.bus, async (tenantId) => (await settingsFor(tenantId)).responder, {
    providerFor: async (tenantId) => providerOf(tenantId, (await settingsFor(tenantId)).ai),
    timeoutMs: options.timeoutMs,
    knowledge: new KnowledgeStore({ url: options.chromaUrl, embedder: new LocalEmbedder() }),
    budget,
    logger: options.logger,
  });
}
