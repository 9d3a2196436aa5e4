import { describe, expect, it } from 'vitest';
import { extractText, formatOfFile } from '../src/document-extractor.ts';
import { htmlToMarkdown } from '../src/html-to-markdown.ts';
import { chunkText } from '../src/text-chunker.ts';
import { docxWithBlocks, pdfWithText } from '@switchboard/testing';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('reading documents', () => {
  it('reads the text of every page of a PDF, in order', async () => {
    const pdf = pdfWithText([['Returns policy', 'Shoes can be returned within 30 days (with the receipt).'], ['Gift cards never expire.']]);
    const { text } = await extractText('pdf', pdf);
    expect(text).toBe('Returns policy\nShoes can be returned within 30 days (with the receipt).\n\nGift cards never expire.');
  });

  it('reads a DOCX with its Word headings as Markdown headings, which become chunk titles', async () => {
    const docx = await docxWithBlocks(['# Warranty', 'Every kettle has a 2 year warranty.', '## Claims', 'Email a photo of the receipt & the kettle.']);
    const { text } = await extractText('docx', docx);
    expect(text).toBe('# Warranty\n\nEvery kettle has a 2 year warranty.\n\n## Claims\n\nEmail a photo of the receipt & the kettle.');
    expect(chunkText(text).map((chunk) => chunk.title)).toEqual(['Warranty', 'Claims']);
  });

  it('reads HTML as Markdown: headings kept, lists as items, entities decoded, scripts and styles dropped', () => {
    const html = `<html><head><title>Shop &amp; Co</title><style>p { color: red }</style></head><body>
      <ul><li>Home</li><li>About</li></ul><h2>Opening <b>hours</b></h2><p>Mon&ndash;Fri 9&nbsp;to 5.<br>Closed Sunday.</p>
      <script>document.write('tracking')</script><noscript>enable js</noscript></body></html>`;
    expect(htmlToMarkdown(html)).toBe('# Shop & Co\n\n- Home\n- About\n\n## Opening hours\n\nMon–Fri 9 to 5.\nClosed Sunday.');
  });

  it("uses the page's h1 rather than its title when it has one", () => {
    expect(htmlToMarkdown('<title>Tab text</title><h1>Real title</h1><p>Body.</p>')).toBe('# Real title\n\nBody.');
  });

  it('refuses damaged and mislabelled files, naming the field and the problem', async () => {
    const pdf = pdfWithText([['Fine.']]);
    const cases: Array<[Parameters<typeof extractText>[0], Uint8Array, RegExp]> = [
      ['pdf', bytes('%PDF-1.7\nnot a pdf body'), /damaged PDF/],
      ['pdf', pdf.subarray(0, 100), /damaged PDF/],
      ['pdf', bytes('plain words'), /not a PDF/],
      ['pdf', pdfWithText([[]]), /no text/],
      ['docx', bytes('plain words'), /not a DOCX/],
      ['docx', bytes('PK\u0003\u0004 broken zip'), /damaged DOCX/],
      ['text', new Uint8Array([0xff, 0xfe, 0x00, 0xd8]), /not UTF-8/],
      ['html', bytes('<script>only()</script>'), /no text/],
    ];
    for (const [format, input, problem] of cases) {
      await expect(extractText(format, input, '/file'), `${format}: ${problem}`).rejects.toMatchObject({
        code: 'SB_ERR_VALIDATION',
        message: expect.stringMatching(problem) as unknown,
        issues: [{ path: '/file', message: expect.stringMatching(problem) as unknown }],
      });
    }
  });

  it('tells a format from the file name, else the media type', () => {
    expect(formatOfFile('Guide.PDF', 'application/octet-stream')).toBe('pdf');
    expect(formatOfFile('manual.docx', undefined)).toBe('docx');
    expect(formatOfFile('page', 'text/html; charset=utf-8')).toBe('html');
    expect(formatOfFile('faq.csv', 'text/plain')).toBe('csv');
    expect(formatOfFile('photo.png', 'image/png')).toBeUndefined();
  });
});
