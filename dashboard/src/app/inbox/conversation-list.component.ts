import { CdkFixedSizeVirtualScroll, CdkVirtualForOf, CdkVirtualScrollViewport } from '@angular/cdk/scrolling';
import { Component, effect, ElementRef, inject, input, output, untracked, viewChild } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { ConversationView } from '@switchboard/contracts';
import { ConversationRowComponent } from './conversation-row.component';
import type { ShownTab } from './inbox-state';

/** Rows are this tall, always: fixed-size virtual scrolling keeps 10,000 rows as cheap as 20. */
const rowHeight = 84;
/** Ask for the next page when the last rendered row is this close to the end of the list. */
const prefetchRows = 15;

/**
 * A tab's conversations, virtually scrolled. Each row is a link to the conversation (Tab and
 * Enter work as anywhere); Up and Down move between rows, Home and End jump to the ends.
 * Scrolling near the end asks for the next page.
 */
@Component({
  selector: 'sb-conversation-list',
  imports: [CdkVirtualScrollViewport, CdkFixedSizeVirtualScroll, CdkVirtualForOf, RouterLink, ConversationRowComponent],
  template: `
    <cdk-virtual-scroll-viewport
      class="viewport"
      [itemSize]="rowHeight"
      minBufferPx="420"
      maxBufferPx="840"
      role="list"
      [attr.aria-label]="label()"
      (scrolledIndexChange)="checkEnd()"
      (keydown)="moveFocus($event)"
      data-testid="conversation-list"
    >
      <div *cdkVirtualFor="let conversation of items(); trackBy: trackById; let index = index" class="item" role="listitem" [attr.aria-setsize]="total()" [attr.aria-posinset]="index + 1">
        <a
          class="row"
          [class.selected]="conversation.id === selectedId()"
          [class.unread]="conversation.unreadCount > 0"
          [routerLink]="['/inbox', conversation.id]"
          [queryParams]="{ tab: tab() }"
          [attr.aria-current]="conversation.id === selectedId() ? 'true' : null"
          [attr.data-index]="index"
          [attr.data-conversation-id]="conversation.id"
          [attr.data-status]="conversation.status"
          data-testid="conversation-row"
        >
          <sb-conversation-row [conversation]="conversation" />
        </a>
      </div>
    </cdk-virtual-scroll-viewport>
  `,
  styles: `
    :host { display: flex; flex-direction: column; min-height: 0; }
    .viewport { flex: 1; min-height: 0; }
    .item { height: ${rowHeight}px; padding: 2px 6px; }
    .row { display: block; height: 100%; padding: 9px 12px; overflow: hidden; border-radius: var(--sb-radius); color: inherit; text-decoration: none; }
    .row:hover { background: var(--sb-surface-sunken); }
    .row.selected { background: var(--sb-primary-soft); box-shadow: inset 3px 0 0 var(--sb-primary); }
    .row:focus-visible { outline-offset: -2px; }
  `,
})
export class ConversationListComponent {
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
  private readonly viewport = viewChild.required(CdkVirtualScrollViewport);

  readonly items = input.required<readonly ConversationView[]>();
  readonly tab = input.required<ShownTab>();
  readonly selectedId = input<string | null>(null);
  /** The list's accessible name, e.g. "Waiting conversations". */
  readonly label = input.required<string>();
  /** How many conversations the tab holds on the hub (for screen readers' "3 of 120"). */
  readonly total = input<number | null>(null);
  readonly hasMore = input(false);
  readonly endReached = output<void>();

  protected readonly rowHeight = rowHeight;

  constructor() {
    // A first page shorter than the viewport never scrolls: check once the new rows render.
    effect(() => {
      this.items();
      if (this.hasMore()) untracked(() => requestAnimationFrame(() => this.checkEnd()));
    });
  }

  protected trackById(_index: number, conversation: ConversationView): string {
    return conversation.id;
  }

  /** Called as the list scrolls (and by the page after a page arrives). */
  checkEnd(): void {
    if (!this.hasMore()) return;
    const { end } = this.viewport().getRenderedRange();
    if (end >= this.items().length - prefetchRows) this.endReached.emit();
  }

  protected moveFocus(event: KeyboardEvent): void {
    const row = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (row === null) return;
    const index = Number(row.dataset['index']);
    const last = this.items().length - 1;
    const target = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: last }[event.key];
    if (target === undefined || target < 0 || target > last) return;
    event.preventDefault();
    if (this.focusRow(target)) return;
    // Not rendered (far away, e.g. End): scroll there, then focus once it renders.
    this.viewport().scrollToIndex(target);
    this.focusWhenRendered(target, 6);
  }

  private focusRow(index: number): boolean {
    const element = this.host.querySelector<HTMLElement>(`[data-index="${index}"]`);
    element?.focus();
    return element !== null;
  }

  private focusWhenRendered(index: number, attempts: number): void {
    if (!this.focusRow(index) && attempts > 0) requestAnimationFrame(() => this.focusWhenRendered(index, attempts - 1));
  }
}
