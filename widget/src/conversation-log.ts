import type { MessageView } from '@switchboard/contracts';
import { randomId } from './visitor-store.ts';

/** A message the visitor wrote that the hub has not confirmed yet. */
export interface PendingMessage {
  /** Sent with every attempt: the hub stores the message once however often it arrives. */
  readonly clientId: string;
  /** Empty when the message is only files. */
  readonly text: string;
  /** Files uploaded for it, named by their upload's clientId. */
  readonly files: ReadonlyArray<{ clientId: string; name: string }>;
  state: 'sending' | 'failed';
  /** Set by the ack; the entry disappears when the message with this id arrives. */
  serverId?: string;
  /** Bumped on each attempt, so that a late answer to an older attempt is ignored. */
  attempt: number;
}

/** One row of the message list, in display order. */
export type LogEntry =
  | { kind: 'message'; key: string; message: MessageView }
  | { kind: 'notice'; key: string; text: string }
  | { kind: 'pending'; key: string; pending: PendingMessage };

interface Notice {
  key: string;
  text: string;
  /** Time of the newest message when the notice was added: it stays after that message. */
  anchor: number;
  seq: number;
}

const timeOf = (message: MessageView): number => Date.parse(message.createdAt) || 0;
const authorKinds: readonly string[] = ['customer', 'bot', 'agent', 'system'];

/**
 * Enough of a MessageView to show it safely; anything else from the socket is dropped. (The full
 * schema validator would weigh more than the rest of the widget.)
 */
export function isMessageView(value: unknown): value is MessageView {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Partial<Record<keyof MessageView, unknown>>;
  const author = message.author as { kind?: unknown; name?: unknown } | null | undefined;
  return typeof message.id === 'string' && typeof message.createdAt === 'string'
    && (message.text === undefined || typeof message.text === 'string')
    && Array.isArray(message.attachments) && typeof author === 'object' && author !== null
    && typeof author.kind === 'string' && authorKinds.includes(author.kind)
    && (author.name === undefined || typeof author.name === 'string');
}

/**
 * The visitor's side of the conversation: confirmed messages deduplicated by id (a reconnect's
 * catch-up and the live events overlap), local notices ("Ana joined the chat") and the outbox of
 * messages not yet acknowledged.
 */
export class ConversationLog {
  private readonly messages = new Map<string, MessageView>();
  private readonly notices: Notice[] = [];
  private readonly outbox = new Map<string, PendingMessage>();
  private noticeSeq = 0;

  /** Adds or replaces messages (private notes never show); returns those that were new. */
  upsert(messages: readonly unknown[]): MessageView[] {
    const added: MessageView[] = [];
    for (const message of messages) {
      if (!isMessageView(message) || message.isPrivate === true) continue;
      if (!this.messages.has(message.id)) added.push(message);
      this.messages.set(message.id, message);
    }
    for (const pending of this.outbox.values()) {
      if (pending.serverId !== undefined && this.messages.has(pending.serverId)) this.outbox.delete(pending.clientId);
    }
    return added;
  }

  /** Forgets everything shown (a different visitor identity starts a different conversation). */
  clear(): void {
    this.messages.clear();
    this.notices.length = 0;
    this.outbox.clear();
  }

  addNotice(text: string): void {
    const newest = Math.max(0, ...[...this.messages.values()].map(timeOf));
    this.noticeSeq += 1;
    this.notices.push({ key: `notice-${this.noticeSeq}`, text, anchor: newest, seq: this.noticeSeq });
  }

  /** The id to fetch after when a reconnect may have missed messages. */
  lastMessageId(): string | undefined {
    let last: MessageView | undefined;
    for (const message of this.messages.values()) {
      if (last === undefined || timeOf(message) >= timeOf(last)) last = message;
    }
    return last?.id;
  }

  queue(text: string, files: PendingMessage['files'] = []): PendingMessage {
    const pending: PendingMessage = { clientId: randomId(24), text, files, state: 'sending', attempt: 0 };
    this.outbox.set(pending.clientId, pending);
    return pending;
  }

  pending(clientId: string): PendingMessage | undefined {
    return this.outbox.get(clientId);
  }

  /** Messages still waiting for an ack, oldest first: what a reconnect sends again. */
  unacknowledged(): PendingMessage[] {
    return [...this.outbox.values()].filter((pending) => pending.serverId === undefined && pending.state === 'sending');
  }

  acknowledge(clientId: string, id: string): void {
    const pending = this.outbox.get(clientId);
    if (pending === undefined) return;
    if (this.messages.has(id)) this.outbox.delete(clientId);
    else pending.serverId = id;
  }

  entries(): LogEntry[] {
    const rows: { entry: LogEntry; time: number; rank: number }[] = [];
    let order = 0;
    for (const message of this.messages.values()) {
      rows.push({ entry: { kind: 'message', key: message.id, message }, time: timeOf(message), rank: order++ });
    }
    for (const notice of this.notices) {
      rows.push({ entry: { kind: 'notice', key: notice.key, text: notice.text }, time: notice.anchor, rank: 1e9 + notice.seq });
    }
    rows.sort((a, b) => a.time - b.time || a.rank - b.rank);
    const entries = rows.map((row) => row.entry);
    for (const pending of this.outbox.values()) {
      entries.push({ kind: 'pending', key: `pending-${pending.clientId}`, pending });
    }
    return entries;
  }
}
