export { startRunner } from './runtime/start-runner.ts';
export { main } from './main.ts';
export {
  conversationMachine,
  type AskAiInput,
  type ConversationContext,
  type ConversationEmitted,
  type ConversationEvent,
  type ConversationInput,
  type ConversationSettings,
} from './conversation/conversation.machine.ts';
export { detectHandoffRequest, type HandoffMatch } from './conversation/handoff-detector.ts';
export { respondOffline, type FaqEntry, type ResponderSettings } from './ai/first-responder.ts';
export { startAiActor, systemPromptFor, type AiActorOptions, type ResponderSettingsSource } from './ai/ai.actor.ts';
export { OpenAiProvider, type OpenAiProviderOptions } from './ai/providers/openai.provider.ts';
export type { LlmProvider } from './ai/providers/llm-provider.ts';
export { defaultResponderSettings } from './ai/default-bot-settings.ts';
export { defaultConversationSettings } from './ai/default-bot-settings.ts';
export { startInboundPipeline, type InboundPipeline, type InboundPipelineOptions } from './conversation/inbound-pipeline.ts';
export { startDeliveryPipeline } from './conversation/delivery-pipeline.ts';
export { ConversationRuntime, type ConversationRuntimeOptions } from './conversation/conversation-runtime.ts';
export { mergeAiSettings, mergeTenantSettings, tenantSettingsSource, type TenantAiSettings, type TenantBotSettings } from './conversation/tenant-settings.ts';
export { TokenBudget, type CallRecord, type Reservation, type SoftLimitNotice, type TokenBudgetOptions } from './ai/quota/token-budget.ts';
export { ConversationRateLimit } from './ai/quota/conversation-rate-limit.ts';
export { costUsd, defaultPrices, type ModelPrice } from './ai/quota/price-table.ts';
export { guardReply, withheldReply, type GuardContext } from './ai/guardrails.ts';
export { startAiService, type AiServiceOptions } from './ai/ai-service.ts';
export { tenantProviders, type TenantProvidersOptions } from './ai/providers/tenant-providers.ts';
