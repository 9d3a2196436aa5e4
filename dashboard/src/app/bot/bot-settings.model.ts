import type { AiProviderKind, BotAiSettingsUpdate, BotAiSettingsView, ConversationSettingsView, ProposedAction } from '@switchboard/contracts';

/** The actions the bot may propose, in the order the contracts list them (`actionKinds`). */
export const actionKindList = ['crm_note', 'task', 'booking_request', 'order', 'email_draft'] as const satisfies readonly ProposedAction['kind'][];
export type ActionKind = (typeof actionKindList)[number];

/** How the console names each action the bot may propose. */
export const actionLabels: Readonly<Record<ActionKind, string>> = {
  crm_note: 'CRM note',
  task: 'Task for the team',
  booking_request: 'Booking request',
  order: 'Order',
  email_draft: 'Email draft',
};

export const providerLabels: Readonly<Record<AiProviderKind, string>> = {
  platform: "Switchboard's provider",
  offline: 'Offline responder (no model)',
  'openai-compatible': 'Your own OpenAI-compatible server',
};

/** One FAQ entry as the form edits it. */
export interface FaqEntry {
  question: string;
  answer: string;
}

/**
 * The bot page's form: the AI settings and the conversation settings side by side, with lists
 * people edit as text (one keyword or phrase per line) and the write-only key as an empty field.
 */
export interface BotSettingsModel {
  provider: AiProviderKind;
  baseUrl: string;
  model: string;
  /** A new key to store; empty keeps the stored one. Never filled from the server. */
  apiKey: string;
  removeApiKey: boolean;
  temperature: number;
  personaName: string;
  instructions: string;
  language: string;
  allowedActions: Record<ActionKind, boolean>;
  /** One per line. */
  handoffKeywords: string;
  agentInactivityMinutes: number;
  handoffMessage: string;
  fallbackMessage: string;
  greeting: string;
  faq: FaqEntry[];
  /** One per line. */
  blockedPatterns: string;
  outOfHoursMessage: string;
  /** IANA time zone of the opening hours; empty with no hours. */
  timezone: string;
  /** One period per line, `Mon 09:00-18:00`; empty: people answer at any hour. */
  openingHours: string;
}

const dayNames = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const periodLine = /^(sun|mon|tue|wed|thu|fri|sat)[a-z]*\s+([01]\d|2[0-3]):([0-5]\d)\s*[-–]\s*(([01]\d|2[0-3]):[0-5]\d|24:00)$/i;

/** `Mon 09:00-18:00` lines from stored periods, in week order. */
export function formatOpeningHours(hours: ConversationSettingsView['businessHours']): string {
  return (hours?.periods ?? []).map((period) => `${dayNames[period.day] ?? '?'} ${period.from}-${period.to}`).join('\n');
}

/** Stored periods from `Mon 09:00-18:00` lines; undefined when a line is not one. */
export function parseOpeningHours(text: string): NonNullable<ConversationSettingsView['businessHours']>['periods'] | undefined {
  const periods = [];
  for (const line of linesOf(text)) {
    const match = periodLine.exec(line);
    if (match === null) return undefined;
    const day = dayNames.findIndex((name) => name.toLowerCase() === (match[1] ?? '').toLowerCase());
    periods.push({ day, from: `${match[2]}:${match[3]}`, to: match[4] ?? '' });
  }
  return periods;
}

/** Why the opening hours would be refused, in words; undefined when they are fine. */
export function openingHoursProblem(text: string): string | undefined {
  const periods = parseOpeningHours(text);
  if (periods === undefined) return 'Write one period per line, like "Mon 09:00-18:00".';
  if (periods.length > 50) return 'Use at most 50 periods.';
  const backwards = periods.find((period) => period.to <= period.from);
  if (backwards !== undefined) return `${dayNames[backwards.day]} ${backwards.from}-${backwards.to} ends before it starts.`;
  return undefined;
}

/** Splits a one-per-line text into its trimmed, non-empty, distinct lines. */
export function linesOf(text: string): string[] {
  return [...new Set(text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== ''))];
}

/**
 * Why a one-per-line list would be refused (each line `min`…`max` characters, at most `count`
 * lines), in words for the person editing it; undefined when it is fine.
 */
export function lineListProblem(text: string, limits: { min: number; max: number; count: number }): string | undefined {
  const lines = linesOf(text);
  if (lines.length > limits.count) return `Use at most ${limits.count} lines.`;
  const short = lines.find((line) => line.length < limits.min);
  if (short !== undefined) return `"${short}" is too short: use at least ${limits.min} characters per line.`;
  const long = lines.find((line) => line.length > limits.max);
  if (long !== undefined) return `"${long.slice(0, 20)}…" is too long: use at most ${limits.max} characters per line.`;
  return undefined;
}

/** The form's starting value from what the hub returned. */
export function toSettingsModel(ai: BotAiSettingsView, conversation: ConversationSettingsView): BotSettingsModel {
  const allowed = new Set<string>(ai.allowedActions);
  return {
    provider: ai.provider,
    baseUrl: ai.baseUrl ?? '',
    model: ai.model ?? '',
    apiKey: '',
    removeApiKey: false,
    temperature: ai.temperature,
    personaName: ai.personaName,
    instructions: ai.instructions,
    language: ai.language,
    allowedActions: Object.fromEntries(actionKindList.map((kind) => [kind, allowed.has(kind)])) as Record<ActionKind, boolean>,
    handoffKeywords: conversation.handoffKeywords.join('\n'),
    agentInactivityMinutes: conversation.agentInactivityMinutes,
    handoffMessage: conversation.handoffMessage,
    fallbackMessage: conversation.fallbackMessage,
    greeting: conversation.greeting,
    faq: conversation.faq.map((entry) => ({ ...entry })),
    blockedPatterns: conversation.blockedPatterns.join('\n'),
    outOfHoursMessage: conversation.outOfHoursMessage,
    timezone: conversation.businessHours?.timezone ?? '',
    openingHours: formatOpeningHours(conversation.businessHours),
  };
}

/**
 * `PUT /api/v1/bot/ai-settings` from the form. The base URL and model are sent only for the
 * workspace's own server (the others ignore them); a typed key replaces the stored one, and
 * `removeApiKey` is sent only when no new key was typed.
 */
export function toAiSettingsUpdate(model: BotSettingsModel): BotAiSettingsUpdate {
  const own = model.provider === 'openai-compatible';
  const apiKey = model.apiKey.trim();
  const baseUrl = model.baseUrl.trim();
  const modelName = model.model.trim();
  return {
    provider: model.provider,
    ...(own && baseUrl !== '' ? { baseUrl } : {}),
    ...(own && modelName !== '' ? { model: modelName } : {}),
    ...(apiKey !== '' ? { apiKey } : model.removeApiKey ? { removeApiKey: true } : {}),
    temperature: model.temperature,
    personaName: model.personaName.trim(),
    instructions: model.instructions.trim(),
    language: model.language.trim(),
    allowedActions: actionKindList.filter((kind) => model.allowedActions[kind]),
  };
}

/** `PUT /api/v1/conversation-settings` from the form; empty FAQ rows are dropped. */
export function toConversationSettings(model: BotSettingsModel): ConversationSettingsView {
  return {
    handoffKeywords: linesOf(model.handoffKeywords),
    agentInactivityMinutes: model.agentInactivityMinutes,
    handoffMessage: model.handoffMessage.trim(),
    fallbackMessage: model.fallbackMessage.trim(),
    greeting: model.greeting.trim(),
    faq: model.faq
      .map((entry) => ({ question: entry.question.trim(), answer: entry.answer.trim() }))
      .filter((entry) => entry.question !== '' || entry.answer !== ''),
    blockedPatterns: linesOf(model.blockedPatterns),
    outOfHoursMessage: model.outOfHoursMessage.trim(),
    ...(linesOf(model.openingHours).length > 0 && model.timezone.trim() !== ''
      ? { businessHours: { timezone: model.timezone.trim(), periods: parseOpeningHours(model.openingHours) ?? [] } }
      : {}),
  };
}

/**
 * Which form field a refused path names. The AI settings answer `/baseUrl` or `body/baseUrl`;
 * the conversation settings `/faq/2/answer`, which points at that FAQ row's field.
 */
export function fieldKeyOf(path: string): string {
  const parts = path.replace(/^(body|querystring|params)?\//, '').split('/').filter((part) => part !== '');
  if (parts[0] === 'allowedActions') return 'allowedActions';
  if (parts[0] === 'faq' && parts.length >= 3) return `faq/${parts[1]}/${parts[2]}`;
  return parts[0] ?? '';
}
