/**
 * One retrievable piece of a document. `start`/`end` are offsets into the source text, so
 * `source.slice(start, end) === text` and a cited answer can point back at the original.
 * `title` is the nearest Markdown heading above the chunk (or the FAQ question), if any.
 */
export interface TextChunk {
  index: number;
  start: number;
  end: number;
  text: string;
  title: string | null;
}

export interface ChunkOptions {
  /** Target chunk length in characters; a chunk never exceeds it. Default 800. */
  size?: number;
  /** Characters repeated from the end of one chunk at the start of the next. Default 150. */
  overlap?: number;
}

interface Section {
  start: number;
  end: number;
  title: string | null;
}

const headingLine = /^ {0,3}(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$/gm;
const fenceLine = /^ {0,3}(```|~~~)/gm;
// Sentence ends in English, French and Arabic (؟ is the Arabic question mark, ۔ the full stop).
const sentenceEnd = /[.!?؟۔…](?=["')\]»]*\s)/g;

/**
 * Splits plain text or Markdown into chunks of about `size` characters, each overlapping the
 * previous one by about `overlap`. A heading always starts a new chunk, so a chunk never mixes
 * two sections and its title is exact; inside a section the cut falls on a paragraph, then a
 * line, then a sentence, then a word boundary, whichever comes last in the window.
 */
export function chunkText(source: string, options: ChunkOptions = {}): TextChunk[] {
  const size = options.size ?? 800;
  const overlap = options.overlap ?? 150;
  if (!Number.isInteger(size) || size < 20) throw new RangeError(`chunk size must be an integer >= 20, got ${size}`);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap > size / 2) {
    throw new RangeError(`chunk overlap must be an integer between 0 and half the size (${size / 2}), got ${overlap}`);
  }
  const chunks: TextChunk[] = [];
  for (const section of sectionsOf(source)) {
    for (const [start, end] of windowsOf(source, section.start, section.end, size, overlap)) {
      chunks.push({ index: chunks.length, start, end, text: source.slice(start, end), title: section.title });
    }
  }
  return chunks;
}

/** Cuts the text at every Markdown heading that is not inside a code fence. */
function sectionsOf(source: string): Section[] {
  const fenced = fencedRanges(source);
  const sections: Section[] = [];
  let start = 0;
  let title: string | null = null;
  for (const match of source.matchAll(headingLine)) {
    const at = match.index;
    if (fenced.some(([from, to]) => at > from && at < to)) continue;
    sections.push({ start, end: at, title });
    start = at;
    title = cleanHeading(match[2] ?? '');
  }
  sections.push({ start, end: source.length, title });
  return sections;
}

function cleanHeading(raw: string): string {
  return raw.replace(/[*_`]/g, '').trim();
}

function fencedRanges(source: string): Array<[number, number]> {
  const marks = [...source.matchAll(fenceLine)].map((match) => match.index);
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i + 1 < marks.length; i += 2) ranges.push([marks[i] ?? 0, marks[i + 1] ?? source.length]);
  if (marks.length % 2 === 1) ranges.push([marks[marks.length - 1] ?? 0, source.length]);
  return ranges;
}

/** The [start, end) windows covering one section, trimmed of surrounding whitespace. */
function windowsOf(source: string, from: number, to: number, size: number, overlap: number): Array<[number, number]> {
  const windows: Array<[number, number]> = [];
  let start = skipSpace(source, from, to);
  while (start < to) {
    const end = to - start <= size ? to : breakPoint(source, start, Math.min(start + size, to), size);
    const trimmedEnd = trimEnd(source, start, end);
    if (trimmedEnd > start) windows.push([start, trimmedEnd]);
    if (end >= to) break;
    start = Math.max(nextStart(source, end - overlap, end), start + 1);
    start = skipSpace(source, start, to);
  }
  return windows;
}

/** The best place to end a window that starts at `start` and may reach `limit`. */
function breakPoint(source: string, start: number, limit: number, size: number): number {
  const earliest = start + Math.floor(size / 2);
  const window = source.slice(earliest, limit);
  const paragraph = window.lastIndexOf('\n\n');
  if (paragraph >= 0) return earliest + paragraph;
  const sentence = lastMatchEnd(window, sentenceEnd);
  if (sentence >= 0) return earliest + sentence;
  const line = window.lastIndexOf('\n');
  if (line >= 0) return earliest + line;
  const space = window.search(/\s\S*$/);
  if (space >= 0) return earliest + space;
  return limit;
}

/**
 * Where the next window starts, at or after `from` and before `end`: the first sentence start
 * in the overlap if there is one, otherwise the first word start, so no chunk opens mid-word.
 */
function nextStart(source: string, from: number, end: number): number {
  if (from >= end) return end;
  const overlap = source.slice(from, end);
  sentenceEnd.lastIndex = 0;
  const sentence = sentenceEnd.exec(overlap);
  if (sentence && from + sentence.index + 1 < end) return from + sentence.index + 1;
  if (from > 0 && /\s/.test(source[from - 1] ?? ' ')) return from;
  const word = overlap.search(/\s/);
  return word >= 0 ? from + word : end;
}

function lastMatchEnd(text: string, pattern: RegExp): number {
  let last = -1;
  for (const match of text.matchAll(pattern)) last = match.index + match[0].length;
  return last;
}

function skipSpace(source: string, at: number, to: number): number {
  let i = at;
  while (i < to && /\s/.test(source[i] ?? '')) i += 1;
  return i;
}

function trimEnd(source: string, start: number, end: number): number {
  let i = end;
  while (i > start && /\s/.test(source[i - 1] ?? '')) i -= 1;
  return i;
}
