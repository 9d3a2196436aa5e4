import type { BusinessHours } from '@switchboard/contracts';

const weekdays: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formats = new Map<string, Intl.DateTimeFormat>();

/** True when `at` falls in one of the opening periods, in the hours' own time zone; no hours: always open. */
export function isOpen(hours: BusinessHours | undefined, at: Date = new Date()): boolean {
  if (hours === undefined) return true;
  let format = formats.get(hours.timezone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-GB', { timeZone: hours.timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    } catch {
      // A zone this runtime does not know: better to hand off as usual than to say "closed" wrongly.
      return true;
    }
    formats.set(hours.timezone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]));
  const day = weekdays[parts['weekday'] ?? ''];
  const time = `${parts['hour'] ?? '00'}:${parts['minute'] ?? '00'}`;
  return hours.periods.some((period) => period.day === day && period.from <= time && time < period.to);
}
