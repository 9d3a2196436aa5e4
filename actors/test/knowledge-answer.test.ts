import { describe, expect, it } from 'vitest';
import type { KnowledgeHit } from '@switchboard/knowledge';
import { extractiveAnswer } from '../src/ai/knowledge-answer.ts';

const hit = (text: string, title: string | null = 'Shipping'): KnowledgeHit => ({
  documentId: '00000000-0000-4000-8000-000000000001', documentVersion: 1, source: 'policies.md', title, chunkIndex: 0, start: 0, end: text.length, text, score: 0.6,
});

describe('extractiveAnswer', () => {
  it('quotes whole sentences even when the document wraps them over several lines, and cites the source', () => {
    const text = '# Shipping\n\nWe ship from Lyon. We also ship to Morocco: orders to Casablanca,\nRabat and Marrakesh arrive in 5 to 7 working days. Shipping is free from €60.';
    const answer = extractiveAnswer('How long does shipping to Casablanca take?', hit(text));
    expect(answer).toContain('orders to Casablanca, Rabat and Marrakesh arrive in 5 to 7 working days.');
    expect(answer.endsWith('(Source: policies.md — Shipping)')).toBe(true);
  });

  it('keeps list items apart, and answers an FAQ pair with its answer only', () => {
    const list = '- Returns within 30 days.\n- Refunds in 5 working days.';
    expect(extractiveAnswer('how many days for refunds?', hit(list, null))).toMatch(/^Refunds in 5 working days\.|Returns within 30 days\. Refunds in 5 working days\./);
    const faq = 'Q: Do you take PayPal?\nA: Yes, PayPal and all major cards.';
    expect(extractiveAnswer('paypal?', hit(faq, null))).toBe('Yes, PayPal and all major cards.\n\n(Source: policies.md)');
  });
});
