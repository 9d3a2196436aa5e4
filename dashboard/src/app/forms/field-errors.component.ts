import { Component, computed, input } from '@angular/core';
import type { ErrorSource } from './field-errors';

/**
 * A field's errors under its input, once the person has left the field or submitted. The input
 * points here through `aria-describedby` (see `FieldAriaDirective`), so the id is derived from
 * the input's: `for="signup-email"` renders `id="signup-email-errors"`.
 */
@Component({
  selector: 'sb-field-errors',
  host: { '[id]': 'for() + "-errors"', class: 'sb-field-errors' },
  template: `
    @for (error of shown(); track $index) {
      <p>{{ error.message ?? 'Check this field.' }}</p>
    }
  `,
})
export class FieldErrorsComponent {
  /** The id of the input these errors belong to. */
  readonly for = input.required<string>();
  readonly field = input.required<ErrorSource>();

  protected readonly shown = computed(() => {
    const state = this.field()();
    return state.touched() ? state.errors() : [];
  });
}
