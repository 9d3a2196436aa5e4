import { Component, input } from '@angular/core';
import { type FieldTree, FormField } from '@angular/forms/signals';
import { FieldAriaDirective } from '../forms/field-aria.directive';
import { FieldErrorsComponent } from '../forms/field-errors.component';
import type { BotSettingsModel } from './bot-settings.model';

/**
 * The conversation rules part of the bot form: when a chat goes to a person, what the bot says
 * around that, its FAQ, and the phrases it must never send.
 */
@Component({
  selector: 'sb-conversation-rules',
  imports: [FormField, FieldAriaDirective, FieldErrorsComponent],
  template: `
    @let form = fields();
    <section class="sb-card" aria-labelledby="bot-handoff-heading">
      <h2 id="bot-handoff-heading">Handoff and messages</h2>
      <div class="row">
        <div class="sb-field">
          <label for="bot-handoff-keywords">Handoff keywords</label>
          <textarea id="bot-handoff-keywords" class="sb-input" rows="4" spellcheck="false" describedBy="bot-handoff-keywords-hint" [formField]="form.handoffKeywords" data-testid="bot-handoff-keywords"></textarea>
          <p class="sb-hint" id="bot-handoff-keywords-hint">One per line. A customer who writes one is handed to a person, as are requests for a human in English or Arabic.</p>
          <sb-field-errors for="bot-handoff-keywords" [field]="form.handoffKeywords" />
        </div>
        <div class="sb-field">
          <label for="bot-inactivity">Agent inactivity (minutes)</label>
          <input id="bot-inactivity" class="sb-input minutes" type="number" step="1" describedBy="bot-inactivity-hint" [formField]="form.agentInactivityMinutes" data-testid="bot-inactivity" />
          <p class="sb-hint" id="bot-inactivity-hint">An assigned agent silent this long gives the chat back to the queue.</p>
          <sb-field-errors for="bot-inactivity" [field]="form.agentInactivityMinutes" />
        </div>
      </div>
      <div class="sb-field">
        <label for="bot-greeting">Greeting</label>
        <input id="bot-greeting" class="sb-input" [formField]="form.greeting" data-testid="bot-greeting" />
        <sb-field-errors for="bot-greeting" [field]="form.greeting" />
      </div>
      <div class="sb-field">
        <label for="bot-handoff-message">Handoff message</label>
        <input id="bot-handoff-message" class="sb-input" describedBy="bot-handoff-message-hint" [formField]="form.handoffMessage" data-testid="bot-handoff-message" />
        <p class="sb-hint" id="bot-handoff-message-hint">What the customer reads while a person is fetched.</p>
        <sb-field-errors for="bot-handoff-message" [field]="form.handoffMessage" />
      </div>
      <div class="sb-field">
        <label for="bot-fallback-message">Fallback message</label>
        <input id="bot-fallback-message" class="sb-input" describedBy="bot-fallback-message-hint" [formField]="form.fallbackMessage" data-testid="bot-fallback-message" />
        <p class="sb-hint" id="bot-fallback-message-hint">What the bot says when it cannot answer (the provider failed or the budget is spent).</p>
        <sb-field-errors for="bot-fallback-message" [field]="form.fallbackMessage" />
      </div>
      <div class="sb-field">
        <label for="bot-blocked">Blocked phrases</label>
        <textarea id="bot-blocked" class="sb-input" rows="3" spellcheck="false" describedBy="bot-blocked-hint" [formField]="form.blockedPatterns" data-testid="bot-blocked"></textarea>
        <p class="sb-hint" id="bot-blocked-hint">One per line, matched as plain text whatever the case. A reply containing one is withheld.</p>
        <sb-field-errors for="bot-blocked" [field]="form.blockedPatterns" />
      </div>
      <div class="sb-field">
        <label for="bot-opening-hours">Opening hours</label>
        <textarea id="bot-opening-hours" class="sb-input" rows="3" spellcheck="false" describedBy="bot-opening-hours-hint" [formField]="form.openingHours" data-testid="bot-opening-hours"></textarea>
        <p class="sb-hint" id="bot-opening-hours-hint">One period per line, like "Mon 09:00-18:00". Empty: people answer at any hour.</p>
        <sb-field-errors for="bot-opening-hours" [field]="form.openingHours" />
      </div>
      <div class="sb-field">
        <label for="bot-timezone">Time zone of the opening hours</label>
        <input id="bot-timezone" class="sb-input" spellcheck="false" placeholder="Africa/Casablanca" [formField]="form.timezone" data-testid="bot-timezone" />
        <sb-field-errors for="bot-timezone" [field]="form.timezone" />
      </div>
      <div class="sb-field">
        <label for="bot-out-of-hours">Out-of-hours message</label>
        <input id="bot-out-of-hours" class="sb-input" describedBy="bot-out-of-hours-hint" [formField]="form.outOfHoursMessage" data-testid="bot-out-of-hours" />
        <p class="sb-hint" id="bot-out-of-hours-hint">Said instead of the handoff message when a customer asks for a person outside opening hours; the chat still waits in the queue.</p>
        <sb-field-errors for="bot-out-of-hours" [field]="form.outOfHoursMessage" />
      </div>
    </section>

    <section class="sb-card" aria-labelledby="bot-faq-heading">
      <h2 id="bot-faq-heading">FAQ</h2>
      <p>Questions the bot answers word for word, with any provider.</p>
      <ol class="faq" data-testid="bot-faq">
        @for (entry of form.faq; track $index; let index = $index) {
          <li data-testid="bot-faq-entry">
            <div class="sb-field">
              <label [for]="'bot-faq-question-' + index">Question {{ index + 1 }}</label>
              <input [id]="'bot-faq-question-' + index" class="sb-input" [formField]="entry.question" data-testid="bot-faq-question" />
              <sb-field-errors [for]="'bot-faq-question-' + index" [field]="entry.question" />
            </div>
            <div class="sb-field">
              <label [for]="'bot-faq-answer-' + index">Answer {{ index + 1 }}</label>
              <textarea [id]="'bot-faq-answer-' + index" class="sb-input" rows="2" [formField]="entry.answer" data-testid="bot-faq-answer"></textarea>
              <sb-field-errors [for]="'bot-faq-answer-' + index" [field]="entry.answer" />
            </div>
            <button class="sb-button small secondary" type="button" (click)="removeEntry(index)" data-testid="bot-faq-remove">
              Remove<span class="sb-visually-hidden"> question {{ index + 1 }}</span>
            </button>
          </li>
        } @empty {
          <li class="sb-muted">No questions yet.</li>
        }
      </ol>
      <div class="sb-actions">
        <button id="bot-faq-add" class="sb-button small secondary" type="button" [disabled]="form.faq().value().length >= 200" (click)="addEntry()" data-testid="bot-faq-add">Add a question</button>
      </div>
    </section>
  `,
  styles: `
    .sb-card { display: grid; gap: 16px; }
    .row { display: grid; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); align-items: start; gap: 16px; }
    .minutes { max-width: 140px; }
    textarea { resize: vertical; }
    .faq { display: grid; gap: 0; margin: 0; padding: 0; list-style: none; }
    .faq > li { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 2fr) auto; align-items: start; gap: 12px; padding: 12px 0; border-top: 1px solid var(--sb-border); }
    .faq > li > button { margin-top: 26px; }
    @media (max-width: 720px) { .faq > li { grid-template-columns: 1fr; } .faq > li > button { margin-top: 0; justify-self: start; } }
  `,
})
export class ConversationRulesComponent {
  readonly fields = input.required<FieldTree<BotSettingsModel>>();

  protected addEntry(): void {
    this.fields().faq().value.update((faq) => [...faq, { question: '', answer: '' }]);
    // Focus the new question, so keyboard users continue where the entry appeared.
    setTimeout(() => document.getElementById(`bot-faq-question-${this.fields().faq().value().length - 1}`)?.focus());
  }

  protected removeEntry(index: number): void {
    this.fields().faq().value.update((faq) => faq.filter((_, position) => position !== index));
    document.getElementById('bot-faq-add')?.focus();
  }
}
