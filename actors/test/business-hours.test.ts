import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import type { BusinessHours } from '@switchboard/contracts';
import { isOpen } from '../src/conversation/business-hours.ts';
import { conversationMachine, type ConversationEmitted } from '../src/conversation/conversation.machine.ts';
import { defaultConversationSettings } from '../src/index.ts';

// Paris is UTC+1 in December; open Monday to Friday 09:00–18:00.
const weekdays: BusinessHours = { timezone: 'Europe/Paris', periods: [1, 2, 3, 4, 5].map((day) => ({ day, from: '09:00', to: '18:00' })) };

describe('business hours', () => {
  it('is open inside a period in the workspace time zone, and closed outside it', () => {
    expect(isOpen(weekdays, new Date('2026-12-02T09:30:00Z'))).toBe(true); // Wednesday 10:30 local
    expect(isOpen(weekdays, new Date('2026-12-02T17:30:00Z'))).toBe(false); // Wednesday 18:30 local
    expect(isOpen(weekdays, new Date('2026-12-02T07:30:00Z'))).toBe(false); // Wednesday 08:30 local
    expect(isOpen(weekdays, new Date('2026-12-05T10:00:00Z'))).toBe(false); // Saturday
  });

  it('is always open without hours, and with a zone the runtime does not know', () => {
    expect(isOpen(undefined)).toBe(true);
    expect(isOpen({ timezone: 'Mars/Olympus_Mons', periods: [] })).toBe(true);
  });

  it('tells a customer who asks for a person out of hours, and marks the handoff so', () => {
    const closed: BusinessHours = { timezone: 'UTC', periods: [] };
    const settings = { ...defaultConversationSettings, businessHours: closed, outOfHoursMessage: 'We are closed; we will answer in the morning.' };
    const actor = createActor(conversationMachine, { input: { tenantId: 't', conversationId: 'c', settings } });
    const emitted: ConversationEmitted[] = [];
    actor.on('*', (event) => emitted.push(event as ConversationEmitted));
    actor.start();
    actor.send({ type: 'customer.message', messageId: 'm1', text: 'I want to talk to a human' });
    expect(emitted).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: 'bot.reply', text: 'We are closed; we will answer in the morning.' }),
      expect.objectContaining({ type: 'handoff.requested', reason: 'out_of_hours' }),
    ]));
    expect(actor.getSnapshot().value).toBe('awaiting_agent');
    actor.stop();
  });
});
