import type { MessageView } from '@switchboard/contracts';
import { describe, expect, it } from 'vitest';
import { attachmentViews } from '../src/app/conversation/attachment-view.ts';

const message = (attachments: MessageView['attachments']) => ({ id: 'a6f1f0a4-4f35-4c43-8f38-3b2a2c0b1d01', conversationId: 'c6f1f0a4-4f35-4c43-8f38-3b2a2c0b1d02', attachments });
const route = (index: number) => `/api/v1/conversations/c6f1f0a4-4f35-4c43-8f38-3b2a2c0b1d02/messages/a6f1f0a4-4f35-4c43-8f38-3b2a2c0b1d01/attachments/${index}`;

describe('the files of a message in the timeline', () => {
  it('shows kept photos, voice notes and videos in the page, from the hub, never from the stored reference', () => {
    const views = attachmentViews(message([
      { kind: 'image', mimeType: 'image/jpeg', url: 'telegram-file:AgAC1', caption: 'the parcel' },
      { kind: 'audio', mimeType: 'audio/ogg; codecs=opus', url: 'media:5b0c' },
      { kind: 'video', mimeType: 'video/mp4', url: 'media:5b0d', sizeBytes: 3_500_000 },
    ]));
    expect(views).toEqual([
      { display: 'image', href: route(0), label: 'Photo', caption: 'the parcel' },
      { display: 'audio', href: route(1), label: 'Voice message' },
      { display: 'video', href: route(2), label: 'Video', size: '3.3 MB' },
    ]);
  });

  it('offers documents and SVG images as downloads, and lists a file that was not kept without a link', () => {
    const views = attachmentViews(message([
      { kind: 'document', mimeType: 'application/pdf', url: 'media:1', fileName: 'invoice.pdf', sizeBytes: 20_480 },
      { kind: 'image', mimeType: 'image/svg+xml', url: 'media:2', fileName: 'logo.svg' },
      { kind: 'audio', mimeType: 'audio/ogg' },
    ]));
    expect(views).toEqual([
      { display: 'file', href: route(0), label: 'invoice.pdf', size: '20 KB' },
      { display: 'file', href: route(1), label: 'logo.svg' },
      { display: 'file', label: 'Voice message' },
    ]);
  });
});
