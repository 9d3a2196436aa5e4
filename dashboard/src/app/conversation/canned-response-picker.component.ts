import { Component, input, output } from '@angular/core';
import type { CannedResponseView } from '@switchboard/contracts';

/**
 * The suggestions under the reply box while the agent types `/shortcut`. Keyboard focus stays in
 * the textarea (which points here with `aria-activedescendant`); the composer moves `activeIndex`
 * with the arrow keys and picks with Enter. A click picks too.
 */
@Component({
  selector: 'sb-canned-response-picker',
  template: `
    <ul [id]="listId()" role="listbox" aria-label="Canned responses" data-testid="canned-picker">
      @for (response of responses(); track response.id; let index = $index) {
        <li
          [id]="listId() + '-' + index"
          role="option"
          [attr.aria-selected]="index === activeIndex()"
          [class.active]="index === activeIndex()"
          (mousedown)="$event.preventDefault()"
          (click)="picked.emit(response)"
          data-testid="canned-option"
          [attr.data-shortcut]="response.shortcut"
        >
          <span class="shortcut">/{{ response.shortcut }}</span>
          <span class="text">{{ response.text }}</span>
        </li>
      } @empty {
        <li class="none" role="option" aria-disabled="true" aria-selected="false">{{ emptyText() }}</li>
      }
    </ul>
  `,
  styles: `
    ul { max-height: 240px; margin: 0; padding: 4px; overflow-y: auto; list-style: none; border: 1px solid var(--sb-border-strong); border-radius: var(--sb-radius); background: var(--sb-surface); box-shadow: var(--sb-shadow); }
    li { display: flex; gap: 10px; padding: 6px 10px; border-radius: 6px; cursor: pointer; }
    li.active { background: var(--sb-primary-soft); }
    .shortcut { flex: none; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.85rem; font-weight: 600; }
    .text { min-width: 0; overflow: hidden; color: var(--sb-text-muted); font-size: 0.85rem; text-overflow: ellipsis; white-space: nowrap; }
    .none { color: var(--sb-text-muted); cursor: default; font-size: 0.85rem; }
  `,
})
export class CannedResponsePickerComponent {
  readonly listId = input.required<string>();
  readonly responses = input.required<readonly CannedResponseView[]>();
  readonly activeIndex = input(0);
  readonly emptyText = input('No canned response matches.');
  readonly picked = output<CannedResponseView>();
}
