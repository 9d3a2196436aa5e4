import type { SecretBox } from '@switchboard/security';
import type { TenantAiSettings } from '../../conversation/tenant-settings.ts';
import type { LlmProvider } from './llm-provider.ts';
import { OpenAiProvider } from './openai.provider.ts';

export interface TenantProvidersOptions {
  /** The server's own provider (`OPENAI_BASE_URL`), for workspaces on `platform`; absent: offline. */
  platform?: LlmProvider | undefined;
  /** Opens a workspace's sealed API key. */
  secrets: SecretBox;
  timeoutMs: number;
  /** Builds a workspace's own provider; the openai SDK by default. */
  create?: (options: { baseURL: string; apiKey: string; model: string; timeoutMs: number }) => LlmProvider;
}

/**
 * The provider each workspace's bot runs on, from its AI settings: the platform's, none
 * (offline), or its own OpenAI-compatible server with its own key. A workspace's provider is
 * built once and reused until its settings change (one SDK client, one connection pool).
 */
export function tenantProviders(options: TenantProvidersOptions): (tenantId: string, settings: TenantAiSettings) => LlmProvider | undefined {
  const create = options.create ?? ((config) => new OpenAiProvider({ ...config, maxRetries: 1 }));
  const built = new Map<string, { key: string; provider: LlmProvider }>();
  return (tenantId, settings) => {
    if (settings.provider === 'offline') return undefined;
    if (settings.provider === 'platform' || settings.baseUrl === undefined) return options.platform;
    const model = settings.model ?? 'gpt-4o-mini';
    const key = `${settings.baseUrl}\n${model}\n${settings.apiKeySealed ?? ''}`;
    const cached = built.get(tenantId);
    if (cached?.key === key) return cached.provider;
    // Local servers (Ollama, vLLM) take any key; the SDK insists on one.
    const apiKey = settings.apiKeySealed === null ? 'none' : options.secrets.open(settings.apiKeySealed);
    const provider = create({ baseURL: settings.baseUrl, apiKey, model, timeoutMs: options.timeoutMs });
    built.set(tenantId, { key, provider });
    return provider;
  };
}

/** How the console names a workspace's provider: `openai:<model>`, or `offline`. */
export const providerLabel = (provider: LlmProvider | undefined) => provider?.id ?? 'offline';
