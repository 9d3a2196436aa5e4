import { AppError } from '@switchboard/errors';
import type { TextChunk } from './text-chunker.ts';

interface CsvRecord {
  /** 1-based row number as a spreadsheet shows it: the header is row 1. */
  row: number;
  start: number;
  end: number;
  fields: string[];
}

/**
 * Turns a CSV of `question,answer` pairs (RFC 4180: quoted fields, `""` escapes, CRLF or LF,
 * other columns ignored, header required) into one chunk per pair, "Q: … A: …", titled with the
 * question. Malformed CSV is refused with `SB_ERR_VALIDATION` naming the row that is wrong.
 */
export function parseCsvFaq(csv: string): TextChunk[] {
  const source = csv.startsWith('\uFEFF') ? csv.slice(1) : csv;
  const offset = csv.length - source.length;
  const records = parseCsv(source).filter((record) => !(record.fields.length === 1 && record.fields[0]?.trim() === ''));
  const [header, ...rows] = records;
  if (!header) throw invalid('The FAQ file is empty; it needs a header row "question,answer".', 1);
  const names = header.fields.map((name) => name.trim().toLowerCase());
  const questionAt = names.indexOf('question');
  const answerAt = names.indexOf('answer');
  if (questionAt < 0 || answerAt < 0) {
    throw invalid(`Row 1 must be a header naming the columns "question" and "answer"; it has: ${names.join(', ')}.`, 1);
  }
  return rows.map((record, index) => {
    if (record.fields.length !== header.fields.length) {
      throw invalid(`Row ${record.row} has ${record.fields.length} columns; the header has ${header.fields.length}. Quote fields that contain commas.`, record.row);
    }
    const question = (record.fields[questionAt] ?? '').trim();
    const answer = (record.fields[answerAt] ?? '').trim();
    if (question === '' || answer === '') {
      throw invalid(`Row ${record.row} has an empty ${question === '' ? 'question' : 'answer'}.`, record.row);
    }
    return { index, start: record.start + offset, end: record.end + offset, text: `Q: ${question}\nA: ${answer}`, title: question };
  });
}

function invalid(message: string, row: number): AppError {
  return new AppError('SB_ERR_VALIDATION', { message, issues: [{ path: `/rows/${row}`, message }] });
}

/** A small RFC 4180 reader that keeps each record's span and row number for error messages. */
function parseCsv(source: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let recordStart = 0;
  let row = 1;
  let i = 0;
  let quotedField = false;
  const endRecord = (end: number): void => {
    fields.push(field);
    records.push({ row, start: recordStart, end, fields });
    fields = [];
    field = '';
    quotedField = false;
  };
  while (i < source.length) {
    const char = source[i];
    if (char === '"') {
      if (field !== '' || quotedField) throw invalid(`Row ${row} has a quote inside an unquoted field; wrap the field in quotes and double the inner quote ("").`, row);
      const startRow = row;
      i += 1;
      for (;;) {
        if (i >= source.length) throw invalid(`Row ${startRow} opens a quoted field that is never closed.`, startRow);
        const inner = source[i];
        if (inner === '"') {
          if (source[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        if (inner === '\n') row += 1;
        field += inner;
        i += 1;
      }
      quotedField = true;
      const next = source[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        throw invalid(`Row ${startRow} has text after a closing quote; a quoted field must end at a comma or the end of the line.`, startRow);
      }
      continue;
    }
    if (char === ',') {
      fields.push(field);
      field = '';
      quotedField = false;
      i += 1;
      continue;
    }
    if (char === '\r' || char === '\n') {
      endRecord(i);
      i += char === '\r' && source[i + 1] === '\n' ? 2 : 1;
      row += 1;
      recordStart = i;
      continue;
    }
    field += char;
    i += 1;
  }
  if (field !== '' || fields.length > 0 || quotedField) endRecord(source.length);
  return records;
}
