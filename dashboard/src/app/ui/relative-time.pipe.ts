import { Pipe, type PipeTransform } from '@angular/core';

const units: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/**
 * "3 minutes ago", "in 6 days": how people read last-seen and expiry times. Shown with the
 * exact time in a `title` or `<time datetime>` beside it. Absent times read as `fallback`.
 */
@Pipe({ name: 'relativeTime' })
export class RelativeTimePipe implements PipeTransform {
  transform(value: string | null | undefined, fallback = 'Never'): string {
    if (value === null || value === undefined) return fallback;
    const seconds = (Date.parse(value) - Date.now()) / 1000;
    if (Number.isNaN(seconds)) return fallback;
    for (const [unit, size] of units) {
      if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
    }
    return seconds < 0 ? 'Just now' : 'In a moment';
  }
}
