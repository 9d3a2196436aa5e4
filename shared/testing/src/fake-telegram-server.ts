import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseBotApiBody, type BotApiFile } from './bot-api-body.ts';

/** A bot the fake knows; calls with any other token get Telegram's 401. */
export interface FakeTelegramBot {
  token: string;
  id: number;
  username: string;
  firstName: string;
}

/** A call the server received, with its parameters as the SDK sent them (JSON, form or multipart). */
export interface FakeTelegramCall {
  token: string;
  method: string;
  params: Record<string, unknown>;
  /** Files uploaded in a multipart body, by field name. */
  files: Record<string, BotApiFile>;
  /** When the call arrived (ms since the epoch), to check how long a client waited between two. */
  at: number;
}

/** A scripted Bot API error for the next call of a method, e.g. 403 blocked or 429 with retry_after. */
export interface FakeTelegramFailure {
  status: number;
  description: string;
  retryAfter?: number;
}

export interface FakeTelegramServer {
  /** `http://127.0.0.1:<port>`, for telegraf's `apiRoot` and `TELEGRAM_API_ROOT`. */
  apiRoot: string;
  /** Every call received, in order, refused ones included. */
  calls: FakeTelegramCall[];
  /** Registers a bot and answers its token. */
  addBot(bot?: Partial<FakeTelegramBot>): FakeTelegramBot;
  /** Queues an update for `getUpdates`; `update_id` is assigned when missing. Answers the update. */
  enqueueUpdate(token: string, update: Record<string, unknown>): Record<string, unknown> & { update_id: number };
  /**
   * Delivers an update to the bot's webhook as Telegram does (POST JSON with the registered
   * `secret_token` in `X-Telegram-Bot-Api-Secret-Token`); answers the webhook's HTTP status.
   * `secretToken` replaces the registered secret (null: none); `url` replaces the address, for a
   * hub registered under a public name that resolves nowhere in a test.
   */
  deliverWebhook(token: string, update: Record<string, unknown>, options?: { secretToken?: string | null; url?: string }): Promise<number>;
  /** The webhook a bot registered with `setWebhook`, if any. */
  webhookOf(token: string): { url: string; secretToken?: string } | undefined;
  /** Stores a file a customer "sent"; its id works with getFile and the download path. */
  addFile(content: Buffer | string, options?: { fileName?: string }): { fileId: string; fileUniqueId: string; size: number };
  /** Makes the next call of `method` fail with a Bot API error. */
  failNext(method: string, failure: FakeTelegramFailure): void;
  /** The calls of one method, in order. */
  callsOf(method: string): FakeTelegramCall[];
  close(): Promise<void>;
}

interface BotState {
  bot: FakeTelegramBot;
  queue: Array<Record<string, unknown> & { update_id: number }>;
  waiters: Set<() => void>;
  webhook?: { url: string; secretToken?: string };
  nextMessageId: number;
}

const pathPattern = /^\/bot([^/]+)\/([A-Za-z]+)$/;
const filePattern = /^\/file\/bot([^/]+)\/(.+)$/;

/**
 * A local server speaking the Telegram Bot API wire protocol (`POST /bot<token>/<method>` with a
 * JSON, form or multipart body; answers `{ok, result}` or `{ok: false, error_code, description}`),
 * enough for the real telegraf: getMe, setWebhook, deleteWebhook, getWebhookInfo, getUpdates
 * (long polling with offset and timeout), sendMessage, sendPhoto, sendDocument, getFile and the
 * `/file/bot<token>/<path>` download. Telegram's servers are out of reach in tests; this is not.
 */
export async function startFakeTelegramServer(): Promise<FakeTelegramServer> {
  const bots = new Map<string, BotState>();
  const files = new Map<string, { content: Buffer; path: string; uniqueId: string }>();
  const failures = new Map<string, FakeTelegramFailure[]>();
  const calls: FakeTelegramCall[] = [];
  let nextUpdateId = 1000;
  let nextBotId = 7_000_000_001;

  const send = (response: ServerResponse, status: number, body: unknown) => {
    if (response.writableEnded || response.destroyed) return;
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const fail = (response: ServerResponse, status: number, description: string, retryAfter?: number) =>
    send(response, status, { ok: false, error_code: status, description, ...(retryAfter === undefined ? {} : { parameters: { retry_after: retryAfter } }) });

  const botUser = (bot: FakeTelegramBot) => ({ id: bot.id, is_bot: true, first_name: bot.firstName, username: bot.username });
  const sentMessage = (state: BotState, chatId: unknown, extra: Record<string, unknown>) => ({
    message_id: state.nextMessageId++,
    date: Math.floor(Date.now() / 1000),
    chat: { id: Number(chatId), type: Number(chatId) < 0 ? 'group' : 'private' },
    from: botUser(state.bot),
    ...extra,
  });
  /** A photo or document parameter: an uploaded file, a file id we know, or a URL. */
  const mediaOf = (call: FakeTelegramCall, field: string): { fileId: string; size: number; fileName?: string } | string => {
    const upload = call.files[field];
    if (upload) {
      const stored = addFile(upload.content, { fileName: upload.fileName });
      return { fileId: stored.fileId, size: stored.size, fileName: upload.fileName };
    }
    const value = call.params[field];
    if (typeof value !== 'string' || value === '') return `Bad Request: there is no ${field} in the request`;
    const known = files.get(value);
    if (known) return { fileId: value, size: known.content.byteLength };
    if (/^https?:\/\//.test(value)) return { fileId: addFile(`fetched from ${value}`).fileId, size: 0 };
    return 'Bad Request: wrong file identifier/HTTP URL specified';
  };

  const methods: Record<string, (state: BotState, call: FakeTelegramCall, response: ServerResponse, request: IncomingMessage) => void> = {
    getMe: (state, _call, response) => send(response, 200, { ok: true, result: { ...botUser(state.bot), can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false } }),
    setWebhook: (state, { params }, response) => {
      if (typeof params['url'] !== 'string' || params['url'] === '') {
        delete state.webhook;
      } else {
        state.webhook = { url: params['url'], ...(typeof params['secret_token'] === 'string' ? { secretToken: params['secret_token'] } : {}) };
      }
      send(response, 200, { ok: true, result: true, description: 'Webhook was set' });
    },
    deleteWebhook: (state, { params }, response) => {
      delete state.webhook;
      if (params['drop_pending_updates'] === true || params['drop_pending_updates'] === 'true') state.queue.length = 0;
      send(response, 200, { ok: true, result: true, description: 'Webhook was deleted' });
    },
    getWebhookInfo: (state, _call, response) => send(response, 200, { ok: true, result: { url: state.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: state.queue.length } }),
    getUpdates: (state, { params }, response, request) => {
      if (state.webhook) return fail(response, 409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
      const offset = Number(params['offset'] ?? 0);
      const limit = Math.min(100, Math.max(1, Number(params['limit'] ?? 100)));
      const timeoutSeconds = Math.min(50, Math.max(0, Number(params['timeout'] ?? 0)));
      // An offset confirms every update before it, as on Telegram.
      if (offset > 0) state.queue.splice(0, state.queue.filter((update) => update.update_id < offset).length);
      const answer = () => send(response, 200, { ok: true, result: state.queue.slice(0, limit) });
      if (state.queue.length > 0 || timeoutSeconds === 0) return answer();
      const done = () => {
        clearTimeout(timer);
        state.waiters.delete(done);
        answer();
      };
      const timer = setTimeout(done, timeoutSeconds * 1000);
      state.waiters.add(done);
      // The SDK aborts its long poll when it stops; forget the waiter then.
      request.once('close', () => {
        clearTimeout(timer);
        state.waiters.delete(done);
      });
    },
    sendMessage: (state, { params }, response) => {
      if (typeof params['text'] !== 'string' || params['text'] === '') return fail(response, 400, 'Bad Request: message text is empty');
      const replyTo = replyToOf(params);
      send(response, 200, { ok: true, result: sentMessage(state, params['chat_id'], { text: params['text'], ...(replyTo ? { reply_to_message: { message_id: replyTo } } : {}) }) });
    },
    sendPhoto: (state, call, response) => {
      const media = mediaOf(call, 'photo');
      if (typeof media === 'string') return fail(response, 400, media);
      send(response, 200, { ok: true, result: sentMessage(state, call.params['chat_id'], {
        photo: [{ file_id: media.fileId, file_unique_id: media.fileId.slice(0, 16), width: 640, height: 480, file_size: media.size }],
        ...(typeof call.params['caption'] === 'string' ? { caption: call.params['caption'] } : {}),
      }) });
    },
    sendDocument: (state, call, response) => {
      const media = mediaOf(call, 'document');
      if (typeof media === 'string') return fail(response, 400, media);
      send(response, 200, { ok: true, result: sentMessage(state, call.params['chat_id'], {
        document: { file_id: media.fileId, file_unique_id: media.fileId.slice(0, 16), file_size: media.size, ...(media.fileName ? { file_name: media.fileName } : {}) },
        ...(typeof call.params['caption'] === 'string' ? { caption: call.params['caption'] } : {}),
      }) });
    },
    getFile: (_state, { params }, response) => {
      const fileId = String(params['file_id'] ?? '');
      const file = files.get(fileId);
      if (!file) return fail(response, 400, 'Bad Request: invalid file_id');
      send(response, 200, { ok: true, result: { file_id: fileId, file_unique_id: file.uniqueId, file_size: file.content.byteLength, file_path: file.path } });
    },
  };

  function addFile(content: Buffer | string, options: { fileName?: string } = {}) {
    const fileId = `AgAC${randomBytes(18).toString('base64url')}`;
    const uniqueId = randomBytes(8).toString('hex');
    const body = typeof content === 'string' ? Buffer.from(content) : content;
    files.set(fileId, { content: body, uniqueId, path: `documents/${uniqueId}_${options.fileName ?? 'file'}` });
    return { fileId, fileUniqueId: uniqueId, size: body.byteLength };
  }

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => fail(response, 500, `Internal Server Error: ${String(error)}`));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const arrivedAt = Date.now();
    const url = new URL(request.url ?? '/', 'http://fake');
    const download = filePattern.exec(url.pathname);
    if (download && request.method === 'GET') {
      if (!bots.has(decodeURIComponent(download[1] ?? ''))) return fail(response, 401, 'Unauthorized');
      const file = [...files.values()].find((candidate) => candidate.path === decodeURIComponent(download[2] ?? ''));
      if (!file) return fail(response, 404, 'Not Found');
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.content.byteLength }).end(file.content);
      return;
    }
    const match = pathPattern.exec(url.pathname);
    if (!match) return fail(response, 404, 'Not Found');
    const token = decodeURIComponent(match[1] ?? '');
    const method = match[2] ?? '';
    const body = await parseBotApiBody(request, url);
    const call: FakeTelegramCall = { token, method, params: body.fields, files: body.files, at: arrivedAt };
    calls.push(call);
    const state = bots.get(token);
    if (!state) return fail(response, 401, 'Unauthorized');
    const scripted = failures.get(method)?.shift();
    if (scripted) return fail(response, scripted.status, scripted.description, scripted.retryAfter);
    const implementation = methods[method];
    if (!implementation) return fail(response, 404, 'Not Found: method not found');
    implementation(state, call, response, request);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    calls,
    addBot(bot = {}) {
      const id = bot.id ?? nextBotId++;
      const created: FakeTelegramBot = {
        id,
        token: bot.token ?? `${id}:AA${randomBytes(24).toString('base64url')}`,
        username: bot.username ?? `shop_${id}_bot`,
        firstName: bot.firstName ?? 'Shop bot',
      };
      bots.set(created.token, { bot: created, queue: [], waiters: new Set(), nextMessageId: 1 });
      return created;
    },
    enqueueUpdate(token, update) {
      const state = bots.get(token);
      if (!state) throw new Error('enqueueUpdate: no bot has this token');
      const queued = { ...update, update_id: typeof update['update_id'] === 'number' ? update['update_id'] : nextUpdateId++ };
      state.queue.push(queued);
      for (const wake of [...state.waiters]) wake();
      return queued;
    },
    async deliverWebhook(token, update, options = {}) {
      const webhook = bots.get(token)?.webhook;
      if (!webhook) throw new Error('deliverWebhook: this bot has no webhook set');
      const secret = options.secretToken === undefined ? webhook.secretToken : options.secretToken;
      const answer = await fetch(options.url ?? webhook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(secret === null || secret === undefined ? {} : { 'x-telegram-bot-api-secret-token': secret }) },
        body: JSON.stringify(update),
      });
      await answer.arrayBuffer();
      return answer.status;
    },
    webhookOf: (token) => bots.get(token)?.webhook,
    addFile,
    failNext(method, failure) {
      failures.set(method, [...(failures.get(method) ?? []), failure]);
    },
    callsOf: (method) => calls.filter((call) => call.method === method),
    close: () => new Promise<void>((resolve, reject) => {
      for (const state of bots.values()) for (const wake of [...state.waiters]) wake();
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}

/** The message a send replies to: `reply_parameters` (Bot API 7) or the older `reply_to_message_id`. */
function replyToOf(params: Record<string, unknown>): number | undefined {
  const parameters = typeof params['reply_parameters'] === 'string' ? safeJson(params['reply_parameters']) : params['reply_parameters'];
  if (parameters && typeof parameters === 'object' && 'message_id' in parameters) return Number(parameters.message_id);
  return params['reply_to_message_id'] === undefined ? undefined : Number(params['reply_to_message_id']);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
