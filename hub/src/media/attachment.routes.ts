import { randomUUID } from 'node:crypto';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { channelMediaId } from '@switchboard/bus';
import {
  attachmentKindOf, AttachmentParams, ConversationIdParams, mediaIdOf, TELEGRAM_FILE_PREFIX, UploadedAttachment, type Attachment,
} from '@switchboard/contracts';
import { mediaStore, withTenant, type Orm, type StoredMediaFile } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import type { SecretBox } from '@switchboard/security';
import { principalOf } from '../identity/me.routes.ts';
import { cleanMimeType, safeFileName } from './file-metadata.ts';
import { sendMediaFile } from './file-response.ts';
import { readMultipartFile } from './multipart-file.ts';
import { downloadTelegramFile } from './telegram-files.ts';

export interface AttachmentRoutesOptions {
  orm: Orm;
  secretBox: SecretBox;
  /** `TELEGRAM_API_ROOT`, where Telegram files are fetched from. */
  telegramApiRoot: string;
  /** `MEDIA_MAX_BYTES`: the largest file kept. */
  maxBytes: number;
}

interface AttachmentRow {
  attachments: Attachment[];
  channel_id: string;
  credentials_sealed: string | null;
}

const notKept = () => new AppError('SB_ERR_NOT_FOUND', { message: 'This attachment has no file kept: it was larger than Switchboard keeps, or the channel no longer had it.' });

/**
 * A conversation's files. `GET …/messages/:messageId/attachments/:index` serves a message's file
 * to the console: from the media store, or for a Telegram file from the Bot API the first time
 * it is asked for, then kept. `POST …/attachments` keeps a file an agent is about to send. Both
 * work in the caller's tenant scope, so another workspace's conversation is a 404 whatever ids
 * it names.
 */
export const attachmentRoutes: FastifyPluginAsyncTypebox<AttachmentRoutesOptions> = async (app, options) => {
  const { orm } = options;
  const tenantOf = (request: Parameters<typeof principalOf>[0]) => {
    const tenantId = principalOf(request).tenantId;
    if (tenantId === undefined) throw new AppError('SB_ERR_FORBIDDEN', { message: 'Choose a workspace first.' });
    return tenantId;
  };
  await app.register(multipart, { limits: { fileSize: options.maxBytes, files: 1, fields: 0, parts: 1, headerPairs: 100 } });

  app.post('/api/v1/conversations/:id/attachments', {
    config: { access: 'conversation.reply' },
    schema: {
      tags: ['conversations'],
      summary: 'Upload a file to send in this conversation (multipart field "file"); send it by naming its `mediaId` in a message',
      consumes: ['multipart/form-data'],
      params: ConversationIdParams,
      response: { 201: UploadedAttachment },
    },
  }, async (request, reply) => {
    const tenantId = tenantOf(request);
    const [conversation] = await withTenant(orm.em, tenantId, (em) => em.execute<Array<{ id: string }>>('select id from conversations where id = ?', [request.params.id]));
    if (!conversation) throw new AppError('SB_ERR_NOT_FOUND', { message: 'No conversation of this workspace has this id.' });
    const { file } = await readMultipartFile(request, options.maxBytes);
    const mimeType = cleanMimeType(file.mediaType);
    const fileName = safeFileName(file.name);
    const kept = await mediaStore.put(orm, tenantId, randomUUID(), { mimeType, fileName, bytes: file.bytes }, 'upload');
    return reply.status(201).send({ mediaId: kept.id, kind: attachmentKindOf(mimeType), mimeType, ...(fileName ? { fileName } : {}), sizeBytes: kept.sizeBytes });
  });

  app.get('/api/v1/conversations/:id/messages/:messageId/attachments/:index', {
    config: { access: 'conversation.read' },
    schema: { tags: ['conversations'], summary: "One file of a message (an image, a document, a voice note), with its type; documents download rather than open", params: AttachmentParams },
  }, async (request, reply) => {
    const { id, messageId, index } = request.params;
    const tenantId = tenantOf(request);
    const [row] = await withTenant(orm.em, tenantId, (em) => em.execute<AttachmentRow[]>(
      `select m.attachments, m.channel_id, ch.credentials_sealed from messages m join channels ch on ch.id = m.channel_id
       where m.id = ? and m.conversation_id = ?`, [messageId, id]));
    const attachment = row?.attachments[index];
    if (!row || !attachment) throw new AppError('SB_ERR_NOT_FOUND', { message: 'This conversation has no such message or attachment.' });
    const file = await fileOf(tenantId, row, attachment);
    // A kept file never changes under its id.
    return sendMediaFile(reply, file, { name: attachment.fileName ?? file.fileName ?? `attachment-${index + 1}`, cacheControl: 'private, max-age=31536000, immutable' });
  });

  async function fileOf(tenantId: string, row: AttachmentRow, attachment: Attachment): Promise<StoredMediaFile> {
    const url = attachment.url ?? '';
    const mediaId = mediaIdOf(url);
    if (mediaId !== undefined) {
      const file = await mediaStore.get(orm, tenantId, mediaId);
      if (!file) throw notKept();
      return file;
    }
    if (url.startsWith(TELEGRAM_FILE_PREFIX) && row.credentials_sealed !== null) {
      const fileId = url.slice(TELEGRAM_FILE_PREFIX.length);
      const mediaId = channelMediaId(row.channel_id, url);
      const kept = await mediaStore.get(orm, tenantId, mediaId);
      if (kept) return kept;
      const bytes = await downloadTelegramFile(options.telegramApiRoot, options.secretBox.open(row.credentials_sealed), fileId, options.maxBytes);
      return mediaStore.put(orm, tenantId, mediaId, { mimeType: attachment.mimeType, fileName: attachment.fileName, bytes });
    }
    throw notKept();
  }
};
