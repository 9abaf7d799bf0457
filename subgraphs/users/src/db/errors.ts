/** The constraint a unique violation (SQLSTATE 23505) hit, looking through drizzle's query-error wrapper; null for any other error. */
export function violatedUniqueConstraint(err: unknown): string | null {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const pg = e as Error & { code?: string; constraint_name?: string };
    if (pg.code === '23505') return pg.constraint_name ?? '';
  }
  return null;
}
