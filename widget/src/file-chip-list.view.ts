import { h } from './element-builder.ts';
import { formatBytes } from './file-size.ts';
import type { OutgoingFile } from './outgoing-files.ts';

/** A chip for an attached file: its name, how far it got, and remove (and retry when it failed). */
function fileChip(file: OutgoingFile): HTMLLIElement {
  const status = file.state === 'uploading'
    ? `Uploading… ${Math.floor((file.received / file.size) * 100)}%`
    : file.state === 'failed' ? (file.error ?? 'Not uploaded') : formatBytes(file.size);
  const chip = h('li', { class: 'sb-file', 'data-testid': 'sb-file', 'data-state': file.state, 'data-client-id': file.clientId },
    h('span', { class: 'sb-file-name', dir: 'auto', title: file.name }, file.name),
    h('span', { class: 'sb-file-status', dir: 'auto', 'data-testid': 'sb-file-status' }, status));
  if (file.state === 'failed') chip.append(h('button', { type: 'button', class: 'sb-retry', 'data-file-action': 'retry' }, 'Retry'));
  chip.append(h('button', { type: 'button', class: 'sb-file-remove', 'data-file-action': 'remove', 'data-testid': 'sb-file-remove', 'aria-label': `Remove ${file.name}` }, '×'));
  return chip;
}

/**
 * The files attached to the message being written, one chip each. Chips are keyed and redrawn
 * only when their file changed, and a redrawn chip keeps the keyboard focus it had, so a visitor
 * tabbing to "remove" is not thrown out by the upload's progress.
 */
export class FileChipList {
  readonly element = h('ul', { class: 'sb-files', 'aria-label': 'Files to send', 'data-testid': 'sb-files', hidden: '' });
  private readonly chips = new Map<string, { signature: string; element: HTMLLIElement }>();

  render(files: readonly OutgoingFile[]): void {
    this.element.hidden = files.length === 0;
    const seen = new Set<string>();
    for (const file of files) {
      seen.add(file.clientId);
      const signature = `${file.state}:${file.received}:${file.error ?? ''}`;
      const chip = this.chips.get(file.clientId);
      if (chip?.signature === signature) continue;
      const element = fileChip(file);
      if (chip) {
        // Keep the keyboard where it was when the chip is redrawn (progress, failure).
        const focused = (this.element.getRootNode() as ShadowRoot | Document).activeElement;
        const action = focused instanceof HTMLElement && chip.element.contains(focused) ? focused.dataset['fileAction'] : undefined;
        chip.element.replaceWith(element);
        // A retried chip has no "retry" any more: its "remove" takes the focus.
        if (action) (element.querySelector<HTMLElement>(`[data-file-action="${action}"]`) ?? element.querySelector<HTMLElement>('[data-file-action="remove"]'))?.focus();
      } else {
        this.element.append(element);
      }
      this.chips.set(file.clientId, { signature, element });
    }
    for (const [clientId, chip] of this.chips) {
      if (!seen.has(clientId)) {
        chip.element.remove();
        this.chips.delete(clientId);
      }
    }
  }
}
