import type { FastifyReply } from 'fastify';
import type { StoredMediaFile } from '@switchboard/db';
import { cleanMimeType } from './file-metadata.ts';

/** Types a browser may show in a page; anything else (HTML, SVG, PDF…) is downloaded, never rendered on our origin. */
const inlineTypes = /^(image\/(png|jpeg|gif|webp|avif)|audio\/[\w.+-]+|video\/[\w.+-]+)$/;

/**
 * Sends a kept file the way every file route must: its own type (never sniffed), shown in the
 * page only when it is an image, audio or video type a browser shows safely and downloaded
 * otherwise, under a sandboxing CSP so that even a file opened on its own can run nothing.
 * `cacheControl` is the route's: a console link never changes, a widget link expires.
 */
export function sendMediaFile(reply: FastifyReply, file: StoredMediaFile, options: { name: string; cacheControl: string }): FastifyReply {
  const mimeType = cleanMimeType(file.mimeType);
  return reply
    .header('content-type', mimeType)
    .header('content-length', file.bytes.byteLength)
    .header('content-disposition', `${inlineTypes.test(mimeType) ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(options.name)}`)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', options.cacheControl)
    .header('etag', `"${file.sha256}"`)
    .send(file.bytes);
}
