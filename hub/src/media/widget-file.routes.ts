import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { mediaIdOf, WidgetFileParams, type Attachment } from '@switchboard/contracts';
import { mediaStore, withTenant, type Orm } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import { sendMediaFile } from './file-response.ts';
import type { WidgetFileLinks } from './widget-file-links.ts';

export interface WidgetFileRoutesOptions {
  orm: Orm;
  links: WidgetFileLinks;
}

const noFile = () => new AppError('SB_ERR_NOT_FOUND', { message: 'No file has this link; it may have been copied incompletely.' });

/**
 * `GET /api/v1/widget/files/:token`: a file of a web chat conversation, for the storefront
 * visitor whose widget was given the link. Public (the visitor has no session): the token is
 * the permission, and it names one attachment of one message of one tenant until it expires.
 * The message is read in that tenant's scope and must still be a web chat message the visitor
 * can see (not a private note); files are served with the console route's safe headers.
 */
export const widgetFileRoutes: FastifyPluginAsyncTypebox<WidgetFileRoutesOptions> = async (app, { orm, links }) => {
  app.get('/api/v1/widget/files/:token', {
    config: { access: 'public' },
    schema: { tags: ['widget'], summary: "A file of the visitor's web chat conversation, by the signed link the widget was given (expires after a day)", params: WidgetFileParams },
  }, async (request, reply) => {
    const now = Date.now();
    const claims = links.read(request.params.token, now);
    const [row] = await withTenant(orm.em, claims.tenantId, (em) => em.execute<Array<{ attachments: Attachment[] }>>(
      `select m.attachments from messages m join channels ch on ch.id = m.channel_id
       where m.id = ? and not m.is_private and ch.type = 'webchat'`, [claims.messageId]));
    const attachment = row?.attachments[claims.index];
    const mediaId = mediaIdOf(attachment?.url);
    if (!attachment || mediaId === undefined) throw noFile();
    const file = await mediaStore.get(orm, claims.tenantId, mediaId);
    if (!file) throw noFile();
    const maxAge = Math.max(0, Math.floor((claims.expiresAt * 1000 - now) / 1000));
    // The storefront page is another site: it may show the file, never read it (no CORS).
    void reply.header('cross-origin-resource-policy', 'cross-origin');
    return sendMediaFile(reply, file, { name: attachment.fileName ?? file.fileName ?? `attachment-${claims.index + 1}`, cacheControl: `private, max-age=${maxAge}` });
  });
};
