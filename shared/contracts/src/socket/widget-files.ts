// Plain values only (no schema library): the widget bundles this file, and every storefront
// page pays for what the widget weighs.

/**
 * The largest file a storefront visitor sends through the widget: 10 MiB, below the 16 MiB
 * default of `MEDIA_MAX_BYTES` (which lowers it further when set lower). Photos of a parcel and
 * screenshots fit; the hub never holds more than this of one visitor's upload in memory.
 */
export const WIDGET_FILE_MAX_BYTES = 10 * 1024 * 1024;

/** The most files on one widget message. */
export const WIDGET_FILES_PER_MESSAGE = 5;

/**
 * The most bytes of a file in one `file.upload` command. Files travel in pieces of this size,
 * each acknowledged, so the Socket.IO server's frame limit stays small and the widget can show
 * real progress.
 */
export const WIDGET_UPLOAD_CHUNK_BYTES = 512 * 1024;

/** Where a widget visitor opens a conversation's file: this path, then a signed, expiring token. */
export const WIDGET_FILE_PATH = '/api/v1/widget/files/';

/**
 * Types a visitor may send: photos, PDFs and plain text, office documents, audio and video.
 * Anything else (HTML, SVG, scripts, archives, executables) is refused: an anonymous visitor
 * should not hand agents a file that runs.
 */
export const widgetFileTypes = [
  'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/heic', 'image/heif', 'image/avif',
  'application/pdf', 'text/plain', 'text/csv',
  'application/msword', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.oasis.opendocument.text', 'application/vnd.oasis.opendocument.spreadsheet',
  'audio/*', 'video/*',
] as const;

/** True when a visitor may send a file of this MIME type (`widgetFileTypes`). */
export function widgetAcceptsFileType(mimeType: string): boolean {
  const type = mimeType.toLowerCase();
  return widgetFileTypes.some((accepted) => (accepted.endsWith('/*') ? type.startsWith(accepted.slice(0, -1)) && type.length > accepted.length - 1 : type === accepted));
}
