import type { ChannelState, ChannelStatusChanged, ChannelType, ChannelView } from '@switchboard/contracts';

/** A channel as the page shows it: the listed row, updated by the live `channel.status` events. */
export interface ChannelCard {
  readonly id: string;
  readonly type: ChannelType;
  readonly name: string;
  /** The session's state: from the last live event, else the stored status. */
  readonly state: string;
  readonly account?: string;
  readonly reason?: string;
  readonly node?: string;
  readonly rssBytes?: number;
  /** When the state was last reported live; undefined until an event arrived. */
  readonly stateAt?: string;
  readonly lastActivityAt?: string;
  readonly view: ChannelView;
}

export type StateTone = 'positive' | 'warning' | 'danger' | 'neutral';

const stateLabels: Readonly<Record<ChannelState, string>> = {
  starting: 'Starting',
  qr: 'Waiting for the QR scan',
  authenticated: 'Signing in',
  ready: 'Connected',
  disconnected: 'Disconnected',
  reconnecting: 'Reconnecting',
  failed: 'Failed',
  stopped: 'Stopped',
};

const stateTones: Readonly<Record<ChannelState, StateTone>> = {
  starting: 'neutral',
  qr: 'warning',
  authenticated: 'neutral',
  ready: 'positive',
  disconnected: 'warning',
  reconnecting: 'warning',
  failed: 'danger',
  stopped: 'neutral',
};

/** Stored statuses that are not session states (a webchat channel is simply active). */
const storedLabels: Readonly<Record<string, [string, StateTone]>> = {
  active: ['Active', 'positive'],
  disabled: ['Disabled', 'neutral'],
  pending: ['Pending', 'neutral'],
};

function isChannelState(state: string): state is ChannelState {
  return state in stateLabels;
}

/** How the page names a state, and the colour of its badge. */
export function describeState(state: string): { label: string; tone: StateTone } {
  if (isChannelState(state)) return { label: stateLabels[state], tone: stateTones[state] };
  const [label, tone] = storedLabels[state] ?? [state.charAt(0).toUpperCase() + state.slice(1).replace(/_/g, ' '), 'neutral'];
  return { label, tone };
}

/**
 * The card of `view`, with the latest live status for it when there is one: the session's state,
 * reason, node and memory are reported only live, so an event wins over the stored status.
 */
export function toChannelCard(view: ChannelView, live: ChannelStatusChanged | undefined): ChannelCard {
  const account = live?.account ?? view.account;
  return {
    id: view.id,
    type: view.type,
    name: view.name,
    state: live?.state ?? view.status,
    ...(account === undefined ? {} : { account }),
    ...(live?.reason === undefined ? {} : { reason: live.reason }),
    ...(live?.node === undefined ? {} : { node: live.node }),
    ...(live?.rssBytes === undefined ? {} : { rssBytes: live.rssBytes }),
    ...(live === undefined ? {} : { stateAt: live.at }),
    ...(view.lastActivityAt === undefined ? {} : { lastActivityAt: view.lastActivityAt }),
    view,
  };
}

/** Keeps the newest event per channel: events can arrive out of order after a replay. */
export function newerStatus(current: ChannelStatusChanged | undefined, next: ChannelStatusChanged): ChannelStatusChanged {
  return current !== undefined && current.at > next.at ? current : next;
}

/** `123456789` → `118 MB`: memory as people read it (binary units, as `ps` and `top` count). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 || value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** The storefront snippet that embeds the chat widget (see hub/src/widget). */
export function widgetSnippet(origin: string, publicKey: string): string {
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<script src="${escape(origin)}/widget.js" data-key="${escape(publicKey)}" async></script>`;
}
