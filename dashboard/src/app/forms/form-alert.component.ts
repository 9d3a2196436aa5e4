import { Component, input } from '@angular/core';
import type { ApiError } from '../api/api-error';

/**
 * Why the last submission failed, in the hub's words, announced to screen readers as it appears.
 * Failures support must look up (5xx, unreachable hub) carry their trace id as a reference.
 */
@Component({
  selector: 'sb-form-alert',
  host: { role: 'alert', class: 'sb-form-alert' },
  template: `
    @if (error(); as error) {
      <p class="sb-alert" [attr.data-code]="error.code">
        {{ error.message }}
        @if (error.reference; as reference) {
          <span class="sb-reference">Reference: {{ reference }}</span>
        }
      </p>
    }
  `,
})
export class FormAlertComponent {
  readonly error = input<ApiError | null>(null);
}
