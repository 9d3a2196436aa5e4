/**
 * The name of the unique constraint a failed write violated (PostgreSQL 23505), or undefined
 * for any other failure. Lets a service turn a lost race ("the slug was taken meanwhile") into
 * the same 409 a check beforehand would have given.
 */
export function violatedUniqueConstraint(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const record = current as { code?: unknown; constraint?: unknown; cause?: unknown };
    if (record.code === '23505') return typeof record.constraint === 'string' ? record.constraint : '';
    current = record.cause;
  }
  return undefined;
}
