import type { ConversationPage, ConversationView, InboxCounts, InboxTab, MessageView } from '@switchboard/contracts';

/**
 * The inbox as plain data and the pure functions that change it: pages arriving, and live events
 * moving conversations between tabs and adjusting the counts. The store (`InboxStore`) holds one
 * `InboxState` in a signal and feeds these functions; nothing here touches Angular or the network.
 */

/** The tabs the inbox shows (the contracts' `all` is for API clients). */
export const shownTabs = ['awaiting', 'mine', 'bot', 'closed'] as const satisfies readonly InboxTab[];
export type ShownTab = (typeof shownTabs)[number];

export interface TabList {
  /** Newest activity first, as the hub pages them. */
  readonly items: readonly ConversationView[];
  /** More older conversations exist on the hub past the last item. */
  readonly nextCursor?: string;
  /** The first page has arrived. Until then, events do not insert into the tab. */
  readonly loaded: boolean;
}

export interface InboxState {
  readonly tabs: Readonly<Record<ShownTab, TabList>>;
  readonly counts: InboxCounts | null;
  /** The latest view of every conversation seen in a page or an event, to tell where it was. */
  readonly known: ReadonlyMap<string, ConversationView>;
}

/** The state after an event, and whether the counts could not be adjusted exactly. */
export interface InboxChange {
  readonly state: InboxState;
  /**
   * The event moved a conversation this console had never seen, so which tab it left is
   * unknown: the counts should be fetched again.
   */
  readonly countsUncertain: boolean;
}

const notLoaded: TabList = { items: [], loaded: false };

export function emptyInbox(): InboxState {
  return { tabs: { awaiting: notLoaded, mine: notLoaded, bot: notLoaded, closed: notLoaded }, counts: null, known: new Map() };
}

/**
 * The tab a conversation belongs in for agent `me`: the queue, my chats, the bot's, closed.
 * A chat another agent holds is in none of them.
 */
export function tabOf(conversation: ConversationView, me: string): ShownTab | null {
  switch (conversation.status) {
    case 'awaiting_agent':
      return 'awaiting';
    case 'bot':
      return 'bot';
    case 'closed':
      return 'closed';
    case 'agent':
      return conversation.assignedAgentId === me ? 'mine' : null;
  }
}

/** The time a conversation sorts by: its last message, or its last change when it has none. */
export function activityOf(conversation: ConversationView): string {
  return conversation.lastMessageAt ?? conversation.updatedAt;
}

function newerFirst(a: ConversationView, b: ConversationView): number {
  const byActivity = Date.parse(activityOf(b)) - Date.parse(activityOf(a));
  return byActivity !== 0 ? byActivity : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function isOlder(candidate: ConversationView, than: ConversationView): boolean {
  return Date.parse(candidate.updatedAt) < Date.parse(than.updatedAt);
}

function unreadMine(conversation: ConversationView | undefined, me: string): number {
  return conversation !== undefined && tabOf(conversation, me) === 'mine' && conversation.unreadCount > 0 ? 1 : 0;
}

/**
 * A page of `tab` arrived: the first one replaces the list, later ones append. A conversation
 * that an event already showed newer wins over the page's copy, and is left out if it has moved
 * to another tab meanwhile; one already listed is not listed twice.
 */
export function pageLoaded(state: InboxState, tab: ShownTab, page: ConversationPage, me: string, append: boolean): InboxState {
  const current = state.tabs[tab];
  const items = append ? [...current.items] : [];
  const listed = new Set(items.map((item) => item.id));
  const known = new Map(state.known);
  for (const item of page.items) {
    const seen = known.get(item.id);
    const latest = seen !== undefined && isOlder(item, seen) ? seen : item;
    known.set(item.id, latest);
    if (listed.has(latest.id) || tabOf(latest, me) !== tab) continue;
    listed.add(latest.id);
    items.push(latest);
  }
  return { ...state, known, tabs: { ...state.tabs, [tab]: { items, nextCursor: page.nextCursor, loaded: true } } };
}

export function countsLoaded(state: InboxState, counts: InboxCounts): InboxState {
  return { ...state, counts };
}

/** Removes the conversation from every tab and inserts `next` where it sorts in its own tab. */
function placed(tabs: InboxState['tabs'], next: ConversationView, nextTab: ShownTab | null): InboxState['tabs'] {
  const result = { ...tabs };
  for (const tab of shownTabs) {
    const list = tabs[tab];
    const without = list.items.some((item) => item.id === next.id) ? list.items.filter((item) => item.id !== next.id) : list.items;
    if (tab !== nextTab || !list.loaded) {
      if (without !== list.items) result[tab] = { ...list, items: without };
      continue;
    }
    const at = without.findIndex((item) => newerFirst(next, item) < 0);
    // Older than everything loaded while older pages remain: paging will bring it in its place.
    if (at === -1 && list.nextCursor !== undefined) {
      if (without !== list.items) result[tab] = { ...list, items: without };
      continue;
    }
    const items = [...without];
    items.splice(at === -1 ? items.length : at, 0, next);
    result[tab] = { ...list, items };
  }
  return result;
}

function adjustedCounts(counts: InboxCounts, previous: ConversationView | undefined, next: ConversationView, me: string): InboxCounts {
  const adjusted = { ...counts };
  const from = previous === undefined ? null : tabOf(previous, me);
  const to = tabOf(next, me);
  if (from !== to) {
    if (from !== null) adjusted[from] = Math.max(0, adjusted[from] - 1);
    if (to !== null) adjusted[to] += 1;
  }
  adjusted.unreadMine = Math.max(0, adjusted.unreadMine - unreadMine(previous, me) + unreadMine(next, me));
  return adjusted;
}

/**
 * A conversation was created or changed (claimed, released, transferred, closed, reopened, read…):
 * it moves to the tab its status and assignee now put it in, at its place by activity, and the
 * counts follow. An event older than what is already known is ignored, so replays are harmless.
 */
export function conversationChanged(state: InboxState, next: ConversationView, me: string, created = false): InboxChange {
  const previous = state.known.get(next.id);
  if (previous !== undefined && isOlder(next, previous)) return { state, countsUncertain: false };
  const known = new Map(state.known).set(next.id, next);
  const tabs = placed(state.tabs, next, tabOf(next, me));
  const countable = previous !== undefined || created;
  const counts = state.counts === null || !countable ? state.counts : adjustedCounts(state.counts, previous, next, me);
  return { state: { tabs, counts, known }, countsUncertain: state.counts !== null && !countable };
}

/** What a conversation row shows for a message: its text, else what it carries. */
export function previewOf(message: MessageView): string {
  const text = message.text?.trim();
  if (text) return text.slice(0, 280);
  const attachment = message.attachments[0];
  if (attachment === undefined) return '';
  return attachment.caption?.slice(0, 280) ?? `[${attachment.kind}]`;
}

/**
 * A message arrived in a conversation this console knows: the row shows it as the preview and
 * moves to the top of its tab; a customer's message in a chat that is not open counts as unread.
 * The hub's own `conversation.updated` that may follow replaces these guesses with its numbers.
 * Private notes change nothing in the list. Returns `null` for an unknown conversation.
 */
export function messageArrived(state: InboxState, message: MessageView, me: string, openConversationId: string | null): InboxChange | null {
  const current = state.known.get(message.conversationId);
  if (current === undefined) return null;
  if (message.isPrivate) return { state, countsUncertain: false };
  if (current.lastMessageAt !== undefined && Date.parse(current.lastMessageAt) >= Date.parse(message.createdAt)) return { state, countsUncertain: false };
  const unseen = message.direction === 'inbound' && openConversationId !== current.id ? 1 : 0;
  const next: ConversationView = {
    ...current,
    lastMessageAt: message.createdAt,
    lastMessagePreview: previewOf(message),
    unreadCount: current.unreadCount + unseen,
  };
  return conversationChanged(state, next, me);
}

/** The agent read the conversation: its unread badge goes. */
export function conversationRead(state: InboxState, conversationId: string, me: string): InboxState {
  const current = state.known.get(conversationId);
  if (current === undefined || current.unreadCount === 0) return state;
  return conversationChanged(state, { ...current, unreadCount: 0 }, me).state;
}
