import Type, { type Static } from 'typebox';
import { actionKinds, AiAnswer, ConversationTurn } from './ai.ts';
import { MESSAGE_TEXT_MAX } from './primitives.ts';
import { checkSchema } from './schema-check.ts';

// ── the bot's AI settings (REST under /api/v1/bot) ────────────────────────────────────────────

/**
 * Who answers for the workspace: `platform` is the server's own provider (`OPENAI_BASE_URL`, or
 * the offline responder when none is set); `offline` never calls a model; `openai-compatible`
 * is the workspace's own server (OpenAI, Mistral, Ollama, vLLM, …) with its own key.
 */
export const aiProviderKinds = ['platform', 'offline', 'openai-compatible'] as const;
export const AiProviderKind = Type.Enum(aiProviderKinds);
export type AiProviderKind = Static<typeof AiProviderKind>;

const ActionKind = Type.Enum(actionKinds);

/** What an admin sets; `apiKey` is write-only: absent keeps the stored key, `removeApiKey` drops it. */
export const BotAiSettingsUpdate = Type.Object(
  {
    provider: AiProviderKind,
    baseUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 500 })),
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    apiKey: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    removeApiKey: Type.Optional(Type.Boolean()),
    temperature: Type.Number({ minimum: 0, maximum: 2 }),
    personaName: Type.String({ minLength: 1, maxLength: 60 }),
    /** The business's own instructions for the bot, added after the platform's rules. */
    instructions: Type.String({ maxLength: 4000 }),
    /** The language the bot answers in when the customer's is unclear, e.g. `en`, `fr`, `ar`. */
    language: Type.String({ minLength: 2, maxLength: 35 }),
    /** The actions the bot may propose to an agent; others are dropped. */
    allowedActions: Type.Array(ActionKind, { maxItems: actionKinds.length, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type BotAiSettingsUpdate = Static<typeof BotAiSettingsUpdate>;

/** What the console shows: the settings, whether a key is stored (never the key), and who answers now. */
export const BotAiSettingsView = Type.Object(
  {
    ...Type.Omit(BotAiSettingsUpdate, ['apiKey', 'removeApiKey']).properties,
    apiKeySet: Type.Boolean(),
    /** The provider the bot runs on right now, e.g. `openai:gpt-4o-mini` or `offline`. */
    activeProvider: Type.String(),
  },
  { additionalProperties: false },
);
export type BotAiSettingsView = Static<typeof BotAiSettingsView>;

/** The AI settings as stored: everything but the key, which lives sealed in its own column. */
export type StoredBotAiSettings = Omit<BotAiSettingsUpdate, 'apiKey' | 'removeApiKey'>;

export const defaultBotAiSettings: StoredBotAiSettings = {
  provider: 'platform',
  temperature: 0.3,
  personaName: 'Assistant',
  instructions: '',
  language: 'en',
  allowedActions: ['crm_note', 'task', 'booking_request', 'order', 'email_draft'],
};

const storedProperties = Type.Omit(BotAiSettingsUpdate, ['apiKey', 'removeApiKey']).properties as Record<string, Parameters<typeof checkSchema>[0]>;

/**
 * A workspace's stored AI settings (`tenants.ai_settings`) over the defaults, field by field: a
 * field that no longer validates (the schema moved on) takes its default. The hub shows them and
 * the runner answers with them, so both read them through this.
 */
export function mergeBotAiSettings(stored: unknown): StoredBotAiSettings {
  const merged: Record<string, unknown> = { ...defaultBotAiSettings };
  if (typeof stored === 'object' && stored !== null) {
    for (const [key, value] of Object.entries(stored)) {
      const schema = storedProperties[key];
      if (schema !== undefined && checkSchema(schema, value).ok) merged[key] = value;
    }
  }
  return merged as StoredBotAiSettings;
}

/** `POST /api/v1/bot/preview`: a message to the bot as it is configured now, stored nowhere. */
export const BotPreviewRequest = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: MESSAGE_TEXT_MAX }),
    history: Type.Optional(Type.Array(ConversationTurn, { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type BotPreviewRequest = Static<typeof BotPreviewRequest>;
export const BotPreviewResult = AiAnswer;

// ── usage ─────────────────────────────────────────────────────────────────────────────────────

export const AiUsageQuery = Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })) }, { additionalProperties: false });

/** `GET /api/v1/bot/usage`: this month against the budget, and calls per day and model. */
export const AiUsageReport = Type.Object(
  {
    month: Type.Object(
      {
        month: Type.String(),
        used: Type.Integer({ minimum: 0 }),
        reserved: Type.Integer({ minimum: 0 }),
        budget: Type.Integer({ minimum: 0 }),
        softLimitNotified: Type.Boolean(),
      },
      { additionalProperties: false },
    ),
    days: Type.Array(
      Type.Object(
        {
          day: Type.String({ format: 'date' }),
          model: Type.String(),
          calls: Type.Integer({ minimum: 0 }),
          failed: Type.Integer({ minimum: 0 }),
          tokensIn: Type.Integer({ minimum: 0 }),
          tokensOut: Type.Integer({ minimum: 0 }),
          costUsd: Type.Number({ minimum: 0 }),
          p50LatencyMs: Type.Number({ minimum: 0 }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type AiUsageReport = Static<typeof AiUsageReport>;
