import { computed, Directive, ElementRef, inject, input } from '@angular/core';
import { FormField } from '@angular/forms/signals';

/**
 * Tells assistive technology what the eye sees: an input bound with `[formField]` is marked
 * `aria-invalid` while its errors show, and described by its hint (`describedBy`) and by the
 * `<sb-field-errors>` that belongs to its id.
 */
@Directive({
  selector: 'input[formField][id], select[formField][id], textarea[formField][id]',
  host: {
    '[attr.aria-invalid]': 'showsErrors() ? "true" : null',
    '[attr.aria-describedby]': 'describedByIds()',
  },
})
export class FieldAriaDirective {
  private readonly formField = inject(FormField);
  private readonly element = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;

  /** Ids of hints that describe the field, separated by spaces. */
  readonly describedBy = input<string>('');

  protected readonly showsErrors = computed(() => {
    const state = this.formField.state();
    return state.touched() && state.invalid();
  });

  protected readonly describedByIds = computed(() => {
    const ids = [this.describedBy(), this.showsErrors() ? `${this.element.id}-errors` : ''].filter((id) => id !== '');
    return ids.length === 0 ? null : ids.join(' ');
  });
}
