import { AppError } from '@switchboard/errors';
import { KNOWLEDGE_CONTENT_MAX, type KnowledgeFormat } from '@switchboard/contracts';
import { htmlToMarkdown } from './html-to-markdown.ts';

/** The text of a document, ready for the chunker (Markdown headings kept where the format has them). */
export interface ExtractedText {
  format: KnowledgeFormat;
  text: string;
}

const extensions: Record<string, KnowledgeFormat> = {
  txt: 'text', text: 'text', md: 'markdown', markdown: 'markdown', csv: 'csv',
  pdf: 'pdf', docx: 'docx', html: 'html', htm: 'html', xhtml: 'html',
};
const mediaTypes: Record<string, KnowledgeFormat> = {
  'text/plain': 'text', 'text/markdown': 'markdown', 'text/csv': 'csv', 'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx', 'text/html': 'html', 'application/xhtml+xml': 'html',
};

/** The format of an uploaded file, from its name's extension, else its media type; undefined if neither is known. */
export function formatOfFile(fileName: string, mediaType: string | undefined): KnowledgeFormat | undefined {
  const extension = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return (extension === undefined ? undefined : extensions[extension]) ?? mediaTypes[(mediaType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''];
}

/**
 * Reads the text out of a document's bytes. A file that is not what its format says, is
 * damaged, password-protected or holds no text is refused with `SB_ERR_VALIDATION` on `field`,
 * saying which; nothing else is thrown for bad input.
 */
export async function extractText(format: KnowledgeFormat, bytes: Uint8Array, field = '/file'): Promise<ExtractedText> {
  const refuse = (problem: string, cause?: unknown) =>
    new AppError('SB_ERR_VALIDATION', { message: `The file ${problem}.`, issues: [{ path: field, message: problem }], ...(cause === undefined ? {} : { cause }) });
  let text: string;
  switch (format) {
    case 'pdf':
      text = await pdfText(bytes, refuse);
      break;
    case 'docx':
      text = htmlToMarkdown(await docxHtml(bytes, refuse));
      break;
    case 'html':
      text = htmlToMarkdown(utf8(bytes, refuse));
      break;
    default:
      text = utf8(bytes, refuse);
  }
  // PostgreSQL text cannot hold NUL, and no reader of the knowledge base needs it.
  text = text.replaceAll('\u0000', '').trim();
  if (text === '') throw refuse(format === 'pdf' ? 'has no text to learn from (a scanned PDF needs text recognition first)' : 'has no text to learn from');
  if (text.length > KNOWLEDGE_CONTENT_MAX) throw refuse(`holds more than ${KNOWLEDGE_CONTENT_MAX} characters of text; split it into several documents`);
  return { format, text };
}

type Refuse = (problem: string, cause?: unknown) => AppError;

function utf8(bytes: Uint8Array, refuse: Refuse): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (error) {
    throw refuse('is not UTF-8 text', error);
  }
}

const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((byte, i) => bytes[i] === byte);
/** PDF readers accept up to 1 KiB of anything before the `%PDF-` header; so does this check. */
const hasPdfHeader = (bytes: Uint8Array) => Buffer.from(bytes.subarray(0, 1024)).includes('%PDF-', 0, 'latin1');

async function pdfText(bytes: Uint8Array, refuse: Refuse): Promise<string> {
  if (!hasPdfHeader(bytes)) throw refuse('is not a PDF (it does not start with %PDF-)');
  // Loaded on first use: pdf.js is large, and most hubs never see a PDF.
  const { extractText: extractPdf, getDocumentProxy } = await import('unpdf');
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>> | undefined;
  try {
    // A copy: pdf.js takes ownership of (detaches) the buffer it is given.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
    const { text } = await extractPdf(pdf, { mergePages: false });
    return text.map((page) => page.trim()).filter((page) => page !== '').join('\n\n');
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'PasswordException') throw refuse('is a password-protected PDF', error);
    throw refuse(`is a damaged PDF (${error instanceof Error ? error.message : 'unreadable'})`, error);
  } finally {
    // unpdf's bundled types leave out pdf.js's `destroy`, which frees the worker-side document.
    const loaded = pdf as { destroy?: () => Promise<void> } | undefined;
    await loaded?.destroy?.().catch(() => undefined);
  }
}

async function docxHtml(bytes: Uint8Array, refuse: Refuse): Promise<string> {
  if (!startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) throw refuse('is not a DOCX (it is not a zip archive)');
  const { default: mammoth } = await import('mammoth');
  try {
    const result = await mammoth.convertToHtml({ buffer: Buffer.from(bytes) }, { externalFileAccess: false });
    return result.value;
  } catch (error) {
    throw refuse(`is a damaged DOCX (${error instanceof Error ? error.message.split('\n')[0] : 'unreadable'})`, error);
  }
}
