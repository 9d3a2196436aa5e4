import type { CannedResponseView } from '@switchboard/contracts';

/** How many suggestions the composer's list shows at once. */
export const cannedSuggestionLimit = 8;

/**
 * The shortcut being typed when the draft is a `/` at its very start followed by shortcut
 * characters only (`/ref` → `ref`, `/` → `''`); null for any other draft, including one where
 * the agent has typed on past the shortcut.
 */
export function cannedQueryOf(draft: string): string | null {
  const match = /^\/([a-z0-9_-]*)$/i.exec(draft);
  return match === null ? null : (match[1] ?? '').toLowerCase();
}

/**
 * The canned responses for a query: shortcuts starting with it first, then shortcuts containing
 * it, then responses whose text contains it; alphabetical within each group, at most `limit`.
 */
export function filterCannedResponses(items: readonly CannedResponseView[], query: string, limit = cannedSuggestionLimit): CannedResponseView[] {
  const needle = query.trim().toLowerCase();
  const ranked: [rank: number, item: CannedResponseView][] = [];
  for (const item of items) {
    const shortcut = item.shortcut.toLowerCase();
    const rank = shortcut.startsWith(needle) ? 0 : shortcut.includes(needle) ? 1 : item.text.toLowerCase().includes(needle) ? 2 : -1;
    if (rank >= 0) ranked.push([rank, item]);
  }
  return ranked
    .sort(([rankA, a], [rankB, b]) => rankA - rankB || a.shortcut.localeCompare(b.shortcut))
    .slice(0, limit)
    .map(([, item]) => item);
}
