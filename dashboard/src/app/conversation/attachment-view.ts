import type { Attachment, MessageView } from '@switchboard/contracts';
import { formatBytes } from '../channels/channel-state.ts';

/** How the timeline shows one file of a message. */
export interface AttachmentView {
  /** `image`, `audio` and `video` play in the page; everything else is a download link. */
  display: 'image' | 'audio' | 'video' | 'file';
  /** Where the console fetches the bytes; absent when Switchboard did not keep the file. */
  href?: string;
  /** The file's name, or what it is. */
  label: string;
  /** Its size, when the channel said. */
  size?: string;
  caption?: string;
}

const kindLabels: Readonly<Record<Attachment['kind'], string>> = {
  image: 'Photo',
  document: 'Document',
  audio: 'Voice message',
  video: 'Video',
  sticker: 'Sticker',
  location: 'Location',
};

/** Image types the hub serves inline (never SVG, which can carry script). */
const inlineImage = /^image\/(png|jpeg|gif|webp|avif)$/i;

/**
 * The files of a message as the timeline shows them. The bytes come from the hub's attachment
 * route (the stored `url` is a reference for the hub, not an address); a file the hub did not
 * keep (too large, or gone from the channel) is listed without a link.
 */
export function attachmentViews(message: Pick<MessageView, 'id' | 'conversationId' | 'attachments'>): AttachmentView[] {
  return message.attachments.map((attachment, index) => {
    const href = attachment.url ? `/api/v1/conversations/${message.conversationId}/messages/${message.id}/attachments/${index}` : undefined;
    const type = attachment.mimeType.toLowerCase();
    const display: AttachmentView['display'] = href === undefined ? 'file'
      : (attachment.kind === 'image' || attachment.kind === 'sticker') && inlineImage.test(type) ? 'image'
        : attachment.kind === 'audio' && type.startsWith('audio/') ? 'audio'
          : attachment.kind === 'video' && type.startsWith('video/') ? 'video'
            : 'file';
    return {
      display,
      ...(href === undefined ? {} : { href }),
      label: attachment.fileName ?? kindLabels[attachment.kind],
      ...(attachment.sizeBytes === undefined ? {} : { size: formatBytes(attachment.sizeBytes) }),
      ...(attachment.caption ? { caption: attachment.caption } : {}),
    };
  });
}
