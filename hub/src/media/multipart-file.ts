import type { FastifyRequest } from 'fastify';
import { AppError, isAppError } from '@switchboard/errors';

/** One uploaded file, read whole (the route's multipart limits bound its size). */
export interface UploadedFile {
  name: string;
  mediaType: string;
  bytes: Buffer;
}

const invalid = (path: string, problem: string) => new AppError('SB_ERR_VALIDATION', { message: `The request is not valid: ${path} ${problem}.`, issues: [{ path, message: problem }] });

/**
 * Reads a `multipart/form-data` upload: one file in the field `file` and, before it, the text
 * `fields` the route takes. Anything else, a missing file, a file past the route's `fileSize`
 * limit (registered with `@fastify/multipart`) or a body that is not multipart is a 4xx naming
 * the field, never a 500.
 */
export async function readMultipartFile(request: FastifyRequest, maxBytes: number, fields: readonly string[] = []): Promise<{ file: UploadedFile; fields: Record<string, string> }> {
  const known = ['file', ...fields].map((name) => `"${name}"`).join(', ');
  if (!request.isMultipart()) throw new AppError('SB_ERR_UNSUPPORTED_MEDIA_TYPE', { message: 'Send the file as multipart/form-data, in a field named "file".' });
  const values: Record<string, string> = {};
  let file: UploadedFile | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (!fields.includes(part.fieldname)) throw invalid(`/${part.fieldname}`, `is not a known field (use ${known})`);
        values[part.fieldname] = String(part.value).trim();
      } else {
        if (part.fieldname !== 'file') throw invalid(`/${part.fieldname}`, `is not a known field (use ${known})`);
        file = { name: part.filename, mediaType: part.mimetype, bytes: await part.toBuffer() };
      }
    }
  } catch (error) {
    if (isAppError(error)) throw error;
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new AppError('SB_ERR_PAYLOAD_TOO_LARGE', { message: `The file is larger than ${maxBytes} bytes.`, issues: [{ path: '/file', message: `is larger than ${maxBytes} bytes` }], cause: error });
    }
    throw new AppError('SB_ERR_VALIDATION', { message: `The upload could not be read: ${error instanceof Error ? error.message : 'bad multipart body'}.`, issues: [{ path: '/file', message: 'could not be read' }], cause: error });
  }
  if (file === undefined) throw invalid('/file', 'is missing');
  if (file.bytes.length === 0) throw invalid('/file', 'is empty');
  return { file, fields: values };
}
