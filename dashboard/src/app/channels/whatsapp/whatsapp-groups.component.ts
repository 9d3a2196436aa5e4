import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import type { GroupChoice } from './whatsapp-audience.model';

/**
 * The groups the bot may answer in, one checkbox each. Groups not ticked are ignored by the bot;
 * agents still see their messages.
 */
@Component({
  selector: 'sb-whatsapp-groups',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <fieldset class="groups" [disabled]="disabled()" [attr.aria-describedby]="errorId()" data-testid="whatsapp-groups">
      <legend>Groups the bot answers in</legend>
      @if (notice(); as text) {
        <p class="sb-notice" role="status" data-testid="whatsapp-groups-notice">{{ text }}</p>
      }
      @for (group of groups(); track group.id) {
        <label class="sb-check">
          <input type="checkbox" [checked]="group.enabled" (change)="toggled.emit({ id: group.id, on: checkedOf($event) })" [attr.data-group-id]="group.id" />
          <span>{{ group.name }}@if (group.name !== group.id) {<br /><span class="sb-hint sb-mono">{{ group.id }}</span>}</span>
        </label>
      } @empty {
        <p class="sb-muted">No groups to show. The bot answers in no group.</p>
      }
      @if (error(); as message) {
        <p class="sb-field-errors" [id]="errorId()" role="alert">{{ message }}</p>
      }
    </fieldset>
  `,
  styles: `
    .groups { display: grid; gap: 8px; margin: 0; padding: 0; border: 0; }
    legend { margin-bottom: 6px; padding: 0; font-weight: 600; font-size: 0.95rem; }
    p { margin: 0; }
  `,
})
export class WhatsappGroupsComponent {
  readonly channelId = input.required<string>();
  readonly groups = input.required<readonly GroupChoice[]>();
  /** Why the session's list is missing, e.g. the session is not running. */
  readonly notice = input<string | null>(null);
  readonly error = input<string | null>(null);
  readonly disabled = input(false);
  readonly toggled = output<{ id: string; on: boolean }>();

  protected errorId(): string | null {
    return this.error() ? `groups-${this.channelId()}-error` : null;
  }

  protected checkedOf(event: Event): boolean {
    return (event.target as HTMLInputElement).checked;
  }
}
