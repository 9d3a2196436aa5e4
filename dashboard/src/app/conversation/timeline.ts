import type { MessageView, UploadedAttachment } from '@switchboard/contracts';

/** A reply or note the agent sent that the hub has not confirmed yet (or refused). */
export interface PendingMessage {
  readonly clientId: string;
  readonly text: string;
  /** Files uploaded for it (replies only). */
  readonly files: readonly UploadedAttachment[];
  readonly isPrivate: boolean;
  readonly createdAt: string;
  readonly failure?: string;
}

function byTime(a: MessageView, b: MessageView): number {
  const byCreated = Date.parse(a.createdAt) - Date.parse(b.createdAt);
  return byCreated !== 0 ? byCreated : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** How far a delivery status has come; a later report never moves a message back. */
const deliveryRank: Readonly<Record<MessageView['status'], number>> = { pending: 0, received: 1, sent: 1, delivered: 2, read: 3, failed: 4 };

/**
 * Merges messages into the timeline, oldest first, each once. A message seen twice (a page and an
 * event, a replay, the send's own answer) keeps the copy whose delivery status is furthest along.
 */
export function mergeMessages(timeline: readonly MessageView[], incoming: readonly MessageView[]): MessageView[] {
  if (incoming.length === 0) return [...timeline];
  const byId = new Map(timeline.map((message) => [message.id, message]));
  for (const message of incoming) {
    const existing = byId.get(message.id);
    if (existing === undefined || deliveryRank[message.status] >= deliveryRank[existing.status]) byId.set(message.id, message);
  }
  return [...byId.values()].sort(byTime);
}

/**
 * A fresh id for an outgoing message (32 hex digits), so that retrying the same send never sends
 * it twice. `getRandomValues`, unlike `randomUUID`, also works on a plain-http intranet address.
 */
export function newClientId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
