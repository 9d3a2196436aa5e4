import { Component, input } from '@angular/core';

/** Switchboard's mark, drawn in the tenant's brand colour; the shell and the sign-in pages share it. */
@Component({
  selector: 'sb-product-mark',
  template: `
    <svg [attr.width]="size()" [attr.height]="size()" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" />
      <path d="M9 12h9M9 20h5M18 20h5M14 12h9" />
      <circle cx="18" cy="12" r="2.5" />
      <circle cx="14" cy="20" r="2.5" />
    </svg>
  `,
  styles: `
    :host { display: inline-flex; }
    rect { fill: var(--sb-primary); }
    path { stroke: var(--sb-primary-contrast); stroke-width: 2.5; stroke-linecap: round; }
    circle { fill: var(--sb-primary-contrast); }
  `,
})
export class ProductMarkComponent {
  /** Width and height in CSS pixels. */
  readonly size = input(32);
}
