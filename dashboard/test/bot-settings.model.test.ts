import type { BotAiSettingsView, ConversationSettingsView } from '@switchboard/contracts';
import { describe, expect, it } from 'vitest';
import { fieldKeyOf, lineListProblem, linesOf, openingHoursProblem, parseOpeningHours, toAiSettingsUpdate, toConversationSettings, toSettingsModel } from '../src/app/bot/bot-settings.model.ts';

const ai: BotAiSettingsView = {
  provider: 'openai-compatible',
  baseUrl: 'http://127.0.0.1:11434/v1',
  model: 'llama3',
  temperature: 0.4,
  personaName: 'Mia',
  instructions: 'Be brief.',
  language: 'en',
  allowedActions: ['task', 'order'],
  apiKeySet: true,
  activeProvider: 'openai:llama3',
};

const conversation: ConversationSettingsView = {
  handoffKeywords: ['human', 'agent'],
  agentInactivityMinutes: 15,
  handoffMessage: 'Connecting you.',
  fallbackMessage: 'Sorry.',
  greeting: 'Hello!',
  faq: [{ question: 'Do you ship?', answer: 'Yes.' }],
  blockedPatterns: ['discount code'],
  outOfHoursMessage: 'We are closed.',
  businessHours: { timezone: 'Africa/Casablanca', periods: [{ day: 1, from: '09:00', to: '18:00' }, { day: 6, from: '10:00', to: '13:00' }] },
};

describe('the bot settings form', () => {
  it('starts from the stored settings with an empty key field and the allowed actions ticked', () => {
    const model = toSettingsModel(ai, conversation);
    expect(model.apiKey).toBe('');
    expect(model.removeApiKey).toBe(false);
    expect(model.allowedActions).toEqual({ crm_note: false, task: true, booking_request: false, order: true, email_draft: false });
    expect(model.handoffKeywords).toBe('human\nagent');
  });

  it('round-trips unchanged settings to the same requests, without a key', () => {
    const model = toSettingsModel(ai, conversation);
    const { apiKeySet: _set, activeProvider: _active, ...stored } = ai;
    expect(toAiSettingsUpdate(model)).toEqual(stored);
    expect(toConversationSettings(model)).toEqual(conversation);
  });

  it('sends a typed key instead of removing the stored one, and a removal only without a new key', () => {
    const model = { ...toSettingsModel(ai, conversation), removeApiKey: true };
    expect(toAiSettingsUpdate(model)).toMatchObject({ removeApiKey: true });
    expect(toAiSettingsUpdate(model)).not.toHaveProperty('apiKey');
    const replaced = toAiSettingsUpdate({ ...model, apiKey: '  sk-new  ' });
    expect(replaced).toMatchObject({ apiKey: 'sk-new' });
    expect(replaced).not.toHaveProperty('removeApiKey');
  });

  it('leaves the base URL and model out for providers that do not use them', () => {
    const update = toAiSettingsUpdate({ ...toSettingsModel(ai, conversation), provider: 'offline' });
    expect(update).not.toHaveProperty('baseUrl');
    expect(update).not.toHaveProperty('model');
  });

  it('reads one keyword per line, trimmed and without blanks or repeats, and drops empty FAQ rows', () => {
    expect(linesOf(' human \n\nagent\r\nhuman\n')).toEqual(['human', 'agent']);
    const model = { ...toSettingsModel(ai, conversation), faq: [{ question: ' Q? ', answer: ' A ' }, { question: '', answer: ' ' }] };
    expect(toConversationSettings(model).faq).toEqual([{ question: 'Q?', answer: 'A' }]);
  });

  it('points refused paths at form fields', () => {
    expect(fieldKeyOf('/baseUrl')).toBe('baseUrl');
    expect(fieldKeyOf('body/temperature')).toBe('temperature');
    expect(fieldKeyOf('/faq/2/answer')).toBe('faq/2/answer');
    expect(fieldKeyOf('/allowedActions/1')).toBe('allowedActions');
    expect(fieldKeyOf('/handoffKeywords/0')).toBe('handoffKeywords');
  });
});

describe('a one-per-line list', () => {
  it('is refused with the offending line when a line is too short or too long, or there are too many', () => {
    const limits = { min: 2, max: 5, count: 2 };
    expect(lineListProblem('ok\nfine', limits)).toBeUndefined();
    expect(lineListProblem('ok\nx', limits)).toContain('"x" is too short');
    expect(lineListProblem('toolong', limits)).toContain('too long');
    expect(lineListProblem('aa\nbb\ncc', limits)).toBe('Use at most 2 lines.');
  });

  it('edits opening hours as "Mon 09:00-18:00" lines, and says what is wrong with a bad one', () => {
    const model = toSettingsModel(ai, conversation);
    expect(model.openingHours).toBe('Mon 09:00-18:00\nSat 10:00-13:00');
    expect(parseOpeningHours('monday 08:30 - 12:00\nFri 14:00-24:00')).toEqual([{ day: 1, from: '08:30', to: '12:00' }, { day: 5, from: '14:00', to: '24:00' }]);
    expect(openingHoursProblem('Mon 9-5')).toMatch(/one period per line/);
    expect(openingHoursProblem('Tue 18:00-09:00')).toMatch(/ends before it starts/);
    expect(toConversationSettings({ ...model, openingHours: '' }).businessHours).toBeUndefined();
  });
});
