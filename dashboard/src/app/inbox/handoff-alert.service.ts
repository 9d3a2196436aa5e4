import { DOCUMENT } from '@angular/common';
import { DestroyRef, inject, Injectable, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Router } from '@angular/router';
import type { HandoffReason, HandoffRequested } from '@switchboard/contracts';
import { ConsoleSocketService } from '../realtime/console-socket.service';
import { playHandoffChime } from '../realtime/handoff-chime';
import { channelLabels } from './channel-labels';
import { InboxStore } from './inbox.store';

export type AlertPermission = NotificationPermission | 'unsupported';

const reasonTexts: Readonly<Record<HandoffReason, string>> = {
  customer_request: 'asked for a person',
  keyword: 'used a handoff keyword',
  ai_intent: 'needs a person, the bot decided',
  agent_claim: 'was taken over by an agent',
  quota_exhausted: 'is waiting: the AI quota is used up',
  provider_failure: 'is waiting: the AI provider failed',
  out_of_hours: 'wrote outside business hours',
  answered_from_phone: 'was answered from the business phone',
};

/**
 * Tells the agent when a chat is handed to people: a short chime and, once they allowed it from
 * the inbox's button (never on load), a desktop notification. Only when the console is hidden or
 * that conversation is not the one open; an agent already reading it needs no alarm.
 */
@Injectable({ providedIn: 'root' })
export class HandoffAlertService {
  private readonly document = inject(DOCUMENT);
  private readonly router = inject(Router);
  private readonly inbox = inject(InboxStore);
  private audio: AudioContext | null = null;

  readonly permission = signal<AlertPermission>(typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);

  constructor() {
    inject(ConsoleSocketService)
      .on('handoff.requested')
      .pipe(takeUntilDestroyed(inject(DestroyRef)))
      .subscribe(({ data }) => this.alert(data));
    // Browsers start audio only after a gesture: the first click anywhere unlocks the chime.
    this.document.addEventListener('pointerdown', () => this.unlockAudio(), { once: true, capture: true });
  }

  /** Asks the browser for notification permission; call it from a button the agent pressed. */
  async requestPermission(): Promise<void> {
    this.unlockAudio();
    if (typeof Notification === 'undefined') return;
    this.permission.set(await Notification.requestPermission());
  }

  private alert({ conversation, reason }: HandoffRequested): void {
    // Someone is already answering on the business's phone: nobody in the console needs waking.
    if (reason === 'answered_from_phone') return;
    const hidden = this.document.visibilityState === 'hidden';
    if (!hidden && this.inbox.openConversationId() === conversation.id) return;
    if (this.audio !== null) playHandoffChime(this.audio);
    if (this.permission() !== 'granted') return;
    const who = conversation.contactName ?? `A ${channelLabels[conversation.channelType]} customer`;
    const notification = new Notification('A customer is waiting', {
      body: `${who} ${reasonTexts[reason]}.`,
      tag: `handoff-${conversation.id}`,
    });
    notification.onclick = () => {
      this.document.defaultView?.focus();
      void this.router.navigate(['/inbox', conversation.id], { queryParams: { tab: 'awaiting' } });
      notification.close();
    };
  }

  private unlockAudio(): void {
    const AudioContextClass = this.document.defaultView?.AudioContext;
    if (AudioContextClass === undefined) return;
    this.audio ??= new AudioContextClass();
    if (this.audio.state === 'suspended') void this.audio.resume();
  }
}
