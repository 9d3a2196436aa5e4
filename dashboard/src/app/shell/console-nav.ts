import type { IconName } from '../ui/icon.component';

/** One console area in the sidebar; `path` is the top-level route it links to. */
export interface ConsoleNavItem {
  readonly path: string;
  readonly label: string;
  readonly icon: IconName;
}

/** A labelled group of areas, so that daily work sits apart from setup and administration. */
export interface ConsoleNavGroup {
  readonly label: string;
  readonly items: readonly ConsoleNavItem[];
}

export const consoleNav: readonly ConsoleNavGroup[] = [
  {
    label: 'Conversations',
    items: [
      { path: 'inbox', label: 'Inbox', icon: 'inbox' },
      { path: 'captures', label: 'Captures', icon: 'captures' },
    ],
  },
  {
    label: 'Setup',
    items: [
      { path: 'channels', label: 'Channels', icon: 'channels' },
      { path: 'bot', label: 'Bot', icon: 'bot' },
      { path: 'knowledge', label: 'Knowledge', icon: 'knowledge' },
    ],
  },
  {
    label: 'Workspace',
    items: [
      { path: 'team', label: 'Team', icon: 'team' },
      { path: 'billing', label: 'Billing', icon: 'billing' },
      { path: 'audit', label: 'Audit', icon: 'audit' },
    ],
  },
];
