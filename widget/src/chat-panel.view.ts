import type { MessageView } from '@switchboard/contracts';
import { widgetFileTypes } from '@switchboard/contracts';
import { attachmentView } from './attachment.view.ts';
import { h } from './element-builder.ts';
import type { LogEntry } from './conversation-log.ts';
import { FileChipList } from './file-chip-list.view.ts';
import type { OutgoingFile } from './outgoing-files.ts';
import { widgetStyles } from './widget.styles.ts';

/** What the panel shows; rendered whenever the session changes. */
export interface ChatViewState {
  entries: readonly LogEntry[];
  /** null: nobody is typing; '' when no name is known. */
  typing: string | null;
  /** The bot's reply as it is being written, or null. */
  streaming: string | null;
  unavailable: boolean;
  connection: 'idle' | 'connecting' | 'online' | 'reconnecting' | 'unavailable';
  agentName: string | undefined;
  /** Files attached to the message being written. */
  files: readonly OutgoingFile[];
}

export interface ChatPanelOptions {
  tenantName: string;
  welcomeMessage: string;
  /** Where the hub is: messages' file links are paths on it. */
  hubOrigin: string;
  primaryColor: string;
  onPrimaryColor: string;
  rightToLeft: boolean;
  /** The panel opened (the first time connects the session). */
  onOpen: () => void;
  onSend: (text: string) => void;
  onRetry: (clientId: string) => void;
  onKeystroke: () => void;
  /** The visitor picked files; answers why any were refused, to show. */
  onAttach: (files: File[]) => string | undefined;
  onRemoveFile: (clientId: string) => void;
  onRetryFile: (clientId: string) => void;
}

const iconPaths = {
  chat: 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z',
  close: 'M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z',
  send: 'M3 20.5v-7l9-1.5-9-1.5v-7L22 12z',
  attach: 'M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z',
};

function icon(name: keyof typeof iconPaths): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', iconPaths[name]);
  svg.append(path);
  return svg;
}

const urlPattern = /\bhttps?:\/\/[^\s<>"']+/g;

/** Appends `text` with its http(s) URLs as links that open in a new tab. */
function appendLinkified(parent: HTMLElement, text: string): void {
  let index = 0;
  for (const match of text.matchAll(urlPattern)) {
    const url = match[0].replace(/[.,;:!?)\]}'"]+$/, '');
    const start = match.index ?? 0;
    parent.append(text.slice(index, start), h('a', { href: url, target: '_blank', rel: 'noopener noreferrer nofollow' }, url));
    index = start + url.length;
  }
  parent.append(text.slice(index));
}

function messageRow(message: MessageView, hubOrigin: string): HTMLElement {
  const kind = message.author.kind;
  const row = h('div', { class: `sb-row sb-${kind}`, 'data-testid': 'sb-message', 'data-author-kind': kind, 'data-message-id': message.id });
  if (kind === 'agent' && message.author.name) row.append(h('span', { class: 'sb-author', 'data-testid': 'sb-agent-name' }, message.author.name));
  const bubble = h('div', { class: 'sb-bubble', dir: 'auto' });
  appendLinkified(bubble, message.text ?? '');
  for (const attachment of message.attachments) bubble.append(attachmentView(attachment, hubOrigin));
  const sentAt = new Date(message.createdAt);
  if (!Number.isNaN(sentAt.getTime())) bubble.title = sentAt.toLocaleString();
  row.append(bubble);
  if (message.status === 'failed') row.append(h('span', { class: 'sb-meta' }, 'Not delivered'));
  return row;
}

/**
 * The launcher bubble and the chat panel, in an open shadow root on a `<switchboard-chat>`
 * element. It knows nothing of sockets: it renders a ChatViewState and reports what the visitor
 * does. Rows are keyed and reused, so the polite live region announces only what is new.
 */
export class ChatPanelView {
  private readonly root: HTMLDivElement;
  private readonly launcher: HTMLButtonElement;
  private readonly badge: HTMLSpanElement;
  private readonly panel: HTMLElement;
  private readonly subtitle: HTMLParagraphElement;
  private readonly unavailable: HTMLParagraphElement;
  private readonly scroller: HTMLDivElement;
  private readonly list: HTMLDivElement;
  private readonly typing: HTMLParagraphElement;
  private readonly streaming: HTMLDivElement;
  private readonly streamingText: HTMLDivElement;
  private readonly input: HTMLTextAreaElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly attachButton: HTMLButtonElement;
  private readonly fileInput: HTMLInputElement;
  private readonly fileList = new FileChipList();
  private readonly fileError: HTMLParagraphElement;
  private hasReadyFiles = false;
  private filesBusy = false;
  private readonly rows = new Map<string, { signature: string; element: HTMLElement }>();
  private opened = false;
  /** The visitor is reading the newest messages (not scrolled back), so growth keeps them in view. */
  private pinnedToEnd = true;
  private unread = 0;

  constructor(host: HTMLElement, private readonly options: ChatPanelOptions) {
    const shadow = host.attachShadow({ mode: 'open' });
    adoptStyles(shadow, widgetStyles);
    this.launcher = h('button', { type: 'button', class: 'sb-launcher', 'data-testid': 'sb-launcher', 'aria-expanded': 'false', 'aria-controls': 'sb-panel' }, icon('chat'));
    this.badge = h('span', { class: 'sb-badge', 'aria-hidden': 'true', hidden: '' });
    this.launcher.append(this.badge);
    this.subtitle = h('p', { class: 'sb-subtitle' });
    const close = h('button', { type: 'button', class: 'sb-close', 'aria-label': 'Close chat' }, icon('close'));
    this.unavailable = h('p', { class: 'sb-unavailable', 'data-testid': 'sb-unavailable', role: 'status', hidden: '' }, 'Chat is unavailable right now');
    this.list = h('div', { class: 'sb-list', 'aria-live': 'polite', 'aria-relevant': 'additions', role: 'log', 'aria-label': 'Messages' });
    const welcome = h('div', { class: 'sb-row sb-bot', 'data-testid': 'sb-welcome' }, h('div', { class: 'sb-bubble', dir: 'auto' }, options.welcomeMessage));
    // The reply being written is not announced word by word; the stored message is, once.
    this.streamingText = h('div', { class: 'sb-bubble', dir: 'auto' });
    this.streaming = h('div', { class: 'sb-row sb-bot sb-streaming', 'data-testid': 'sb-streaming', 'aria-hidden': 'true', hidden: '' }, this.streamingText);
    this.scroller = h('div', { class: 'sb-messages' }, ...(options.welcomeMessage ? [welcome] : []), this.list, this.streaming);
    this.typing = h('p', { class: 'sb-typing', 'data-testid': 'sb-typing', 'aria-live': 'polite', hidden: '' });
    this.input = h('textarea', { class: 'sb-input', 'data-testid': 'sb-input', dir: 'auto', rows: '1', maxlength: '4096', 'aria-label': 'Message', placeholder: 'Write a message…' });
    this.sendButton = h('button', { type: 'submit', class: 'sb-send', 'data-testid': 'sb-send', 'aria-label': 'Send message' }, icon('send'));
    this.attachButton = h('button', { type: 'button', class: 'sb-attach', 'data-testid': 'sb-attach', 'aria-label': 'Attach files', title: 'Attach files' }, icon('attach'));
    this.fileInput = h('input', { type: 'file', multiple: '', accept: widgetFileTypes.join(','), hidden: '', tabindex: '-1', 'aria-hidden': 'true', 'data-testid': 'sb-file-input' });
    this.fileError = h('p', { class: 'sb-file-error', role: 'alert', 'data-testid': 'sb-file-error', hidden: '' });
    const composer = h('form', { class: 'sb-composer' }, this.attachButton, this.fileInput, this.input, this.sendButton);
    const footer = h('div', { class: 'sb-footer' }, this.fileError, this.fileList.element, composer);
    this.panel = h('section', { id: 'sb-panel', class: 'sb-panel', role: 'dialog', 'aria-label': `Chat with ${options.tenantName}`, 'data-testid': 'sb-panel', hidden: '' },
      h('header', { class: 'sb-header' }, h('div', { class: 'sb-heading' }, h('h2', { class: 'sb-title' }, options.tenantName), this.subtitle), close),
      this.unavailable, this.scroller, this.typing, footer);
    if (options.rightToLeft) this.panel.dir = 'rtl';
    this.root = h('div', { class: options.rightToLeft ? 'sb-root sb-rtl' : 'sb-root' }, this.launcher, this.panel);
    this.root.style.setProperty('--sb-primary', options.primaryColor);
    this.root.style.setProperty('--sb-on-primary', options.onPrimaryColor);
    shadow.append(this.root);
    this.updateLauncherLabel();

    this.launcher.addEventListener('click', () => (this.opened ? this.close() : this.open()));
    close.addEventListener('click', () => this.close());
    this.panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        this.close();
      }
    });
    composer.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    this.input.addEventListener('keydown', (event) => {
      // isComposing: Enter that confirms an IME candidate (Chinese, Japanese, …) must not send.
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener('input', () => {
      this.fitInput();
      if (this.input.value.trim()) options.onKeystroke();
    });
    this.list.addEventListener('click', (event) => {
      const target = event.target instanceof Element ? event.target.closest<HTMLElement>('[data-retry]') : null;
      if (target?.dataset['retry']) options.onRetry(target.dataset['retry']);
    });
    this.scroller.addEventListener('scroll', () => {
      this.pinnedToEnd = this.distanceFromEnd() < 80;
    });
    // A photo or video grows its message once it loads (`load` does not bubble, hence capture).
    const keepEndInView = () => {
      if (this.pinnedToEnd) this.scrollToEnd();
    };
    this.list.addEventListener('load', keepEndInView, true);
    this.list.addEventListener('loadedmetadata', keepEndInView, true);
    this.attachButton.addEventListener('click', () => this.fileInput.click());
    this.fileInput.addEventListener('change', () => {
      const refused = options.onAttach([...(this.fileInput.files ?? [])]);
      // Cleared, so picking the same file again (after removing it) fires `change` again.
      this.fileInput.value = '';
      this.fileError.hidden = refused === undefined;
      this.fileError.textContent = refused ?? '';
      this.input.focus();
    });
    this.fileList.element.addEventListener('click', (event) => {
      const target = event.target instanceof Element ? event.target.closest<HTMLElement>('[data-file-action]') : null;
      const clientId = target?.closest<HTMLElement>('[data-client-id]')?.dataset['clientId'];
      if (target === null || target === undefined || clientId === undefined) return;
      if (target.dataset['fileAction'] === 'remove') {
        options.onRemoveFile(clientId);
        this.input.focus();
      } else {
        options.onRetryFile(clientId);
      }
    });
  }

  get isOpen(): boolean {
    return this.opened;
  }

  open(): void {
    if (this.opened) return;
    this.opened = true;
    this.unread = 0;
    this.panel.hidden = false;
    this.launcher.setAttribute('aria-expanded', 'true');
    this.updateLauncherLabel();
    this.options.onOpen();
    this.scrollToEnd();
    this.input.focus();
  }

  /** Closes the panel and gives focus back to the launcher. */
  close(): void {
    if (!this.opened) return;
    this.opened = false;
    this.panel.hidden = true;
    this.launcher.setAttribute('aria-expanded', 'false');
    this.launcher.focus();
  }

  /** A bot or agent message arrived; counted on the launcher while the panel is closed. */
  noteIncoming(): void {
    if (this.opened) return;
    this.unread += 1;
    this.updateLauncherLabel();
  }

  render(state: ChatViewState): void {
    const nearEnd = this.distanceFromEnd() < 80;
    const addedOwn = this.renderEntries(state.entries);
    this.unavailable.hidden = !state.unavailable;
    this.input.disabled = state.unavailable;
    this.attachButton.disabled = state.unavailable;
    this.fileList.render(state.files);
    this.filesBusy = state.files.some((file) => file.state === 'uploading');
    this.hasReadyFiles = state.files.some((file) => file.state === 'ready');
    // While a file is on its way the message waits: sending now would leave it behind.
    this.sendButton.disabled = state.unavailable || this.filesBusy;
    this.sendButton.title = this.filesBusy ? 'Wait for the files to upload' : '';
    this.streaming.hidden = state.streaming === null;
    this.streamingText.textContent = state.streaming ?? '';
    const typingName = state.streaming === null ? state.typing : null;
    this.typing.hidden = typingName === null;
    this.typing.textContent = typingName ? `${typingName} is typing…` : 'Typing…';
    this.subtitle.textContent = subtitleFor(state);
    if (nearEnd || addedOwn) this.scrollToEnd();
  }

  /** Reconciles the keyed rows; true when the visitor's own new message was added. */
  private renderEntries(entries: readonly LogEntry[]): boolean {
    const seen = new Set<string>();
    let addedOwn = false;
    let previous: Element | null = null;
    for (const entry of entries) {
      seen.add(entry.key);
      const signature = signatureOf(entry);
      let row = this.rows.get(entry.key);
      if (row === undefined || row.signature !== signature) {
        const element = rowFor(entry, this.options.hubOrigin);
        row?.element.replaceWith(element);
        if (row === undefined && entry.kind === 'pending') addedOwn = true;
        row = { signature, element };
        this.rows.set(entry.key, row);
      }
      const expectedNext: Element | null = previous === null ? this.list.firstElementChild : previous.nextElementSibling;
      if (expectedNext !== row.element) {
        if (previous === null) this.list.prepend(row.element);
        else previous.after(row.element);
      }
      previous = row.element;
    }
    for (const [key, row] of this.rows) {
      if (!seen.has(key)) {
        row.element.remove();
        this.rows.delete(key);
      }
    }
    return addedOwn;
  }

  private submit(): void {
    const text = this.input.value.trim();
    if ((!text && !this.hasReadyFiles) || this.input.disabled || this.filesBusy) return;
    this.fileError.hidden = true;
    this.options.onSend(text);
    this.input.value = '';
    this.fitInput();
    this.input.focus();
  }

  private fitInput(): void {
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight + 2, 120)}px`;
  }

  private distanceFromEnd(): number {
    return this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight;
  }

  private scrollToEnd(): void {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  private updateLauncherLabel(): void {
    const base = this.opened ? `Close chat with ${this.options.tenantName}` : `Chat with ${this.options.tenantName}`;
    this.launcher.setAttribute('aria-label', this.unread > 0 ? `${base} (${this.unread} unread)` : base);
    this.badge.hidden = this.unread === 0;
    this.badge.textContent = String(this.unread);
  }
}

function subtitleFor(state: ChatViewState): string {
  if (state.unavailable) return 'Offline';
  if (state.connection === 'connecting') return 'Connecting…';
  if (state.connection === 'reconnecting') return 'Reconnecting…';
  if (state.agentName) return `You are chatting with ${state.agentName}`;
  return 'We are here to help';
}

function signatureOf(entry: LogEntry): string {
  switch (entry.kind) {
    case 'message':
      // File links are part of it: a reconnect brings fresh (unexpired) ones.
      return JSON.stringify([entry.message.text, entry.message.status, entry.message.author.name, entry.message.attachments.map((attachment) => attachment.url ?? '')]);
    case 'notice':
      return entry.text;
    case 'pending':
      return `${entry.pending.state}:${entry.pending.serverId ?? ''}`;
  }
}

function rowFor(entry: LogEntry, hubOrigin: string): HTMLElement {
  switch (entry.kind) {
    case 'message':
      return messageRow(entry.message, hubOrigin);
    case 'notice':
      return h('div', { class: 'sb-row sb-system', 'data-testid': 'sb-message', 'data-author-kind': 'system' }, h('div', { class: 'sb-bubble', dir: 'auto' }, entry.text));
    case 'pending': {
      const { pending } = entry;
      const failed = pending.state === 'failed';
      // Acknowledged but its message.created not here yet: stored, so shown as sent.
      const state = pending.serverId === undefined ? pending.state : 'sent';
      const bubble = h('div', { class: 'sb-bubble', dir: 'auto' }, pending.text);
      for (const file of pending.files) bubble.append(h('span', { class: 'sb-file-link' }, `📎 ${file.name}`));
      const row = h('div', { class: `sb-row sb-customer ${failed ? 'sb-failed' : state === 'sent' ? '' : 'sb-pending'}`, 'data-testid': 'sb-message', 'data-author-kind': 'customer', 'data-state': state }, bubble);
      if (failed) row.append(h('span', { class: 'sb-meta' }, 'Not sent.', h('button', { type: 'button', class: 'sb-retry', 'data-retry': pending.clientId }, 'Retry')));
      else if (state === 'sending') row.append(h('span', { class: 'sb-meta' }, 'Sending…'));
      return row;
    }
  }
}

/** Constructable stylesheets are not inline styles, so a store's strict `style-src` CSP allows them. */
function adoptStyles(shadow: ShadowRoot, css: string): void {
  if ('adoptedStyleSheets' in shadow && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    shadow.adoptedStyleSheets = [sheet];
  } else {
    shadow.append(h('style', {}, css));
  }
}
