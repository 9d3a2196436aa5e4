import type { WidgetAuth } from '@switchboard/contracts';
import { ChatPanelView } from './chat-panel.view.ts';
import { ChatSession } from './chat-session.ts';
import { ConversationLog } from './conversation-log.ts';
import { cleanIdentity, findEmbedScript, readEmbedOptions, type VisitorIdentity } from './embed-options.ts';
import { isRightToLeft } from './text-direction.ts';
import { describeVisit } from './visit-context.ts';
import { createVisitorStore } from './visitor-store.ts';
import { fetchWidgetConfig, safeColor, textColorOn } from './widget-config.ts';

/** `window.Switchboard`: what a storefront's own scripts may call. */
export interface SwitchboardApi {
  /** Tells the chat who the visitor is (signed in on the store); reconnects under that identity. */
  identify(identity: VisitorIdentity): void;
  open(): void;
  close(): void;
}

declare global {
  interface Window {
    Switchboard?: SwitchboardApi;
  }
}

function safeLocalStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/**
 * Start-up: read the embedding tag (synchronously, while `document.currentScript` is set), then
 * fetch the tenant's config and draw the launcher. The socket opens only when the visitor opens
 * the panel, or at once for a visitor who already has a conversation, so idle pages stay cheap.
 */
async function start(script: HTMLScriptElement | null): Promise<void> {
  const embed = script ? readEmbedOptions(script, location.href) : undefined;
  if (embed === undefined || document.querySelector('switchboard-chat')) return;
  const config = await fetchWidgetConfig(embed.hubOrigin, embed.key);
  if (config === undefined) return;

  const visitor = createVisitorStore(embed.key, safeLocalStorage());
  let identity = embed.identity;
  const visit = describeVisit(location, document.referrer, navigator.language);
  const auth = (): WidgetAuth => ({ key: embed.key, visitorId: visitor.visitorId, ...identity, visit });
  const log = new ConversationLog();
  const session = new ChatSession({
    hubOrigin: embed.hubOrigin,
    auth,
    log,
    onConversation: (conversationId) => visitor.rememberConversation(conversationId ?? 'yes'),
    onIncoming: () => view.noteIncoming(),
  });

  const color = safeColor(config.primaryColor);
  const host = document.createElement('switchboard-chat');
  const view = new ChatPanelView(host, {
    tenantName: config.tenantName,
    welcomeMessage: config.welcomeMessage,
    hubOrigin: embed.hubOrigin,
    primaryColor: color,
    onPrimaryColor: textColorOn(color),
    rightToLeft: isRightToLeft(config.locale) || isRightToLeft(navigator.language),
    onOpen: () => session.connect(),
    onSend: (text) => session.send(text),
    onRetry: (clientId) => session.retry(clientId),
    onKeystroke: () => session.typingSignal.keystroke(),
    onAttach: (files) => session.files.add(files),
    onRemoveFile: (clientId) => session.files.remove(clientId),
    onRetryFile: (clientId) => session.files.retry(clientId),
  });
  const render = (): void => view.render({
    entries: log.entries(),
    typing: session.typing,
    streaming: session.streaming,
    unavailable: session.connection === 'unavailable',
    connection: session.connection,
    agentName: session.agentName,
    files: session.files.list(),
  });
  session.subscribe(render);
  document.body.append(host);

  if (!config.available) session.makeUnavailable();
  else if (visitor.hasConversation()) session.connect();
  render();

  window.Switchboard = {
    identify(next) {
      const cleaned = cleanIdentity(next);
      if (JSON.stringify(cleaned) === JSON.stringify(identity)) return;
      identity = cleaned;
      session.restart();
    },
    open: () => view.open(),
    close: () => view.close(),
  };
  window.dispatchEvent(new CustomEvent('switchboard:ready'));
}

const script = findEmbedScript(document);
if (document.body) void start(script);
else document.addEventListener('DOMContentLoaded', () => void start(script), { once: true });
