import { afterNextRender, booleanAttribute, Directive, ElementRef, inject, input } from '@angular/core';

/**
 * Moves keyboard focus to the element once it is rendered (`sbAutofocus`, or
 * `[sbAutofocus]="condition"`). For steps that replace a form in place, such as the login's code
 * step, where the browser's own `autofocus` applies only on page load.
 */
@Directive({ selector: '[sbAutofocus]' })
export class AutofocusDirective {
  readonly enabled = input(true, { alias: 'sbAutofocus', transform: booleanAttribute });

  constructor() {
    const element = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
    afterNextRender(() => {
      if (this.enabled()) element.focus();
    });
  }
}
