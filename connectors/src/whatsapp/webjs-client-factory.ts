import { join } from 'node:path';
import wwebjs from 'whatsapp-web.js';
import type { WhatsAppClient, WhatsAppClientFactory } from './whatsapp-client.ts';

const { Client, LocalAuth, MessageMedia } = wwebjs;

/** Flags Chromium needs in a container without a sandbox, a GPU or a large /dev/shm. */
export const chromiumArgs = ['--no-sandbox', '--disable-setuid-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--no-zygote'] as const;

export interface WebJsClientOptions {
  /** Debian's Chromium by default (`CHROMIUM_PATH`). */
  executablePath: string;
  /** How long puppeteer may take to launch Chromium (ms). */
  launchTimeoutMs?: number;
  /** More Chromium flags (tests map every host name to nowhere with `--host-resolver-rules`). */
  extraArgs?: readonly string[];
}

/**
 * The real client factory: whatsapp-web.js with the system's Chromium and LocalAuth, whose
 * profile folder is what the session vault persists (locally, or sealed in PostgreSQL).
 */
export function webJsClientFactory(options: WebJsClientOptions): WhatsAppClientFactory {
  return ({ authDataPath, clientId }) => {
    const client = new Client({
      authStrategy: new LocalAuth({ dataPath: authDataPath, clientId }),
      puppeteer: { executablePath: options.executablePath, headless: true, args: [...chromiumArgs, ...(options.extraArgs ?? [])], timeout: options.launchTimeoutMs ?? 30_000 },
      // whatsapp-web.js caches WhatsApp Web's version in ./.wwebjs_cache by default: keep it with the sessions instead.
      webVersionCache: { type: 'local', path: join(authDataPath, 'web-version-cache') },
    });
    const adapted: WhatsAppClient = {
      on: (event, listener) => client.on(event, listener as (...args: unknown[]) => void),
      removeAllListeners: () => client.removeAllListeners(),
      initialize: () => client.initialize(),
      destroy: () => client.destroy(),
      logout: () => client.logout(),
      getState: async () => (await client.getState()) ?? null,
      sendMessage: async (chatId, content, sendOptions) => {
        const payload = typeof content === 'string' ? content : new MessageMedia(content.mimetype, content.data, content.filename ?? null, content.filesize ?? null);
        const sent = await client.sendMessage(chatId, payload, {
          ...(sendOptions?.quotedMessageId ? { quotedMessageId: sendOptions.quotedMessageId } : {}),
          ...(sendOptions?.caption ? { caption: sendOptions.caption } : {}),
        });
        return { id: { _serialized: sent.id._serialized, fromMe: sent.id.fromMe } };
      },
      getChats: async () => (await client.getChats()).map((chat) => ({ id: { _serialized: chat.id._serialized }, name: chat.name, isGroup: chat.isGroup })),
      getContacts: async () => (await client.getContacts()).map((contact) => ({
        id: { _serialized: contact.id._serialized },
        ...(contact.name ? { name: contact.name } : {}),
        ...(contact.pushname ? { pushname: contact.pushname } : {}),
        isMyContact: contact.isMyContact,
        isGroup: contact.isGroup,
        isUser: contact.isUser,
      })),
      get info() {
        const info = (client as { info?: { wid: { _serialized: string; user: string }; pushname?: string } }).info;
        return info ? { wid: { _serialized: info.wid._serialized, user: info.wid.user }, ...(info.pushname ? { pushname: info.pushname } : {}) } : undefined;
      },
      browserPid: () => client.pupBrowser?.process()?.pid,
    };
    return adapted;
  };
}
