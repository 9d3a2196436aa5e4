import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AiRequest } from '@switchboard/contracts';
import { respondOffline, type ResponderSettings } from '../src/index.ts';

const settings: ResponderSettings = {
  greeting: 'Hello! I am the Atlas Tea assistant.',
  fallback: 'I am not sure about that. Would you like me to connect you with our team?',
  handoffMessage: 'Connecting you with a member of our team.',
  handoffKeywords: ['complaint'],
  faq: [
    { question: 'Do you ship to Casablanca?', answer: 'Yes, we deliver across Morocco in 2 to 3 days.', keywords: ['delivery', 'shipping', 'التوصيل'] },
    { question: 'What are your opening hours?', answer: 'We are open 9:00 to 18:00, Monday to Saturday.', keywords: ['open', 'hours'] },
  ],
};

const request = (text: string, isFirstMessage = false): AiRequest => ({
  tenantId: randomUUID(), conversationId: randomUUID(), messageId: randomUUID(), text, history: [], isFirstMessage,
});

describe('respondOffline', () => {
  it('answers a question close to an FAQ entry with that entry', () => {
    const answer = respondOffline(request('how long does shipping to Casablanca take?'), settings);
    expect(answer).toMatchObject({ intent: 'reply', source: 'offline', reply: 'Yes, we deliver across Morocco in 2 to 3 days.' });
    expect(answer.confidence).toBeGreaterThanOrEqual(0.5);
  });

  it('answers an Arabic question through the entry keywords', () => {
    expect(respondOffline(request('كم يستغرق التوصيل؟'), settings).reply).toContain('2 to 3 days');
  });

  it('greets a first message that is only a greeting, and greets before a first answer', () => {
    expect(respondOffline(request('Salam!', true), settings).reply).toBe(settings.greeting);
    expect(respondOffline(request('what are your opening hours', true), settings).reply).toBe(`${settings.greeting}\n\nWe are open 9:00 to 18:00, Monday to Saturday.`);
  });

  it('hands off when the customer asks for a person or uses a tenant keyword', () => {
    expect(respondOffline(request('I want to talk to a human'), settings)).toMatchObject({ intent: 'handoff', reply: settings.handoffMessage });
    expect(respondOffline(request('I have a complaint'), settings).intent).toBe('handoff');
  });

  it('falls back, with low confidence, when nothing matches', () => {
    expect(respondOffline(request('Do you sell bicycles?'), settings)).toMatchObject({ intent: 'reply', reply: settings.fallback, confidence: 0.2 });
  });
});
