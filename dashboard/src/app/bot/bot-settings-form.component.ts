import { Component, inject, input, linkedSignal, output, signal } from '@angular/core';
import { applyEach, form, FormField, FormRoot, hidden, max, maxLength, min, minLength, pattern, required, validate } from '@angular/forms/signals';
import type { BotAiSettingsView, ConversationSettingsView } from '@switchboard/contracts';
import { ApiError } from '../api/api-error';
import { FieldAriaDirective } from '../forms/field-aria.directive';
import { focusFirstError, type FieldRef } from '../forms/field-errors';
import { FieldErrorsComponent } from '../forms/field-errors.component';
import { FormAlertComponent } from '../forms/form-alert.component';
import { BotApi } from './bot.api';
import { actionKindList, actionLabels, type BotSettingsModel, fieldKeyOf, lineListProblem, linesOf, openingHoursProblem, providerLabels, toAiSettingsUpdate, toConversationSettings, toSettingsModel } from './bot-settings.model';
import { ConversationRulesComponent } from './conversation-rules.component';

/** The saved settings, as the page holds them after a load or a save. */
export interface BotSettings {
  readonly ai: BotAiSettingsView;
  readonly conversation: ConversationSettingsView;
}

const providerHints = {
  platform: 'The model Switchboard runs for every workspace, or the offline responder when none is configured.',
  offline: 'Answers from your FAQ and knowledge base only, citing the source. No model is called and nothing is metered.',
  'openai-compatible': 'OpenAI, Mistral, Ollama, vLLM or any server that speaks the OpenAI API, with your key. Usage is metered against your budget.',
} as const;

/**
 * The bot's settings in one form: who answers (provider, model, key), how (persona,
 * instructions, language, temperature), what it may propose, and the conversation rules.
 * Saving writes the AI settings, then the conversation settings; a refusal puts the hub's
 * reasons next to the fields they name.
 */
@Component({
  selector: 'sb-bot-settings-form',
  imports: [FormField, FormRoot, FieldAriaDirective, FieldErrorsComponent, FormAlertComponent, ConversationRulesComponent],
  template: `
    <form class="sb-form" [formRoot]="settingsForm" aria-label="Bot settings" data-testid="bot-settings-form">
      <section class="sb-card" aria-labelledby="bot-provider-heading">
        <div class="heading">
          <h2 id="bot-provider-heading">Provider</h2>
          <span class="sb-badge positive" data-testid="bot-active-provider">Answering now: {{ settings().ai.activeProvider }}</span>
        </div>
        <fieldset class="providers">
          <legend class="sb-label">Who answers for this workspace</legend>
          @for (kind of providerKinds; track kind) {
            <label class="sb-check">
              <input type="radio" [value]="kind" [formField]="settingsForm.provider" [attr.data-testid]="'bot-provider-' + kind" />
              <span><strong>{{ providerLabels[kind] }}</strong><br /><span class="sb-hint">{{ providerHints[kind] }}</span></span>
            </label>
          }
        </fieldset>
        @if (settingsForm.provider().value() === 'openai-compatible') {
          <div class="own">
            <div class="sb-field">
              <label for="bot-base-url">Base URL</label>
              <input id="bot-base-url" class="sb-input" type="url" spellcheck="false" placeholder="https://api.openai.com/v1" [formField]="settingsForm.baseUrl" data-testid="bot-base-url" />
              <sb-field-errors for="bot-base-url" [field]="settingsForm.baseUrl" />
            </div>
            <div class="sb-field">
              <label for="bot-model">Model</label>
              <input id="bot-model" class="sb-input" spellcheck="false" placeholder="gpt-4o-mini" [formField]="settingsForm.model" data-testid="bot-model" />
              <sb-field-errors for="bot-model" [field]="settingsForm.model" />
            </div>
            <div class="sb-field key">
              <label for="bot-api-key">{{ settings().ai.apiKeySet ? 'Replace the API key' : 'API key' }}</label>
              @if (settings().ai.apiKeySet) {
                <p class="sb-hint" id="bot-api-key-hint"><span class="sb-badge" data-testid="bot-key-stored">A key is stored</span> It is never shown. Type a new one to replace it, or leave this empty to keep it.</p>
              } @else {
                <p class="sb-hint" id="bot-api-key-hint">Stored encrypted and never shown again. Leave empty for servers that need none.</p>
              }
              <input id="bot-api-key" class="sb-input" type="password" autocomplete="new-password" spellcheck="false" describedBy="bot-api-key-hint" [formField]="settingsForm.apiKey" data-testid="bot-api-key" />
              <sb-field-errors for="bot-api-key" [field]="settingsForm.apiKey" />
              @if (settings().ai.apiKeySet) {
                <div>
                  <label class="sb-check">
                    <input type="checkbox" [formField]="settingsForm.removeApiKey" data-testid="bot-remove-key" />
                    <span>Remove the stored key when I save</span>
                  </label>
                </div>
              }
            </div>
          </div>
        }
      </section>

      <section class="sb-card" aria-labelledby="bot-persona-heading">
        <h2 id="bot-persona-heading">Persona</h2>
        <div class="row">
          <div class="sb-field">
            <label for="bot-persona-name">Name</label>
            <input id="bot-persona-name" class="sb-input" [formField]="settingsForm.personaName" data-testid="bot-persona-name" />
            <sb-field-errors for="bot-persona-name" [field]="settingsForm.personaName" />
          </div>
          <div class="sb-field">
            <label for="bot-language">Language</label>
            <input id="bot-language" class="sb-input" spellcheck="false" placeholder="en" describedBy="bot-language-hint" [formField]="settingsForm.language" data-testid="bot-language" />
            <p class="sb-hint" id="bot-language-hint">A language code such as en, fr or ar, used when the customer's is unclear.</p>
            <sb-field-errors for="bot-language" [field]="settingsForm.language" />
          </div>
        </div>
        <div class="sb-field">
          <label for="bot-instructions">Instructions</label>
          <textarea id="bot-instructions" class="sb-input" rows="5" describedBy="bot-instructions-hint" [formField]="settingsForm.instructions" data-testid="bot-instructions"></textarea>
          <p class="sb-hint" id="bot-instructions-hint">Your own rules for the bot, added after Switchboard's. {{ settingsForm.instructions().value().length }} / 4,000 characters.</p>
          <sb-field-errors for="bot-instructions" [field]="settingsForm.instructions" />
        </div>
        <div class="sb-field">
          <label for="bot-temperature">Temperature: {{ settingsForm.temperature().value() }}</label>
          <input id="bot-temperature" type="range" step="0.1" describedBy="bot-temperature-hint" [formField]="settingsForm.temperature" data-testid="bot-temperature" />
          <p class="sb-hint" id="bot-temperature-hint">Lower is steadier and more literal; higher is more varied. 0.2–0.5 suits support.</p>
          <sb-field-errors for="bot-temperature" [field]="settingsForm.temperature" />
        </div>
      </section>

      <sb-conversation-rules [fields]="settingsForm" />

      <section class="sb-card" aria-labelledby="bot-actions-heading">
        <h2 id="bot-actions-heading">Allowed actions</h2>
        <p>What the bot may propose to an agent, who confirms or rejects it. Other proposals are dropped.</p>
        <div class="actions" role="group" aria-labelledby="bot-actions-heading">
          @for (kind of actionKinds; track kind) {
            <label class="sb-check">
              <input type="checkbox" [formField]="settingsForm.allowedActions[kind]" [attr.data-testid]="'bot-action-' + kind" />
              <span>{{ actionLabels[kind] }}</span>
            </label>
          }
        </div>
      </section>

      <div class="save">
        <sb-form-alert [error]="failure()" />
        @if (savedAt()) {
          <p class="sb-success" role="status" data-testid="bot-saved">Saved. The bot answers with these settings from the next message.</p>
        }
        <div class="sb-actions">
          <button class="sb-button" type="submit" [disabled]="settingsForm().submitting()" data-testid="bot-save">
            {{ settingsForm().submitting() ? 'Saving…' : 'Save settings' }}
          </button>
        </div>
      </div>
    </form>
  `,
  styles: `
    .heading { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px; }
    .providers { display: grid; gap: 12px; margin: 12px 0 0; padding: 0; border: 0; }
    .providers legend { margin-bottom: 8px; }
    .own { display: grid; gap: 16px; margin-top: 16px; padding-top: 16px; border-top: 1px solid var(--sb-border); }
    .row { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); align-items: start; gap: 16px; }
    .sb-card { display: grid; gap: 16px; }
    textarea { resize: vertical; }
    input[type='range'] { width: 100%; max-width: 360px; accent-color: var(--sb-primary); }
    .actions { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 10px; }
    .save { position: sticky; bottom: 0; display: grid; gap: 8px; padding: 12px 0; background: var(--sb-bg); }
  `,
})
export class BotSettingsFormComponent {
  private readonly api = inject(BotApi);

  readonly settings = input.required<BotSettings>();
  readonly saved = output<BotSettings>();

  protected readonly providerKinds = ['platform', 'offline', 'openai-compatible'] as const;
  protected readonly providerLabels = providerLabels;
  protected readonly providerHints = providerHints;
  protected readonly actionKinds = actionKindList;
  protected readonly actionLabels = actionLabels;
  protected readonly failure = signal<ApiError | null>(null);
  protected readonly savedAt = signal<Date | null>(null);

  private readonly model = linkedSignal<BotSettingsModel>(() => toSettingsModel(this.settings().ai, this.settings().conversation));

  protected readonly settingsForm = form(
    this.model,
    (path) => {
      hidden(path.baseUrl, ({ valueOf }) => valueOf(path.provider) !== 'openai-compatible');
      hidden(path.model, ({ valueOf }) => valueOf(path.provider) !== 'openai-compatible');
      hidden(path.apiKey, ({ valueOf }) => valueOf(path.provider) !== 'openai-compatible');
      required(path.baseUrl, { message: "Enter the server's base URL, e.g. https://api.openai.com/v1." });
      pattern(path.baseUrl, /^https?:\/\/\S+$/, { message: 'Use an address starting with http:// or https://.' });
      maxLength(path.baseUrl, 500, { message: 'Keep the address to 500 characters.' });
      required(path.model, { message: 'Enter the model name, e.g. gpt-4o-mini.' });
      maxLength(path.model, 100, { message: 'Keep the model name to 100 characters.' });
      maxLength(path.apiKey, 500, { message: 'Keep the key to 500 characters.' });
      required(path.personaName, { message: 'Name the bot.' });
      maxLength(path.personaName, 60, { message: 'Keep the name to 60 characters.' });
      maxLength(path.instructions, 4000, { message: 'Keep the instructions to 4,000 characters.' });
      required(path.language, { message: 'Enter a language code such as en.' });
      minLength(path.language, 2, { message: 'Use a language code such as en.' });
      maxLength(path.language, 35, { message: 'Use a language code such as en or pt-BR.' });
      min(path.temperature, 0, { message: 'Use a temperature from 0 to 2.' });
      max(path.temperature, 2, { message: 'Use a temperature from 0 to 2.' });
      required(path.agentInactivityMinutes, { message: 'Enter a number of minutes.' });
      min(path.agentInactivityMinutes, 1, { message: 'Use at least 1 minute.' });
      max(path.agentInactivityMinutes, 1440, { message: 'Use at most 1,440 minutes (a day).' });
      required(path.handoffMessage, { message: 'Enter what the bot says when it hands over.' });
      maxLength(path.handoffMessage, 500, { message: 'Keep the message to 500 characters.' });
      required(path.fallbackMessage, { message: 'Enter what the bot says when it cannot answer.' });
      maxLength(path.fallbackMessage, 500, { message: 'Keep the message to 500 characters.' });
      validate(path.handoffKeywords, ({ value }) => {
        const message = lineListProblem(value(), { min: 2, max: 60, count: 50 });
        return message === undefined ? undefined : { kind: 'lines', message };
      });
      validate(path.blockedPatterns, ({ value }) => {
        const message = lineListProblem(value(), { min: 2, max: 200, count: 50 });
        return message === undefined ? undefined : { kind: 'lines', message };
      });
      required(path.outOfHoursMessage, { message: 'Enter what the bot says outside opening hours.' });
      maxLength(path.outOfHoursMessage, 500, { message: 'Keep the message to 500 characters.' });
      validate(path.openingHours, ({ value }) => {
        const message = openingHoursProblem(value());
        return message === undefined ? undefined : { kind: 'hours', message };
      });
      validate(path.timezone, ({ value, valueOf }) =>
        linesOf(valueOf(path.openingHours)).length > 0 && value().trim() === ''
          ? { kind: 'required', message: 'Enter the time zone of these hours, like Africa/Casablanca.' }
          : undefined);
      maxLength(path.greeting, 500, { message: 'Keep the greeting to 500 characters.' });
      applyEach(path.faq, (entry) => {
        required(entry.question, { message: 'Enter the question, or remove this entry.' });
        minLength(entry.question, 2, { message: 'Use at least 2 characters.' });
        maxLength(entry.question, 300, { message: 'Keep the question to 300 characters.' });
        required(entry.answer, { message: 'Enter the answer, or remove this entry.' });
        maxLength(entry.answer, 2000, { message: 'Keep the answer to 2,000 characters.' });
      });
    },
    {
      submission: {
        onInvalid: focusFirstError,
        action: async (fields) => {
          this.failure.set(null);
          this.savedAt.set(null);
          const value = fields().value();
          // Two resources, two calls: when the second is refused, say that the first was saved.
          let savedAi = false;
          try {
            const ai = await this.api.updateAiSettings(toAiSettingsUpdate(value));
            savedAi = true;
            const conversation = await this.api.updateConversationSettings(toConversationSettings(value));
            this.savedAt.set(new Date());
            this.saved.emit({ ai, conversation });
            return undefined;
          } catch (error) {
            const apiError = ApiError.from(error);
            this.failure.set(
              savedAi
                ? new ApiError(apiError.status, apiError.code, `The provider, persona and actions were saved; the handoff rules, messages and FAQ were not. ${apiError.message}`, apiError.issues, apiError.traceId)
                : apiError,
            );
            return this.serverErrors(apiError);
          }
        },
      },
    },
  );

  /** The fields a refused path can name directly (lists edited as text included). */
  private plainFields(): Readonly<Record<string, FieldRef>> {
    const fields = this.settingsForm;
    return {
      baseUrl: fields.baseUrl,
      model: fields.model,
      apiKey: fields.apiKey,
      temperature: fields.temperature,
      personaName: fields.personaName,
      instructions: fields.instructions,
      language: fields.language,
      handoffKeywords: fields.handoffKeywords,
      agentInactivityMinutes: fields.agentInactivityMinutes,
      handoffMessage: fields.handoffMessage,
      fallbackMessage: fields.fallbackMessage,
      greeting: fields.greeting,
      blockedPatterns: fields.blockedPatterns,
      outOfHoursMessage: fields.outOfHoursMessage,
      'businessHours/timezone': fields.timezone,
      businessHours: fields.openingHours,
    };
  }

  /** The hub's refused fields (`/baseUrl`, `body/personaName`, `/faq/2/answer`) on their inputs. */
  private serverErrors(error: ApiError): { kind: 'server'; message: string; fieldTree: FieldRef }[] {
    const fields = this.settingsForm;
    return error.issues.flatMap((issue) => {
      const key = fieldKeyOf(issue.path);
      const faq = /^faq\/(\d+)\/(question|answer)$/.exec(key);
      let fieldTree: FieldRef | undefined;
      if (faq) {
        const entry = fields.faq[Number(faq[1])];
        fieldTree = entry === undefined ? undefined : faq[2] === 'question' ? entry.question : entry.answer;
      } else {
        fieldTree = this.plainFields()[key];
      }
      const message = issue.message.charAt(0).toUpperCase() + issue.message.slice(1);
      return fieldTree === undefined ? [] : [{ kind: 'server' as const, message, fieldTree }];
    });
  }
}
