import type { Attachment } from '@switchboard/contracts';
import { WIDGET_FILE_PATH } from '@switchboard/contracts';
import { h } from './element-builder.ts';
import { formatBytes } from './file-size.ts';

/** Image types a browser shows safely (the hub serves the same list inline; others download). */
const inlineImageTypes = /^image\/(png|jpeg|gif|webp|avif)$/;

/**
 * Where a file's bytes are, for this page: the hub's signed links are paths on the hub, so they
 * are resolved against it; an absolute http(s) link is kept; anything else is no link.
 */
function fileUrl(url: string | undefined, hubOrigin: string): string | undefined {
  if (url === undefined) return undefined;
  if (url.startsWith(WIDGET_FILE_PATH)) return `${hubOrigin}${url}`;
  return /^https?:\/\//i.test(url) ? url : undefined;
}

/**
 * A message's file as the visitor sees it: a photo in the bubble (opens full size in a new
 * tab), a player for audio and video, anything else a download link with its name and size;
 * a file the hub did not keep is its name alone.
 */
export function attachmentView(attachment: Attachment, hubOrigin: string): HTMLElement {
  const url = fileUrl(attachment.url, hubOrigin);
  const name = attachment.fileName ?? attachment.caption ?? (attachment.kind === 'image' ? 'Photo' : attachment.kind === 'audio' ? 'Voice message' : 'File');
  const size = attachment.sizeBytes === undefined ? '' : ` (${formatBytes(attachment.sizeBytes)})`;
  const box = (display: string, ...children: (Node | string)[]) => h('div', { class: 'sb-attachment', 'data-testid': 'sb-attachment', 'data-display': display }, ...children);
  if (url === undefined) return box('missing', h('span', { class: 'sb-file-link' }, `📎 ${name}${size}: not available`));
  const mimeType = attachment.mimeType.toLowerCase();
  if (inlineImageTypes.test(mimeType)) {
    return box('image', h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', 'aria-label': `Open ${name}` }, h('img', { src: url, alt: name, loading: 'lazy' })));
  }
  if (mimeType.startsWith('audio/')) return box('audio', h('audio', { src: url, controls: '', preload: 'metadata', 'aria-label': name }));
  if (mimeType.startsWith('video/')) return box('video', h('video', { src: url, controls: '', preload: 'metadata', 'aria-label': name }));
  // The hub sends these as downloads (Content-Disposition), so a cross-origin link still saves the file.
  return box('file', h('a', { class: 'sb-file-link', href: url, download: name, target: '_blank', rel: 'noopener noreferrer' }, `📄 ${name}${size}`));
}
