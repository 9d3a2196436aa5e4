import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { EntityManager } from '@mikro-orm/postgresql';
import { requestReply, type Bus } from '@switchboard/bus';
import {
  ChannelCommandReply,
  ChannelCommandRequest,
  ChannelPeerList,
  IdParams,
  subjects,
  WhatsAppSettings,
  type ChannelCommandReply as CommandReply,
} from '@switchboard/contracts';
import { withTenant, type Orm } from '@switchboard/db';
import { AppError, isAppError } from '@switchboard/errors';
import { auditActorOf, recordAudit } from '../audit/audit-writer.ts';
import { principalOf } from '../identity/me.routes.ts';
import { inboxActorOf } from './inbox.service.ts';

export interface WhatsAppChannelRoutesOptions {
  orm: Orm;
  bus: Bus;
  /** How long a connector node may take to answer a command (ms). */
  commandTimeoutMs?: number;
}

const commandSummaries = {
  start: "Start a WhatsApp channel's session (its QR, if it needs one, goes to the console)",
  stop: "Stop a WhatsApp channel's session, keeping its login for the next start",
  logout: "Log a WhatsApp channel's session out: the device is unlinked and the next start shows a QR",
} as const;
const auditActions = { start: 'channel.started', stop: 'channel.stopped', logout: 'channel.logged_out' } as const;
const peerSummaries = {
  groups: "The WhatsApp account's groups, with whether the bot answers in each, from its running session",
  contacts: "The WhatsApp account's contacts, from its running session",
} as const;
const notFound = () => new AppError('SB_ERR_NOT_FOUND', { message: 'No WhatsApp channel has this id.' });

/**
 * A WhatsApp channel's session, driven from the console: start, stop and log out, its groups
 * and contacts (asked of the connector node holding the session over `sb.req.whatsapp.<tenant>`)
 * and its whitelist and group settings.
 */
export const whatsAppChannelRoutes: FastifyPluginAsyncTypebox<WhatsAppChannelRoutesOptions> = async (app, { orm, bus, commandTimeoutMs = 5_000 }) => {
  const inTenant = <T>(request: Parameters<typeof principalOf>[0], work: (em: EntityManager, tenantId: string) => Promise<T>) => {
    const { tenantId } = inboxActorOf(principalOf(request));
    return withTenant(orm.em, tenantId, (em) => work(em, tenantId));
  };
  /** Undefined when no connector node holds (or, for start, could lease) the session. */
  const ask = async (tenantId: string, request: ChannelCommandRequest): Promise<CommandReply | undefined> => {
    try {
      return await requestReply(bus.nc, subjects.request('whatsapp', tenantId), { request: ChannelCommandRequest, response: ChannelCommandReply }, request, { timeoutMs: commandTimeoutMs });
    } catch (error) {
      if (isAppError(error) && error.code === 'SB_ERR_DEPENDENCY_DOWN') return undefined;
      throw error;
    }
  };
  const stoppedReply = (channelId: string): CommandReply => ({ status: { channelId, channelType: 'whatsapp', state: 'stopped' } });

  for (const command of ['start', 'stop', 'logout'] as const) {
    app.post(`/api/v1/channels/:id/${command}`, {
      config: { access: 'channel.manage' },
      schema: { tags: ['channels'], summary: commandSummaries[command], params: IdParams, response: { 200: ChannelCommandReply } },
    }, async (request) => {
      const { id } = request.params;
      const tenantId = await inTenant(request, async (em, tenant) => {
        const [row] = await em.execute<Array<{ id: string }>>(
          `update channels set status = ?, updated_at = now() where id = ? and type = 'whatsapp' returning id`,
          [command === 'start' ? 'active' : 'stopped', id],
        );
        if (!row) throw notFound();
        recordAudit(em, auditActorOf(request), { action: auditActions[command], tenantId: tenant, targetType: 'channel', targetId: id });
        await em.flush();
        return tenant;
      });
      const answer = await ask(tenantId, { type: command, channelId: id });
      if (answer) return answer;
      if (command === 'start') {
        throw new AppError('SB_ERR_DEPENDENCY_DOWN', { message: 'No connector node has room for this WhatsApp session right now; it starts as soon as one has.' });
      }
      // No node runs it: it is stopped already. Logging out still forgets the saved login.
      if (command === 'logout') await inTenant(request, (em) => em.execute('delete from whatsapp_sessions where channel_id = ?', [id]));
      return stoppedReply(id);
    });
  }

  for (const kind of ['groups', 'contacts'] as const) {
    app.get(`/api/v1/channels/:id/${kind}`, {
      config: { access: 'channel.manage' },
      schema: { tags: ['channels'], summary: peerSummaries[kind], params: IdParams, response: { 200: ChannelPeerList } },
    }, async (request) => {
      const { id } = request.params;
      const tenantId = await inTenant(request, async (em, tenant) => {
        const [row] = await em.execute<Array<{ id: string }>>(`select id from channels where id = ? and type = 'whatsapp'`, [id]);
        if (!row) throw notFound();
        return tenant;
      });
      const answer = await ask(tenantId, { type: kind, channelId: id });
      if (!answer) throw new AppError('SB_ERR_CONFLICT', { message: 'The WhatsApp session is not running; start it and scan the QR first.' });
      return { items: answer.peers ?? [] };
    });
  }

  app.get('/api/v1/channels/:id/whatsapp-settings', {
    config: { access: 'channel.manage' },
    schema: { tags: ['channels'], summary: 'Who gets bot replies on a WhatsApp channel, and the groups the bot answers in', params: IdParams, response: { 200: WhatsAppSettings } },
  }, async (request) => inTenant(request, async (em) => {
    const [row] = await em.execute<Array<{ settings: Partial<WhatsAppSettings> | null }>>(`select settings from channels where id = ? and type = 'whatsapp'`, [request.params.id]);
    if (!row) throw notFound();
    return { whitelist: row.settings?.whitelist ?? [], enabledGroups: row.settings?.enabledGroups ?? [] };
  }));

  app.put('/api/v1/channels/:id/whatsapp-settings', {
    config: { access: 'channel.manage' },
    schema: { tags: ['channels'], summary: 'Set who gets bot replies (an empty whitelist means everyone) and the groups the bot answers in', params: IdParams, body: WhatsAppSettings, response: { 200: WhatsAppSettings } },
  }, async (request) => {
    const { id } = request.params;
    const tenantId = await inTenant(request, async (em, tenant) => {
      const [row] = await em.execute<Array<{ id: string }>>(
        `update channels set settings = settings || ?::jsonb, updated_at = now() where id = ? and type = 'whatsapp' returning id`,
        [JSON.stringify(request.body), id],
      );
      if (!row) throw notFound();
      recordAudit(em, auditActorOf(request), { action: 'channel.updated', tenantId: tenant, targetType: 'channel', targetId: id, metadata: { whitelist: request.body.whitelist.length, enabledGroups: request.body.enabledGroups.length } });
      await em.flush();
      return tenant;
    });
    // The holder reloads now; were it unreachable, it reloads at its next lease renewal anyway.
    await ask(tenantId, { type: 'settings', channelId: id }).catch(() => undefined);
    return request.body;
  });
};
