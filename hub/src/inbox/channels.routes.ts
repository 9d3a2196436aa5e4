import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger } from 'fastify';
import type { EntityManager } from '@mikro-orm/postgresql';
import { requestReply, type Bus } from '@switchboard/bus';
import {
  ChannelCommandReply,
  ChannelCommandRequest,
  checkSchema,
  ChannelList,
  ChannelRemoved,
  CreateWhatsAppChannelRequest,
  subjects,
  ChannelView,
  ConversationSettingsView,
  CreateTelegramChannelRequest,
  IdParams,
  UpdateTelegramChannelRequest,
  UpdateWebchatChannelRequest,
  WidgetConfig,
  WidgetKeyParams,
  type ChannelType,
} from '@switchboard/contracts';
import { withTenant, type Orm } from '@switchboard/db';
import { AppError } from '@switchboard/errors';
import Type, { type TSchema } from 'typebox';
import { auditActorOf, recordAudit } from '../audit/audit-writer.ts';
import { principalOf } from '../identity/me.routes.ts';
import type { TelegramChannels } from '../telegram/telegram-channels.ts';
import { inboxActorOf } from './inbox.service.ts';
import type { WebchatChannels } from './webchat-channels.ts';

interface ChannelRow {
  id: string;
  type: ChannelType;
  name: string;
  public_key: string | null;
  allowed_origins: string[];
  settings: { enforceIdentity?: boolean; account?: string; mode?: 'webhook' | 'polling'; allowGroups?: boolean } | null;
  status: string;
  last_activity_at: Date | null;
  created_at: Date;
}

const channelView = (row: ChannelRow): ChannelView => ({
  id: row.id,
  type: row.type,
  name: row.name,
  ...(row.public_key ? { publicKey: row.public_key } : {}),
  allowedOrigins: row.allowed_origins,
  enforceIdentity: row.settings?.enforceIdentity === true,
  status: row.status,
  ...(row.type === 'telegram' ? telegramView(row.settings) : {}),
  ...(row.last_activity_at ? { lastActivityAt: new Date(row.last_activity_at).toISOString() } : {}),
  createdAt: new Date(row.created_at).toISOString(),
});

/** What a Telegram channel shows beyond the common fields; never its token. */
const telegramView = (settings: ChannelRow['settings']) => ({
  ...(settings?.account ? { account: settings.account } : {}),
  ...(settings?.mode ? { mode: settings.mode } : {}),
  allowGroups: settings?.allowGroups === true,
});

export interface ChannelRoutesOptions {
  orm: Orm;
  webchat: WebchatChannels;
  telegram: TelegramChannels;
  bus: Bus;
}

/** `POST /api/v1/channels`: one body per channel type that can be added (webchat comes with the workspace). */
const CreateChannelRequest = Type.Union([CreateTelegramChannelRequest, CreateWhatsAppChannelRequest]);

/** `PATCH /api/v1/channels/:id`: a Telegram channel's body says `type`; the webchat one's does not (it came first). */
const UpdateChannelRequest = Type.Union([UpdateWebchatChannelRequest, UpdateTelegramChannelRequest]);

/** Business hours the schema cannot judge: a time zone this server knows, periods that end after they start. */
function checkBusinessHours(hours: ConversationSettingsView['businessHours']): void {
  if (hours === undefined) return;
  try {
    new Intl.DateTimeFormat('en', { timeZone: hours.timezone });
  } catch {
    throw new AppError('SB_ERR_VALIDATION', {
      message: `businessHours.timezone: "${hours.timezone.slice(0, 64)}" is not a time zone; use an IANA name such as Africa/Casablanca.`,
      issues: [{ path: 'body/businessHours/timezone', message: 'is not an IANA time zone' }],
    });
  }
  const index = hours.periods.findIndex((period) => period.to <= period.from);
  if (index >= 0) {
    throw new AppError('SB_ERR_VALIDATION', {
      message: `businessHours.periods[${index}]: must end after it starts.`,
      issues: [{ path: `body/businessHours/periods/${index}/to`, message: 'must be after from' }],
    });
  }
}

/**
 * Checks the body against its own type's schema before the union is: the union's errors would
 * name every branch's fields (a bad Telegram token also reported as "not a WhatsApp field").
 */
async function checkChannelBody(request: { body: unknown }): Promise<void> {
  const type = (request.body as { type?: unknown } | null)?.type;
  const schema = type === 'telegram' ? CreateTelegramChannelRequest : type === 'whatsapp' ? CreateWhatsAppChannelRequest : undefined;
  if (schema === undefined) {
    throw new AppError('SB_ERR_VALIDATION', { message: 'type: must be "telegram" or "whatsapp"', issues: [{ path: 'body/type', message: 'must be "telegram" or "whatsapp"' }] });
  }
  checkBodyAgainst(schema, request.body);
}

/** The same for an edit: `type: "telegram"` picks the Telegram body, no type the webchat one. */
async function checkChannelUpdateBody(request: { body: unknown }): Promise<void> {
  const body = request.body as Record<string, unknown> | null | undefined;
  const type = body?.['type'];
  if (type !== undefined && type !== 'telegram') {
    throw new AppError('SB_ERR_VALIDATION', { message: 'type: must be "telegram", or left out for the web chat channel', issues: [{ path: 'body/type', message: 'must be "telegram", or left out for the web chat channel' }] });
  }
  if (type === 'telegram' && Object.keys(body ?? {}).length === 1) {
    throw new AppError('SB_ERR_VALIDATION', { message: 'Nothing to change: give name, token, mode or allowGroups.', issues: [{ path: 'body', message: 'names nothing to change' }] });
  }
  checkBodyAgainst(type === 'telegram' ? UpdateTelegramChannelRequest : UpdateWebchatChannelRequest, body);
}

function checkBodyAgainst(schema: TSchema, body: unknown): void {
  const check = checkSchema(schema, body);
  if (!check.ok) {
    const issues = check.issues.map((issue) => ({ path: `body${issue.path}`, message: issue.message }));
    throw new AppError('SB_ERR_VALIDATION', { message: issues.map((issue) => `${issue.path.slice(5)}: ${issue.message}`).join('; '), issues });
  }
}

/**
 * `/api/v1/channels` (a tenant's channels; the webchat one with its public key and, for admins,
 * its identity secret; adding, editing and removing a Telegram bot), `/api/v1/conversation-settings`
 * (handoff and inactivity rules, bot messages, FAQ) and the widget's public
 * `GET /api/v1/widget/:key/config`. A removed channel keeps its row (see migration 0012), so its
 * conversations stay; the list, the Telegram routes and the session and webhook lookups skip it.
 */
export const channelRoutes: FastifyPluginAsyncTypebox<ChannelRoutesOptions> = async (app, { orm, webchat, telegram, bus }) => {
  const inTenant = <T>(request: Parameters<typeof principalOf>[0], work: (em: EntityManager, tenantId: string) => Promise<T>) => {
    const { tenantId } = inboxActorOf(principalOf(request));
    return withTenant(orm.em, tenantId, (em) => work(em, tenantId));
  };

  /** Tells the connector nodes a Telegram channel changed; they reload it within 30 s anyway. */
  const tellTelegramBots = async (log: FastifyBaseLogger, tenantId: string, command: ChannelCommandRequest) => {
    await requestReply(bus.nc, subjects.request('telegram', tenantId), { request: ChannelCommandRequest, response: ChannelCommandReply }, command, { timeoutMs: 3_000 })
      .catch((error: unknown) => log.warn({ err: error, channelId: command.channelId }, 'no connector node confirmed the Telegram channel change; they pick it up at their next refresh'));
  };

  /**
   * A removed WhatsApp channel's session is logged out by the node holding it (the phone's
   * linked device goes, and the login with it), and its saved login is deleted wherever it is
   * kept. Answers a warning when no node held the session: then WhatsApp still lists the device
   * on the phone until someone removes it there.
   */
  const logOutRemovedWhatsApp = async (tenantId: string, channelId: string): Promise<string | undefined> => {
    const answered = await requestReply(bus.nc, subjects.request('whatsapp', tenantId), { request: ChannelCommandRequest, response: ChannelCommandReply }, { type: 'logout', channelId }, { timeoutMs: 5_000 })
      .then(() => true, () => false);
    // Also when a node answered: a node that stopped the session for the removal just before
    // the logout arrived has saved its login once more.
    await withTenant(orm.em, tenantId, (em) => em.execute('delete from whatsapp_sessions where channel_id = ?', [channelId]));
    return answered ? undefined : 'No connector node was running this WhatsApp session, so it could not be unlinked from the phone; its saved login is deleted. Remove the linked device in WhatsApp on the phone (Settings → Linked devices).';
  };

  app.get('/api/v1/channels', {
    config: { access: 'channel.read' },
    schema: { tags: ['channels'], summary: "The workspace's channels; the webchat channel carries the widget's public key", response: { 200: ChannelList } },
  }, async (request) => ({
    items: (await inTenant(request, (em) => em.execute<ChannelRow[]>('select * from channels where removed_at is null order by created_at'))).map(channelView),
  }));

  app.post('/api/v1/channels', {
    config: { access: 'channel.manage' },
    preValidation: checkChannelBody,
    schema: {
      tags: ['channels'],
      summary: 'Add a channel: a Telegram bot (its token checked with getMe, stored encrypted, never returned; in webhook mode with PUBLIC_URL set, the webhook is registered) or a WhatsApp number (its session starts and its QR shows in the console)',
      body: CreateChannelRequest,
      response: { 201: ChannelView },
    },
  }, async (request, reply) => {
    const { body } = request;
    if (body.type === 'telegram') {
      const bot = await telegram.checkToken(body.token);
      const { row, tenantId } = await inTenant(request, async (em, tenant) => {
        const created = await telegram.create(em, tenant, body, bot) as unknown as ChannelRow;
        recordAudit(em, auditActorOf(request), { action: 'channel.created', tenantId: tenant, targetType: 'channel', targetId: created.id, metadata: { type: 'telegram', name: body.name, mode: body.mode } });
        await em.flush();
        return { row: created, tenantId: tenant };
      });
      // The bot starts now rather than at the connector's next refresh.
      await tellTelegramBots(request.log, tenantId, { type: 'settings', channelId: row.id });
      return reply.code(201).send(channelView(row));
    }
    // ── WhatsApp ──
    const { name } = body;
    const created = await inTenant(request, async (em, tenantId) => {
      const [row] = await em.execute<ChannelRow[]>(`insert into channels (tenant_id, type, name) values (?, 'whatsapp', ?) returning *`, [tenantId, name]);
      if (!row) throw new AppError('SB_ERR_INTERNAL', { message: 'the channel was not created' });
      recordAudit(em, auditActorOf(request), { action: 'channel.created', tenantId, targetType: 'channel', targetId: row.id, metadata: { type: 'whatsapp', name } });
      await em.flush();
      return { row, tenantId };
    });
    // A connector node with room leases the session now; without one, the next one to renew adopts it.
    await requestReply(bus.nc, subjects.request('whatsapp', created.tenantId), { request: ChannelCommandRequest, response: ChannelCommandReply }, { type: 'start', channelId: created.row.id }, { timeoutMs: 3_000 })
      .catch((error: unknown) => request.log.warn({ err: error, channelId: created.row.id }, 'no connector node started the new WhatsApp session yet'));
    return reply.code(201).send(channelView(created.row));
    // ── end WhatsApp ──
  });

  app.get('/api/v1/channels/:id/identity-secret', {
    config: { access: 'channel.manage' },
    schema: { tags: ['channels'], summary: "The webchat channel's secret for signing storefront identities (HMAC-SHA256 of the customer id, hex)", params: IdParams },
  }, async (request) => {
    await inTenant(request, async (em) => {
      const [row] = await em.execute<Array<{ id: string }>>(`select id from channels where id = ? and type = 'webchat'`, [request.params.id]);
      if (!row) throw new AppError('SB_ERR_NOT_FOUND', { message: 'No webchat channel has this id.' });
    });
    return { identitySecret: webchat.identitySecret(request.params.id) };
  });

  app.patch('/api/v1/channels/:id', {
    config: { access: 'channel.manage' },
    preValidation: checkChannelUpdateBody,
    schema: {
      tags: ['channels'],
      summary: "Change a channel: a webchat channel's name, allowed origins or identity enforcement; or, with type telegram in the body, a Telegram channel's name, groups, mode (setWebhook, or deleteWebhook for polling) or token (checked with getMe; another bot only if it is no other channel)",
      params: IdParams,
      body: UpdateChannelRequest,
      response: { 200: ChannelView },
    },
  }, async (request) => {
    const { body } = request;
    if ('type' in body) {
      const { id } = request.params;
      // Not found before the token is checked: someone else's channel id learns nothing from getMe.
      await inTenant(request, async (em) => {
        const [row] = await em.execute<Array<{ id: string }>>(`select id from channels where id = ? and type = 'telegram' and removed_at is null`, [id]);
        if (!row) throw new AppError('SB_ERR_NOT_FOUND', { message: 'No Telegram channel has this id.' });
      });
      const bot = body.token === undefined ? undefined : await telegram.checkToken(body.token);
      const { edit, tenantId } = await inTenant(request, async (em, tenant) => {
        const changed = await telegram.update(em, id, body, bot);
        const { token, ...fields } = body;
        recordAudit(em, auditActorOf(request), { action: 'channel.updated', tenantId: tenant, targetType: 'channel', targetId: id, metadata: { ...fields, tokenChanged: token !== undefined } });
        await em.flush();
        return { edit: changed, tenantId: tenant };
      });
      telegram.forget(id);
      if (edit.releasedToken !== undefined) {
        const warning = await telegram.releaseBot(id, edit.releasedToken);
        if (warning !== undefined) request.log.warn({ channelId: id }, `the channel's previous bot kept its webhook: ${warning}`);
      }
      await tellTelegramBots(request.log, tenantId, { type: 'settings', channelId: id });
      return channelView(edit.row as unknown as ChannelRow);
    }
    const { name, allowedOrigins, enforceIdentity } = body;
    const origins = allowedOrigins === undefined ? null : JSON.stringify(allowedOrigins);
    const updated = await inTenant(request, async (em, tenantId) => {
      const [row] = await em.execute<ChannelRow[]>(
        // The origins travel as JSON: the driver expands a JS array parameter into a list of
        // values, which `?::text[]` refuses ("malformed array literal").
        `update channels set name = coalesce(?, name),
           allowed_origins = case when ?::jsonb is null then allowed_origins else array(select jsonb_array_elements_text(?::jsonb)) end,
           settings = case when ?::boolean is null then settings else jsonb_set(settings, '{enforceIdentity}', to_jsonb(?::boolean)) end,
           updated_at = now()
         where id = ? and type = 'webchat' returning *`,
        [name ?? null, origins, origins, enforceIdentity ?? null, enforceIdentity ?? null, request.params.id],
      );
      if (!row) throw new AppError('SB_ERR_NOT_FOUND', { message: 'No webchat channel has this id.' });
      recordAudit(em, auditActorOf(request), { action: 'channel.updated', tenantId, targetType: 'channel', targetId: row.id, metadata: { ...body } });
      await em.flush();
      return row;
    });
    webchat.forget(updated.public_key);
    return channelView(updated);
  });

  app.delete('/api/v1/channels/:id', {
    config: { access: 'channel.manage' },
    schema: {
      tags: ['channels'],
      summary: "Remove a channel: it leaves the list and takes nothing in (a Telegram bot's webhook is deleted and the bot stops; a WhatsApp session is logged out, unlinking the phone, and its saved login deleted); its conversations and messages stay. The web chat channel cannot be removed",
      params: IdParams,
      response: { 200: ChannelRemoved },
    },
  }, async (request) => {
    const { id } = request.params;
    const removed = await inTenant(request, async (em, tenantId) => {
      const [row] = await em.execute<Array<{ type: ChannelType; credentials_sealed: string | null }>>(
        'select type, credentials_sealed from channels where id = ? and removed_at is null for update',
        [id],
      );
      if (!row) throw new AppError('SB_ERR_NOT_FOUND', { message: 'No channel has this id.' });
      if (row.type === 'webchat') {
        throw new AppError('SB_ERR_CONFLICT', { message: 'The web chat channel comes with the workspace and cannot be removed; to take the widget off your site, remove its snippet from your pages.' });
      }
      // The token stays sealed: the files customers sent are fetched from Telegram when first
      // viewed, and the history of a removed channel is still the business's to read. Nothing
      // starts the bot again (the lookups answer active channels only).
      const [marked] = await em.execute<Array<{ removed_at: Date }>>(
        `update channels set status = 'removed', removed_at = now(), updated_at = now() where id = ? returning removed_at`,
        [id],
      );
      recordAudit(em, auditActorOf(request), { action: 'channel.removed', tenantId, targetType: 'channel', targetId: id, metadata: { type: row.type } });
      await em.flush();
      return {
        tenantId, type: row.type, removedAt: new Date(marked?.removed_at ?? Date.now()).toISOString(),
        token: row.type === 'telegram' ? telegram.openToken(row.credentials_sealed) : undefined,
      };
    });
    if (removed.type === 'whatsapp') {
      const warning = await logOutRemovedWhatsApp(removed.tenantId, id);
      if (warning !== undefined) request.log.warn({ channelId: id }, warning);
      return { id, removedAt: removed.removedAt, warnings: warning === undefined ? [] : [warning] };
    }
    const warning = await telegram.releaseBot(id, removed.token);
    if (warning !== undefined) request.log.warn({ channelId: id }, `a removed Telegram channel kept its webhook: ${warning}`);
    await tellTelegramBots(request.log, removed.tenantId, { type: 'stop', channelId: id });
    return { id, removedAt: removed.removedAt, warnings: warning === undefined ? [] : [warning] };
  });

  app.get('/api/v1/conversation-settings', {
    config: { access: 'conversation.read' },
    schema: { tags: ['bot'], summary: 'How conversations hand off and time out, and what the bot says', response: { 200: ConversationSettingsView } },
  }, async (request) => inTenant(request, async (em) => {
    const [row] = await em.execute<Array<{ conversation_settings: unknown }>>('select conversation_settings from tenants');
    return webchat.settingsView(row?.conversation_settings);
  }));

  app.put('/api/v1/conversation-settings', {
    config: { access: 'bot.manage' },
    schema: { tags: ['bot'], summary: 'Change handoff keywords, agent inactivity, bot messages and FAQ', body: ConversationSettingsView, response: { 200: ConversationSettingsView } },
  }, async (request) => inTenant(request, async (em, tenantId) => {
    checkBusinessHours(request.body.businessHours);
    await em.execute('update tenants set conversation_settings = ?, updated_at = now() where id = ?', [JSON.stringify(request.body), tenantId]);
    recordAudit(em, auditActorOf(request), { action: 'conversation_settings.updated', tenantId, targetType: 'tenant', targetId: tenantId });
    await em.flush();
    return request.body;
  }));

  app.get('/api/v1/widget/:key/config', {
    config: { access: 'public' },
    schema: { tags: ['widget'], summary: "What the storefront widget shows before it connects: the workspace's name, colour and welcome", params: WidgetKeyParams, response: { 200: WidgetConfig } },
  }, async (request, reply) => {
    const channel = await webchat.byKey(request.params.key);
    if (!channel) throw new AppError('SB_ERR_NOT_FOUND', { message: 'No chat widget has this key; copy the snippet from the Channels page again.' });
    void reply.header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=60');
    return webchat.widgetConfig(channel);
  });
};
