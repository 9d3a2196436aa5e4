import { describe, expect, it } from 'vitest';
import { detectHandoffRequest } from '../src/index.ts';

describe('detectHandoffRequest', () => {
  it.each([
    'Can I talk to a human please?',
    'I want to speak to a real person',
    'connect me to customer service',
    'أريد التحدث مع موظف',
    'اريد التحدث مع شخص من فضلك',
    'ممكن أكلم موظف؟',
    'بغيت نتكلم مع شي واحد',
    'أُرِيدُ التَّحَدُّثَ مَعَ مُوَظَّفٍ',
  ])('hears a request for a person in "%s"', (text) => {
    expect(detectHandoffRequest(text)?.reason).toBe('customer_request');
  });

  it.each(['Do you ship to Casablanca?', 'What are your opening hours', 'ما هي أسعار التوصيل؟', 'hello'])(
    'does not hand off an ordinary message "%s"',
    (text) => {
      expect(detectHandoffRequest(text)).toBeUndefined();
    },
  );

  it('matches a tenant keyword as a whole word, ignoring case and accents', () => {
    expect(detectHandoffRequest('I need a REFUND now', ['refund'])).toEqual({ reason: 'keyword', phrase: 'refund' });
    expect(detectHandoffRequest('refunding policy?', ['refund'])).toBeUndefined();
    expect(detectHandoffRequest('أريد استرجاع المبلغ', ['استرجاع'])).toEqual({ reason: 'keyword', phrase: 'استرجاع' });
  });
});
