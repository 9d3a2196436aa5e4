import { Parser } from 'htmlparser2';

const skipped = new Set(['script', 'style', 'noscript', 'template', 'svg', 'iframe', 'object', 'canvas', 'select', 'button']);
const blocks = new Set([
  'p', 'div', 'section', 'article', 'main', 'header', 'footer', 'aside', 'nav', 'form', 'fieldset', 'table', 'thead', 'tbody',
  'tr', 'ul', 'ol', 'dl', 'dt', 'dd', 'blockquote', 'figure', 'figcaption', 'address', 'details', 'summary', 'hr', 'body', 'html',
]);
const headings: Record<string, number> = { h1: 1, h2: 2, h3: 3, h4: 4, h5: 5, h6: 6 };
const voidElements = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'area', 'base', 'col', 'embed', 'source', 'track', 'wbr']);

/**
 * Reads an HTML page as Markdown-ish text for the chunker: headings become `#` lines (so chunks
 * keep their section titles), list items `- ` lines, block elements paragraphs; scripts, styles
 * and other non-text are dropped. The page's `<title>` heads the text when it has no `<h1>`.
 */
export function htmlToMarkdown(html: string): string {
  const out: string[] = [];
  let skipDepth = 0;
  let preDepth = 0;
  let inTitle = false;
  let inHead = false;
  let title = '';
  let sawH1 = false;
  let heading = 0;
  let headingText = '';

  const breakBlock = () => out.push('\n\n');
  const parser = new Parser({
    onopentag(name) {
      if (skipDepth > 0 || skipped.has(name)) {
        if (!voidElements.has(name)) skipDepth += 1;
        return;
      }
      if (name === 'head') inHead = true;
      if (name === 'title') inTitle = true;
      const level = headings[name];
      if (level !== undefined) {
        if (level === 1) sawH1 = true;
        heading = level;
        headingText = '';
        return;
      }
      if (name === 'pre') {
        preDepth += 1;
        breakBlock();
      } else if (name === 'li') out.push('\n- ');
      else if (name === 'br') out.push('\n');
      else if (name === 'td' || name === 'th') out.push(' ');
      else if (blocks.has(name)) breakBlock();
    },
    ontext(text) {
      if (skipDepth > 0) return;
      if (inTitle) {
        title += text;
        return;
      }
      if (inHead) return;
      if (heading > 0) {
        headingText += text;
        return;
      }
      out.push(preDepth > 0 ? text : text.replace(/\s+/g, ' '));
    },
    onclosetag(name) {
      if (skipDepth > 0) {
        // Void elements never opened a level (see onopentag).
        if (!voidElements.has(name)) skipDepth -= 1;
        return;
      }
      if (name === 'head') inHead = false;
      if (name === 'title') inTitle = false;
      if (headings[name] !== undefined && heading > 0) {
        const text = headingText.replace(/\s+/g, ' ').trim();
        if (text !== '') out.push(`\n\n${'#'.repeat(heading)} ${text}\n\n`);
        heading = 0;
        return;
      }
      if (name === 'pre') {
        preDepth = Math.max(0, preDepth - 1);
        breakBlock();
      } else if (blocks.has(name)) breakBlock();
    },
  }, { decodeEntities: true, lowerCaseTags: true });
  parser.write(html);
  parser.end();

  const body = out.join('')
    .split('\n')
    .map((line) => line.replace(/^[ \u00a0]+|[ \t\u00a0]+$/g, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const pageTitle = title.replace(/\s+/g, ' ').trim();
  return !sawH1 && pageTitle !== '' ? `# ${pageTitle}\n\n${body}`.trim() : body;
}
