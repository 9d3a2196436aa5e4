import type { Permission } from '@switchboard/contracts';
import type { IconName } from '../ui/icon.component';

/** One console area in the sidebar; `path` is the top-level route it links to. */
export interface ConsoleNavItem {
  readonly path: string;
  readonly label: string;
  readonly icon: IconName;
  /** Shown to roles holding at least one of these; the route guard asks the same. */
  readonly permissions: readonly Permission[];
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
      { path: 'inbox', label: 'Inbox', icon: 'inbox', permissions: ['conversation.read'] },
      { path: 'captures', label: 'Captures', icon: 'captures', permissions: ['capture.read'] },
    ],
  },
  {
    label: 'Setup',
    items: [
      { path: 'channels', label: 'Channels', icon: 'channels', permissions: ['channel.read'] },
      { path: 'bot', label: 'Bot', icon: 'bot', permissions: ['bot.manage'] },
      { path: 'knowledge', label: 'Knowledge', icon: 'knowledge', permissions: ['knowledge.manage'] },
    ],
  },
  {
    label: 'Workspace',
    items: [
      { path: 'team', label: 'Team', icon: 'team', permissions: ['team.read'] },
      { path: 'settings', label: 'Settings', icon: 'settings', permissions: ['tenant.update'] },
      { path: 'billing', label: 'Billing', icon: 'billing', permissions: ['billing.manage'] },
      { path: 'audit', label: 'Audit', icon: 'audit', permissions: ['audit.read'] },
    ],
  },
  {
    label: 'Platform',
    items: [
      { path: 'tenants', label: 'Tenants', icon: 'tenants', permissions: ['platform.tenants.read'] },
      { path: 'audit', label: 'Audit', icon: 'audit', permissions: ['platform.audit.read'] },
    ],
  },
];

/** The groups and items a role may use; groups left empty disappear. */
export function navFor(can: (permission: Permission) => boolean): ConsoleNavGroup[] {
  return consoleNav
    .map((group) => ({ ...group, items: group.items.filter((item) => item.permissions.some(can)) }))
    .filter((group) => group.items.length > 0);
}
