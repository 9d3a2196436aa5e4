import type { ChannelPeer, WhatsAppSettings } from '@switchboard/contracts';

/** The contract's rules (`WhatsAppSettings` in shared/contracts), checked before the hub sees them. */
const phonePattern = /^[0-9]{6,20}$/;
const groupPattern = /^[0-9-]+@g\.us$/;
const maxWhitelist = 5_000;
const maxGroups = 1_000;

/** One group row in the panel: listed by the session, or only known as an enabled id. */
export interface GroupChoice {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
}

/**
 * The numbers in the whitelist box, one per line. People paste numbers as they write them
 * (`+212 612-34 56 78`), so spaces, dashes, dots, brackets and a leading `+` or `00` are dropped;
 * WhatsApp ids carry the country code first and digits only. Blank lines and repeats go.
 */
export function parseWhitelist(text: string): string[] {
  const numbers = text
    .split(/\r?\n/)
    .map((line) => line.trim().replace(/[\s().-]/g, '').replace(/^(\+|00)/, ''))
    .filter((line) => line !== '');
  return [...new Set(numbers)];
}

/** The whitelist as the box shows it: one number per line. */
export function whitelistText(whitelist: readonly string[]): string {
  return whitelist.join('\n');
}

/** Why the whitelist would be refused, in words; undefined when it is fine. */
export function whitelistProblem(text: string): string | undefined {
  const numbers = parseWhitelist(text);
  if (numbers.length > maxWhitelist) return `Use at most ${maxWhitelist} numbers.`;
  const wrong = numbers.find((number) => !phonePattern.test(number));
  if (wrong !== undefined) return `"${wrong.slice(0, 24)}" is not a phone number: write digits only, country code first (6 to 20 digits), one number per line.`;
  return undefined;
}

/**
 * The rows of the group list: every group the session lists, ticked when enabled, then the other
 * ids known to this panel (stored as enabled when it opened, or ticked since) that the session did
 * not list (it is not running, or the account left the group). Those stay listed once unticked, so
 * a slip can be undone before saving.
 */
export function groupChoices(listed: readonly ChannelPeer[] | null, enabled: readonly string[], known: readonly string[] = []): GroupChoice[] {
  const on = new Set(enabled);
  const rows: GroupChoice[] = (listed ?? []).map((peer) => ({ id: peer.id, name: peer.name?.trim() || peer.id, enabled: on.has(peer.id) }));
  const seen = new Set(rows.map((row) => row.id));
  for (const id of [...known, ...enabled]) {
    if (seen.has(id)) continue;
    seen.add(id);
    rows.push({ id, name: id, enabled: on.has(id) });
  }
  return rows;
}

/** The enabled group ids after ticking or unticking one, in a stable order without repeats. */
export function toggleGroup(enabled: readonly string[], id: string, on: boolean): string[] {
  const rest = enabled.filter((item) => item !== id);
  return on ? [...rest, id] : rest;
}

/** Why the enabled groups would be refused; undefined when they are fine. */
export function groupsProblem(enabled: readonly string[]): string | undefined {
  if (enabled.length > maxGroups) return `Enable at most ${maxGroups} groups.`;
  const wrong = enabled.find((id) => id.length > 64 || !groupPattern.test(id));
  return wrong === undefined ? undefined : `"${wrong.slice(0, 40)}" is not a WhatsApp group id.`;
}

/** The body of `PUT /api/v1/channels/:id/whatsapp-settings`. */
export function toWhatsAppSettings(whitelist: string, enabledGroups: readonly string[]): WhatsAppSettings {
  return { whitelist: parseWhitelist(whitelist), enabledGroups: [...new Set(enabledGroups)] };
}

/** Which box a refused field (`body/whitelist/3`, `/enabledGroups`) belongs to; undefined for others. */
export function audienceFieldOf(path: string): 'whitelist' | 'enabledGroups' | undefined {
  const key = path.replace(/^(body)?\//, '').split('/')[0];
  return key === 'whitelist' || key === 'enabledGroups' ? key : undefined;
}

/**
 * The hub's refused entries as a message per box, naming the entry that was sent
 * (`body/whitelist/1` with `["2126…", "4915x"]` becomes `"4915x": must match pattern …`).
 * Issues about anything else are left out; the caller shows the whole error for those.
 */
export function audienceErrors(issues: readonly { path: string; message: string }[], sent: WhatsAppSettings): Partial<Record<'whitelist' | 'enabledGroups', string>> {
  const errors: Partial<Record<'whitelist' | 'enabledGroups', string>> = {};
  for (const issue of issues) {
    const field = audienceFieldOf(issue.path);
    if (field === undefined || errors[field] !== undefined) continue;
    const index = Number(issue.path.split('/').at(-1));
    const entry = Number.isInteger(index) ? sent[field][index] : undefined;
    errors[field] = `${entry === undefined ? '' : `"${entry}": `}${issue.message}`;
  }
  return errors;
}
