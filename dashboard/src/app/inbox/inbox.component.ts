import { Component, computed, effect, inject, input, untracked } from '@angular/core';
import { RouterLink, RouterOutlet } from '@angular/router';
import { SessionService } from '../auth/session.service';
import { FormAlertComponent } from '../forms/form-alert.component';
import { PresenceToggleComponent } from '../presence/presence-toggle.component';
import { TeammatesOnlineComponent } from '../presence/teammates-online.component';
import { ConsoleSocketService } from '../realtime/console-socket.service';
import { ConversationListComponent } from './conversation-list.component';
import { HandoffAlertService } from './handoff-alert.service';
import { type ShownTab, shownTabs } from './inbox-state';
import { InboxStore } from './inbox.store';

const tabTexts: Readonly<Record<ShownTab, { label: string; list: string; empty: string }>> = {
  awaiting: { label: 'Waiting', list: 'Conversations waiting for an agent', empty: 'Nobody is waiting for an agent.' },
  mine: { label: 'Mine', list: 'Your conversations', empty: 'No conversations are assigned to you. Claim one from Waiting.' },
  bot: { label: 'Bot', list: 'Conversations the bot is handling', empty: 'The bot is not handling any conversation.' },
  closed: { label: 'Closed', list: 'Closed conversations', empty: 'No closed conversations.' },
};

function isShownTab(value: string | undefined): value is ShownTab {
  return (shownTabs as readonly string[]).includes(value ?? '');
}

/**
 * The live inbox: tabs with their counts, the tab's conversations, and the open conversation
 * beside them (`/inbox/:conversationId?tab=…`, so every view is a link). Presence, teammates and
 * desktop alerts sit in the header.
 */
@Component({
  selector: 'sb-inbox',
  imports: [RouterOutlet, RouterLink, FormAlertComponent, ConversationListComponent, PresenceToggleComponent, TeammatesOnlineComponent],
  templateUrl: './inbox.component.html',
  styleUrl: './inbox.component.css',
})
export class InboxComponent {
  protected readonly store = inject(InboxStore);
  protected readonly socket = inject(ConsoleSocketService);
  protected readonly alerts = inject(HandoffAlertService);
  private readonly session = inject(SessionService);

  /** The `tab` query parameter. */
  readonly tab = input<string>();

  protected readonly tabs = shownTabs;
  protected readonly tabTexts = tabTexts;
  protected readonly currentTab = computed<ShownTab>(() => {
    const tab = this.tab();
    return isShownTab(tab) ? tab : 'awaiting';
  });
  protected readonly list = computed(() => this.store.tabList(this.currentTab()));
  protected readonly loading = computed(() => this.store.isLoading(this.currentTab()));
  protected readonly failure = computed(() => this.store.failureOf(this.currentTab()));
  protected readonly canManageResponses = computed(() => this.session.can('conversation.manage'));
  /** Tab links keep the open conversation open. */
  protected readonly tabLink = computed(() => {
    const open = this.store.openConversationId();
    return open === null ? ['/inbox'] : ['/inbox', open];
  });

  constructor() {
    effect(() => {
      const tab = this.currentTab();
      untracked(() => void this.store.open(tab));
    });
  }

  protected countOf(tab: ShownTab): number | null {
    return this.store.counts()?.[tab] ?? null;
  }

  protected loadNextPage(): Promise<void> {
    return this.store.loadMore(this.currentTab());
  }

  protected retryTab(): Promise<void> {
    return this.store.reload(this.currentTab());
  }

  protected enableDesktopAlerts(): Promise<void> {
    return this.alerts.requestPermission();
  }
}
