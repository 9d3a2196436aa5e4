import { afterNextRender, Component, type ElementRef, input, output, viewChild } from '@angular/core';

/**
 * A modal dialog on the native `<dialog>`: opened with `showModal()` as soon as it renders (so
 * focus moves into it, the page behind is inert and Escape closes it), labelled by its heading.
 * The browser returns focus to the button that opened it when it closes.
 */
@Component({
  selector: 'sb-modal-dialog',
  template: `
    <dialog #dialog [attr.aria-labelledby]="headingId()" (close)="closed.emit()" (click)="closeOnBackdrop($event)">
      <div class="body">
        <div class="top">
          <h2 [id]="headingId()">{{ heading() }}</h2>
          <button class="sb-button small secondary" type="button" (click)="close()">Close</button>
        </div>
        <ng-content />
      </div>
    </dialog>
  `,
  styles: `
    dialog { width: min(560px, calc(100vw - 32px)); padding: 0; border: 0; border-radius: var(--sb-radius-lg); box-shadow: 0 20px 50px rgb(16 24 40 / 25%); color: var(--sb-text); }
    dialog::backdrop { background: rgb(16 24 40 / 45%); }
    .body { display: grid; gap: 16px; padding: 24px; }
    .top { display: flex; align-items: center; justify-content: space-between; gap: 12px; }
    h2 { margin: 0; font-size: 1.2rem; }
  `,
})
export class ModalDialogComponent {
  readonly heading = input.required<string>();
  readonly headingId = input.required<string>();
  readonly closed = output<void>();

  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');

  constructor() {
    afterNextRender(() => this.dialog().nativeElement.showModal());
  }

  close(): void {
    this.dialog().nativeElement.close();
  }

  /** A click on the backdrop lands on the dialog element itself, outside its padding box. */
  protected closeOnBackdrop(event: MouseEvent): void {
    if (event.target === this.dialog().nativeElement) this.close();
  }
}
