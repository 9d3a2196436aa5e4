import type { IncomingMessage } from 'node:http';

/** A file uploaded in a multipart Bot API call (sendPhoto, sendDocument with a file). */
export interface BotApiFile {
  fileName: string;
  content: Buffer;
}

/**
 * The parameters of a Bot API call, wherever the client put them: the query string, a JSON
 * body, an urlencoded form or a multipart form (what telegraf sends when a call carries a file).
 * Multipart text parts that hold JSON (reply_parameters, reply_markup) stay strings, as the real
 * API receives them.
 */
export async function parseBotApiBody(request: IncomingMessage, url: URL): Promise<{ fields: Record<string, unknown>; files: Record<string, BotApiFile> }> {
  const fields: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const files: Record<string, BotApiFile> = {};
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const type = request.headers['content-type'] ?? '';
  if (body.byteLength === 0) return { fields, files };
  if (type.startsWith('application/json')) {
    Object.assign(fields, JSON.parse(body.toString('utf8')) as Record<string, unknown>);
  } else if (type.startsWith('application/x-www-form-urlencoded')) {
    Object.assign(fields, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  } else if (type.startsWith('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type);
    const marker = boundary?.[1] ?? boundary?.[2];
    if (marker === undefined) throw new Error('multipart body without a boundary');
    for (const part of splitMultipart(body, marker)) {
      const headerEnd = part.indexOf('\r\n\r\n');
      if (headerEnd < 0) continue;
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const content = part.subarray(headerEnd + 4);
      const name = /name="([^"]*)"/.exec(headers)?.[1];
      if (name === undefined) continue;
      const fileName = /filename="([^"]*)"/.exec(headers)?.[1];
      if (fileName === undefined) fields[name] = content.toString('utf8');
      else files[name] = { fileName, content };
    }
  }
  return { fields, files };
}

function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const contentStart = start + delimiter.byteLength;
    if (body.subarray(contentStart, contentStart + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, contentStart);
    if (next < 0) break;
    // Each part sits between "\r\n" after the delimiter and "\r\n" before the next one.
    parts.push(body.subarray(contentStart + 2, next - 2));
    start = next;
  }
  return parts;
}
