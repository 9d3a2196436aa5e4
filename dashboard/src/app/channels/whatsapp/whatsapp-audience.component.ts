import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import type { ChannelPeer } from '@switchboard/contracts';
import { ApiError } from '../../api/api-error';
import { FormAlertComponent } from '../../forms/form-alert.component';
import { audienceErrors, groupChoices, groupsProblem, toggleGroup, toWhatsAppSettings, whitelistProblem, whitelistText } from './whatsapp-audience.model';
import { WhatsappApi } from './whatsapp.api';
import { WhatsappGroupsComponent } from './whatsapp-groups.component';

/**
 * "Who the bot answers" on one WhatsApp channel: the numbers it answers (everyone when none are
 * listed) and the groups it answers in. It opens on demand, as listing groups asks the running
 * session.
 */
@Component({
  selector: 'sb-whatsapp-audience',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormAlertComponent, WhatsappGroupsComponent],
  template: `
    @let id = channelId();
    <button class="sb-link-button" type="button" [attr.aria-expanded]="open()" [attr.aria-controls]="'audience-' + id" (click)="toggleOpen()" data-testid="whatsapp-audience-toggle">
      Who the bot answers
    </button>
    @if (open()) {
      <form [id]="'audience-' + id" class="panel" novalidate (submit)="$event.preventDefault(); saveSettings()" [attr.aria-label]="'Who the bot answers on ' + name()" data-testid="whatsapp-audience">
        @if (loading()) {
          <p class="sb-muted" role="status">Loading settings…</p>
        } @else if (loaded()) {
          <fieldset class="sb-field">
            <legend>Numbers the bot answers</legend>
            <label [for]="'whitelist-' + id">Phone numbers, one per line</label>
            <textarea [id]="'whitelist-' + id" class="sb-input sb-mono" rows="5" spellcheck="false" inputmode="tel" [value]="whitelist()" (input)="editWhitelist($event)" [disabled]="saving()"
              [attr.aria-invalid]="whitelistError() ? 'true' : null" [attr.aria-describedby]="'whitelist-' + id + '-hint' + (whitelistError() ? ' whitelist-' + id + '-error' : '')" data-testid="whatsapp-whitelist"></textarea>
            <p class="sb-hint" [id]="'whitelist-' + id + '-hint'">
              Country code first, digits only, e.g. 212612345678. Leave it empty and the bot answers everyone.
              People who are not on a list still reach your agents; only the bot stays silent for them.
            </p>
            @if (whitelistError(); as message) {
              <p class="sb-field-errors" [id]="'whitelist-' + id + '-error'" role="alert" data-testid="whatsapp-whitelist-error">{{ message }}</p>
            }
          </fieldset>
          <sb-whatsapp-groups [channelId]="id" [groups]="groups()" [notice]="groupsNotice()" [error]="groupsError()" [disabled]="saving()" (toggled)="toggle($event.id, $event.on)" />
          <div class="sb-actions">
            <button class="sb-button small" type="submit" [disabled]="saving()" data-testid="whatsapp-audience-save">{{ saving() ? 'Saving…' : 'Save' }}</button>
            @if (saved()) {
              <span role="status" data-testid="whatsapp-audience-saved">Saved.</span>
            }
          </div>
        }
        <sb-form-alert [error]="failure()" />
      </form>
    }
  `,
  styles: `
    :host { display: grid; gap: 8px; justify-items: start; }
    .panel { display: grid; gap: 16px; width: 100%; max-width: 640px; }
    fieldset { margin: 0; padding: 0; border: 0; }
    legend { margin-bottom: 6px; padding: 0; font-weight: 600; font-size: 0.95rem; }
    p { margin: 0; }
  `,
})
export class WhatsappAudienceComponent {
  private readonly api = inject(WhatsappApi);

  readonly channelId = input.required<string>();
  readonly name = input.required<string>();

  protected readonly open = signal(false);
  protected readonly loading = signal(false);
  protected readonly loaded = signal(false);
  protected readonly saving = signal(false);
  protected readonly saved = signal(false);
  protected readonly failure = signal<ApiError | null>(null);
  protected readonly whitelist = signal('');
  protected readonly enabledGroups = signal<readonly string[]>([]);
  protected readonly listedGroups = signal<readonly ChannelPeer[] | null>(null);
  /** Groups enabled when the panel loaded: still shown once unticked, when the session cannot list them. */
  private readonly storedGroups = signal<readonly string[]>([]);
  protected readonly groupsNotice = signal<string | null>(null);
  protected readonly whitelistError = signal<string | null>(null);
  protected readonly groupsError = signal<string | null>(null);
  protected readonly groups = computed(() => groupChoices(this.listedGroups(), this.enabledGroups(), this.storedGroups()));

  protected toggleOpen(): void {
    this.open.update((open) => !open);
    if (this.open() && !this.loaded()) void this.load();
  }

  protected editWhitelist(event: Event): void {
    this.whitelist.set((event.target as HTMLTextAreaElement).value);
    this.whitelistError.set(null);
    this.saved.set(false);
  }

  protected toggle(id: string, on: boolean): void {
    this.enabledGroups.update((enabled) => toggleGroup(enabled, id, on));
    this.groupsError.set(null);
    this.saved.set(false);
  }

  protected async saveSettings(): Promise<void> {
    this.whitelistError.set(whitelistProblem(this.whitelist()) ?? null);
    this.groupsError.set(groupsProblem(this.enabledGroups()) ?? null);
    if (this.whitelistError() || this.groupsError()) return;
    this.saving.set(true);
    this.saved.set(false);
    this.failure.set(null);
    try {
      const stored = await this.api.saveSettings(this.channelId(), toWhatsAppSettings(this.whitelist(), this.enabledGroups()));
      this.whitelist.set(whitelistText(stored.whitelist));
      this.enabledGroups.set(stored.enabledGroups);
      this.saved.set(true);
    } catch (error) {
      this.showFailure(ApiError.from(error));
    } finally {
      this.saving.set(false);
    }
  }

  private async load(): Promise<void> {
    this.loading.set(true);
    this.failure.set(null);
    try {
      const [settings] = await Promise.all([this.api.settings(this.channelId()), this.loadGroups()]);
      this.whitelist.set(whitelistText(settings.whitelist));
      this.enabledGroups.set(settings.enabledGroups);
      this.storedGroups.set(settings.enabledGroups);
      this.loaded.set(true);
    } catch (error) {
      this.failure.set(ApiError.from(error));
    } finally {
      this.loading.set(false);
    }
  }

  /** A session that is not running cannot list groups: say so, and keep the enabled ids editable. */
  private async loadGroups(): Promise<void> {
    try {
      this.listedGroups.set((await this.api.groups(this.channelId())).items);
      this.groupsNotice.set(null);
    } catch (error) {
      const failure = ApiError.from(error);
      this.listedGroups.set(null);
      this.groupsNotice.set(
        failure.code === 'SB_ERR_CONFLICT'
          ? "This number's groups can be listed only while its session runs: start the session and scan the QR code to list them. The groups already enabled stay below, and you can still switch them off."
          : `The groups could not be listed: ${failure.message}`,
      );
    }
  }

  /** The hub's refused entries (`body/whitelist/3`) on their box; anything else above the button. */
  private showFailure(failure: ApiError): void {
    const errors = audienceErrors(failure.issues, toWhatsAppSettings(this.whitelist(), this.enabledGroups()));
    this.whitelistError.set(errors.whitelist ?? null);
    this.groupsError.set(errors.enabledGroups ?? null);
    if (errors.whitelist === undefined && errors.enabledGroups === undefined) this.failure.set(failure);
  }
}
