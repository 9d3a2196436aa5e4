import { DecimalPipe } from '@angular/common';
import { Component, inject, signal } from '@angular/core';
import type { KnowledgeQueryResult } from '@switchboard/contracts';
import { ApiError } from '../api/api-error';
import { FormAlertComponent } from '../forms/form-alert.component';
import { KnowledgeApi } from './knowledge.api';

/** "Test a question": the chunks the bot would find for a question, with scores and sources. */
@Component({
  selector: 'sb-knowledge-playground',
  imports: [DecimalPipe, FormAlertComponent],
  template: `
    <form class="sb-form ask" (submit)="askQuestion($event)" aria-label="Test a question" data-testid="kb-playground">
      <div class="sb-field">
        <label class="sb-label" for="kb-question">Question</label>
        <input id="kb-question" class="sb-input" autocomplete="off" maxlength="1000" placeholder="How long does delivery take?"
          [value]="question()" (input)="question.set(inputValue($event))" data-testid="kb-question" />
      </div>
      <div class="sb-actions">
        <button class="sb-button" type="submit" [disabled]="asking() || question().trim() === ''" data-testid="kb-ask">
          {{ asking() ? 'Searching…' : 'Search' }}
        </button>
      </div>
    </form>
    <sb-form-alert [error]="failure()" />
    @if (chunks(); as found) {
      <div role="status" class="sb-visually-hidden">{{ found.length }} passages found</div>
      @if (found.length === 0) {
        <p class="sb-muted" data-testid="kb-no-chunks">Nothing in the knowledge base matches that question yet.</p>
      } @else {
        <ol class="chunks" aria-label="Passages found, best first" data-testid="kb-chunks">
          @for (chunk of found; track $index) {
            <li data-testid="kb-chunk">
              <p class="meta">
                <span class="score" [attr.aria-label]="'Score ' + (chunk.score | number: '1.2-2')">{{ chunk.score | number: '1.2-2' }}</span>
                <span class="source">{{ chunk.source }}</span>
                @if (chunk.title) {
                  <span class="sb-muted">· {{ chunk.title }}</span>
                }
              </p>
              <blockquote>{{ chunk.text }}</blockquote>
            </li>
          }
        </ol>
      }
    }
  `,
  styles: `
    .ask { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 12px; }
    .ask .sb-field { flex: 1 1 320px; }
    .chunks { display: grid; gap: 12px; margin: 16px 0 0; padding-left: 20px; }
    .meta { display: flex; flex-wrap: wrap; gap: 8px; align-items: baseline; margin: 0 0 4px; }
    .score { font-variant-numeric: tabular-nums; font-weight: 600; padding: 0 6px; border-radius: 4px; background: var(--sb-primary-soft); }
    .source { font-weight: 600; overflow-wrap: anywhere; }
    blockquote { margin: 0; padding-left: 12px; border-left: 3px solid var(--sb-border); white-space: pre-wrap; overflow-wrap: anywhere; }
  `,
})
export class KnowledgePlaygroundComponent {
  private readonly api = inject(KnowledgeApi);

  protected readonly question = signal('');
  protected readonly asking = signal(false);
  protected readonly chunks = signal<KnowledgeQueryResult['chunks'] | null>(null);
  protected readonly failure = signal<ApiError | null>(null);

  protected inputValue(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected async askQuestion(event: Event): Promise<void> {
    event.preventDefault();
    const question = this.question().trim();
    if (question === '') return;
    this.asking.set(true);
    this.failure.set(null);
    try {
      this.chunks.set((await this.api.query(question)).chunks);
    } catch (error) {
      this.failure.set(ApiError.from(error));
    } finally {
      this.asking.set(false);
    }
  }
}
