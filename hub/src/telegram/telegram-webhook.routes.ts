import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { createEnvelope, inboundDedupeKey, type Bus } from '@switchboard/bus';
import { checkSchema, IdParams, normaliseTelegramUpdate, TelegramUpdate } from '@switchboard/contracts';
import { AppError } from '@switchboard/errors';
import type { TelegramChannels } from './telegram-channels.ts';

export interface TelegramWebhookRoutesOptions {
  bus: Bus;
  telegram: TelegramChannels;
}

const secretHeader = 'x-telegram-bot-api-secret-token';

/**
 * `POST /api/v1/webhooks/telegram/:id`: Telegram's calls for a webhook-mode channel. The secret
 * token is checked in `onRequest`, before the body is read or the database asked, so a caller
 * without it learns nothing and costs nothing. An update becomes an `InboundMessage` through the
 * same normaliser the connector's polling uses and goes to `SB_INBOUND` under the same dedupe
 * key, so Telegram's retries (it retries anything but a 2xx) are one message.
 */
export const telegramWebhookRoutes: FastifyPluginAsyncTypebox<TelegramWebhookRoutesOptions> = async (app, { bus, telegram }) => {
  app.post('/api/v1/webhooks/telegram/:id', {
    // Telegram calls from a few addresses for every workspace's bots: a per-address limit would
    // let one busy bot starve the others. The secret is the gate; a refused call costs an HMAC.
    config: { access: 'public', perIpLimit: false },
    schema: {
      tags: ['webhooks'],
      summary: "Telegram's webhook for one channel; needs the channel's secret in X-Telegram-Bot-Api-Secret-Token",
      params: IdParams,
      response: { 200: Type.Object({ ok: Type.Boolean() }) },
    },
    onRequest: async (request) => {
      const { id } = request.params as { id: string };
      const given = request.headers[secretHeader];
      if (!telegram.verifySecret(id, typeof given === 'string' ? given : undefined)) throw new AppError('SB_ERR_WEBHOOK_SECRET');
    },
  }, async (request) => {
    const channel = await telegram.byId(request.params.id);
    if (!channel) throw new AppError('SB_ERR_NOT_FOUND', { message: 'No Telegram channel has this address any more; remove the webhook from the bot.' });
    // A suspended workspace takes nothing in; answering 2xx stops Telegram retrying the update.
    if (!channel.tenantActive) return { ok: true };
    const update = checkSchema(TelegramUpdate, request.body);
    if (!update.ok) {
      throw new AppError('SB_ERR_VALIDATION', { message: 'The body is not a Telegram update.', issues: update.issues.slice(0, 10).map((issue) => ({ path: `body${issue.path}`, message: issue.message })) });
    }
    const inbound = normaliseTelegramUpdate(update.value, { channelId: channel.id, allowGroups: channel.allowGroups });
    if (inbound === undefined) return { ok: true };
    await bus.publish(createEnvelope('inbound.message', channel.tenantId, inbound, { traceId: request.id }), { channelId: channel.id, msgId: inboundDedupeKey(inbound) });
    return { ok: true };
  });
};
