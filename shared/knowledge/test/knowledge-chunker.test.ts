import { describe, expect, it } from 'vitest';
import { AppError } from '@switchboard/errors';
import { parseCsvFaq } from '../src/csv-faq.ts';
import { chunkText } from '../src/text-chunker.ts';

const sentence = (n: number): string => `Sentence number ${n} talks about parcels and delivery times in some detail.`;
const longParagraph = (from: number, count: number): string => Array.from({ length: count }, (_, i) => sentence(from + i)).join(' ');

describe('text chunker', () => {
  it('keeps every chunk within the size and makes consecutive chunks of one section overlap', () => {
    const text = longParagraph(1, 60);
    const chunks = chunkText(text, { size: 400, overlap: 100 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(400);
    for (let i = 1; i < chunks.length; i += 1) {
      const previous = chunks[i - 1];
      const current = chunks[i];
      if (!previous || !current) throw new Error('missing chunk');
      expect(current.start, `chunk ${i} should start inside chunk ${i - 1}`).toBeLessThan(previous.end);
      expect(previous.end - current.start).toBeLessThanOrEqual(100);
      expect(current.start).toBeGreaterThan(previous.start);
    }
    expect(chunks.at(-1)?.end).toBe(text.length);
  });

  it('cuts at sentence ends and never opens a chunk in the middle of a word', () => {
    const text = longParagraph(1, 40);
    for (const chunk of chunkText(text, { size: 300, overlap: 80 })) {
      expect(chunk.text.endsWith('.'), chunk.text).toBe(true);
      expect(chunk.text.startsWith('Sentence number'), chunk.text).toBe(true);
    }
  });

  it('prefers a paragraph break to a sentence end inside the window', () => {
    const first = longParagraph(1, 4);
    const text = `${first}\n\n${longParagraph(5, 6)}`;
    const [chunk] = chunkText(text, { size: first.length + 150, overlap: 0 });
    expect(chunk?.text).toBe(first);
  });

  it('records index and offsets that point back at the source text', () => {
    const text = `Intro line.\n\n# Shipping\n\n${longParagraph(1, 20)}\n\n## Returns\n\nThirty days to send it back.\n`;
    const chunks = chunkText(text, { size: 300, overlap: 60 });
    chunks.forEach((chunk, i) => {
      expect(chunk.index).toBe(i);
      expect(text.slice(chunk.start, chunk.end)).toBe(chunk.text);
    });
  });

  it('starts a new chunk at every heading and titles each chunk with the nearest heading above it', () => {
    const text = [
      'Welcome to the shop.',
      '# Shipping',
      longParagraph(1, 12),
      '## Costs',
      'Delivery costs 4.90 EUR.',
      '```md',
      '# not a heading, inside a code fence',
      '```',
      '### *Click* and collect',
      'Collect it in Lyon.',
    ].join('\n\n');
    const chunks = chunkText(text, { size: 400, overlap: 80 });
    expect(chunks[0]).toMatchObject({ title: null, text: 'Welcome to the shop.' });
    const titles = chunks.map((chunk) => chunk.title);
    expect(titles.filter((title) => title === 'Shipping').length).toBeGreaterThan(1);
    const costs = chunks.find((chunk) => chunk.title === 'Costs');
    expect(costs?.text).toContain('# not a heading, inside a code fence');
    expect(costs?.text.startsWith('## Costs')).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ title: 'Click and collect', text: '### *Click* and collect\n\nCollect it in Lyon.' });
    expect(new Set(chunks.filter((chunk) => chunk.title === 'Shipping').map((chunk) => chunk.text.includes('Costs')))).toEqual(new Set([false]));
  });

  it('returns a short document as a single chunk and an empty one as none', () => {
    expect(chunkText('  Open Tuesday to Saturday.  \n')).toEqual([{ index: 0, start: 2, end: 27, text: 'Open Tuesday to Saturday.', title: null }]);
    expect(chunkText(' \n\n ')).toEqual([]);
  });
});

describe('CSV FAQ', () => {
  it('turns each question and answer into one chunk, honouring RFC 4180 quoting', () => {
    const csv = [
      'id,question,answer',
      '1,Do you ship abroad?,"Yes, to the EU and North Africa."',
      '2,"What is ""click and collect""?","You order online,\r\nthen collect in the shop."',
      '',
      '3,Opening hours?,Tuesday to Saturday',
    ].join('\r\n');
    const chunks = parseCsvFaq(`\uFEFF${csv}`);
    expect(chunks.map((chunk) => chunk.text)).toEqual([
      'Q: Do you ship abroad?\nA: Yes, to the EU and North Africa.',
      'Q: What is "click and collect"?\nA: You order online,\r\nthen collect in the shop.',
      'Q: Opening hours?\nA: Tuesday to Saturday',
    ]);
    expect(chunks.map((chunk) => chunk.title)).toEqual(['Do you ship abroad?', 'What is "click and collect"?', 'Opening hours?']);
    expect(chunks.map((chunk) => chunk.index)).toEqual([0, 1, 2]);
    expect(csv.slice((chunks[2]?.start ?? 0) - 1, (chunks[2]?.end ?? 0) - 1)).toBe('3,Opening hours?,Tuesday to Saturday');
  });

  it.each([
    ['a row with a missing column', 'question,answer\nDo you ship?,Yes\nOpening hours', /Row 3 has 1 columns/],
    ['an unclosed quote', 'question,answer\nDo you ship?,Yes\n"Returns?,30 days\n', /Row 3 opens a quoted field that is never closed/],
    ['text after a closing quote', 'question,answer\n"Gift cards?"x,Yes\n', /Row 2 has text after a closing quote/],
    ['a stray quote in an unquoted field', 'question,answer\nSize 5" ring?,Yes\n', /Row 2 has a quote inside an unquoted field/],
    ['an empty answer', 'question,answer\nDo you ship?,Yes\nReturns?,  \n', /Row 3 has an empty answer/],
    ['a header without the answer column', 'question,reply\nDo you ship?,Yes\n', /Row 1 must be a header/],
  ])('refuses %s, naming the row', (_case, csv, message) => {
    let thrown: unknown;
    try {
      parseCsvFaq(csv);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).code).toBe('SB_ERR_VALIDATION');
    expect((thrown as AppError).message).toMatch(message);
  });
});
