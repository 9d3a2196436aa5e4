import { describe, expect, it } from 'vitest';
import { partialReply } from '../src/ai/providers/partial-reply.ts';

describe('partialReply', () => {
  it('is undefined until the reply value starts', () => {
    expect(partialReply('{"intent":"reply","confid')).toBeUndefined();
    expect(partialReply('{"intent":"reply","reply":')).toBeUndefined();
  });

  it('reads the reply as far as it is written, whole once closed', () => {
    expect(partialReply('{"intent":"reply","reply":"We ship to Rab')).toBe('We ship to Rab');
    expect(partialReply('{"reply":"We ship.","actions":[]}')).toBe('We ship.');
  });

  it('decodes escapes, and waits for one cut off at the end', () => {
    expect(partialReply('{"reply":"Line one\\nsaid \\"hi\\" \\u00e9t\\u00e9')).toBe('Line one\nsaid "hi" été');
    expect(partialReply('{"reply":"cut \\')).toBe('cut ');
    expect(partialReply('{"reply":"cut \\u00')).toBe('cut ');
  });
});
