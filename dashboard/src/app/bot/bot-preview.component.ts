import { Component, type ElementRef, inject, signal, viewChild } from '@angular/core';
import type { AiAnswer, ConversationTurn } from '@switchboard/contracts';
import { ApiError } from '../api/api-error';
import { FormAlertComponent } from '../forms/form-alert.component';
import { actionLabels } from './bot-settings.model';
import { BotApi } from './bot.api';

/** One exchange in the preview: what was asked and what the bot answered. */
interface PreviewExchange {
  readonly question: string;
  readonly answer: AiAnswer;
}

const intentLabels: Readonly<Record<AiAnswer['intent'], string>> = { reply: 'Reply', task: 'Task', handoff: 'Hand off to a person' };

/**
 * A chat with the bot as it is saved now, stored nowhere and seen by no customer: each answer
 * shows its intent, confidence, source and the actions it would propose.
 */
@Component({
  selector: 'sb-bot-preview',
  imports: [FormAlertComponent],
  template: `
    <section class="sb-card preview" aria-labelledby="bot-preview-heading" data-testid="bot-preview">
      <div class="heading">
        <h2 id="bot-preview-heading">Preview</h2>
        @if (exchanges().length > 0) {
          <button class="sb-link-button" type="button" (click)="clear()" data-testid="bot-preview-clear">Start over</button>
        }
      </div>
      <p class="sb-hint">Talks to the saved settings: save first to try a change. Nothing is stored.</p>
      <div class="log" role="log" aria-live="polite" aria-label="Preview conversation" tabindex="0" #log>
        @for (exchange of exchanges(); track $index) {
          <p class="bubble customer"><span class="sb-visually-hidden">You: </span>{{ exchange.question }}</p>
          <div class="bubble bot" data-testid="bot-preview-answer" [attr.data-intent]="exchange.answer.intent">
            <p><span class="sb-visually-hidden">Bot: </span>{{ exchange.answer.reply }}</p>
            <dl class="meta">
              <div><dt>Intent</dt><dd data-testid="bot-preview-intent">{{ intentLabels[exchange.answer.intent] }}</dd></div>
              <div><dt>Confidence</dt><dd>{{ percent(exchange.answer.confidence) }}</dd></div>
              <div><dt>Source</dt><dd class="sb-mono" data-testid="bot-preview-source">{{ exchange.answer.source }}</dd></div>
            </dl>
            @if (exchange.answer.actions.length > 0) {
              <ul class="proposals" aria-label="Proposed actions">
                @for (action of exchange.answer.actions; track $index) {
                  <li><span class="sb-badge warning">{{ actionLabels[action.kind] }}</span> {{ action.summary }}</li>
                }
              </ul>
            }
          </div>
        } @empty {
          <p class="sb-muted empty">Ask what a customer would, e.g. "Do you ship to Spain?"</p>
        }
        @if (asking()) {
          <p class="sb-muted" role="status">The bot is answering…</p>
        }
      </div>
      <sb-form-alert [error]="failure()" />
      <form class="ask" (submit)="$event.preventDefault(); ask()">
        <label class="sb-visually-hidden" for="bot-preview-input">Message to the bot</label>
        <input id="bot-preview-input" class="sb-input" autocomplete="off" maxlength="4096" placeholder="Write as a customer…" [value]="draft()" (input)="draft.set(inputValue($event))" data-testid="bot-preview-input" />
        <button class="sb-button" type="submit" [disabled]="asking() || draft().trim() === ''" data-testid="bot-preview-send">Send</button>
      </form>
    </section>
  `,
  styles: `
    .preview { display: grid; gap: 12px; }
    .heading { display: flex; align-items: center; justify-content: space-between; }
    .log { display: flex; flex-direction: column; gap: 10px; max-height: 480px; min-height: 160px; overflow-y: auto; padding: 12px; border-radius: var(--sb-radius); background: var(--sb-surface-sunken); }
    .bubble { max-width: 90%; margin: 0; padding: 8px 12px; border-radius: var(--sb-radius-lg); white-space: pre-wrap; overflow-wrap: anywhere; }
    .customer { align-self: flex-end; background: var(--sb-primary); color: var(--sb-primary-contrast); }
    .bot { align-self: flex-start; background: var(--sb-surface); border: 1px solid var(--sb-border); }
    .meta { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 8px 0 0; font-size: 0.78rem; color: var(--sb-text-muted); white-space: normal; }
    .meta div { display: flex; gap: 4px; }
    .meta dt { font-weight: 600; }
    .meta dd { margin: 0; }
    .proposals { margin: 8px 0 0; padding: 0; list-style: none; font-size: 0.85rem; white-space: normal; }
    .empty { margin: auto; text-align: center; }
    .ask { display: flex; gap: 8px; }
  `,
})
export class BotPreviewComponent {
  private readonly api = inject(BotApi);
  private readonly log = viewChild.required<ElementRef<HTMLElement>>('log');

  protected readonly intentLabels = intentLabels;
  protected readonly actionLabels = actionLabels;
  protected readonly exchanges = signal<readonly PreviewExchange[]>([]);
  protected readonly draft = signal('');
  protected readonly asking = signal(false);
  protected readonly failure = signal<ApiError | null>(null);

  protected async ask(): Promise<void> {
    const text = this.draft().trim();
    if (text === '' || this.asking()) return;
    this.asking.set(true);
    this.failure.set(null);
    // The preview remembers the last ten exchanges, as a conversation would (the hub takes 20 turns).
    const history: ConversationTurn[] = this.exchanges()
      .slice(-10)
      .flatMap((exchange) => [
        { role: 'customer' as const, text: exchange.question },
        { role: 'bot' as const, text: exchange.answer.reply },
      ]);
    try {
      const answer = await this.api.preview({ text, history });
      this.exchanges.update((list) => [...list, { question: text, answer }]);
      this.draft.set('');
      setTimeout(() => this.log().nativeElement.scrollTo({ top: this.log().nativeElement.scrollHeight }));
    } catch (error) {
      this.failure.set(ApiError.from(error));
    } finally {
      this.asking.set(false);
    }
  }

  protected clear(): void {
    this.exchanges.set([]);
    this.failure.set(null);
  }

  protected percent(share: number): string {
    return `${Math.round(share * 100)} %`;
  }

  protected inputValue(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }
}
