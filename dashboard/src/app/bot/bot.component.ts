import { Component, inject, resource } from '@angular/core';
import { AiUsageComponent } from './ai-usage.component';
import { BotApi } from './bot.api';
import { type BotSettings, BotSettingsFormComponent } from './bot-settings-form.component';
import { BotPreviewComponent } from './bot-preview.component';

/**
 * The bot page for admins: its settings beside a live preview chat, and its AI usage below.
 */
@Component({
  selector: 'sb-bot',
  imports: [BotSettingsFormComponent, BotPreviewComponent, AiUsageComponent],
  template: `
    <header class="sb-page-header">
      <div>
        <h1>Bot</h1>
        <p>How the assistant answers, when it hands a chat to a person, and what it may propose.</p>
      </div>
    </header>
    @if (settings.isLoading() && !settings.hasValue()) {
      <p class="sb-muted" role="status">Loading the bot's settings…</p>
    } @else if (settings.error()) {
      <p class="sb-alert" role="alert">The bot's settings could not be loaded. Reload the page to try again.</p>
    } @else if (settings.hasValue()) {
      <div class="layout">
        <sb-bot-settings-form [settings]="settings.value()" (saved)="settings.set($event)" />
        <aside class="side" aria-label="Try the bot">
          <sb-bot-preview />
        </aside>
      </div>
    }
    <sb-ai-usage />
  `,
  styles: `
    .layout { display: grid; grid-template-columns: minmax(0, 3fr) minmax(300px, 2fr); align-items: start; gap: 24px; }
    .side { position: sticky; top: 16px; }
    @media (max-width: 1100px) { .layout { grid-template-columns: 1fr; } .side { position: static; } }
  `,
})
export class BotComponent {
  private readonly api = inject(BotApi);

  protected readonly settings = resource<BotSettings, unknown>({
    loader: async () => {
      const [ai, conversation] = await Promise.all([this.api.aiSettings(), this.api.conversationSettings()]);
      return { ai, conversation };
    },
  });
}
