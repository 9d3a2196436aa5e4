/**
 * A timestamp column of a raw query as a Date. Raw rows (`em.execute`) carry timestamps as the
 * driver hands them over, which may be text rather than a Date; entities are always Dates.
 */
export function sqlDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

export function sqlDateOrNull(value: Date | string | null | undefined): Date | null {
  return value === null || value === undefined ? null : sqlDate(value);
}
