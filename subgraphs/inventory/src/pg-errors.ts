/** Postgres error codes inventory maps to expected outcomes. */
export const UNIQUE_VIOLATION = '23505';

/** The SQLSTATE of a failed query, whether drizzle wrapped the driver's error or not. */
export function pgErrorCode(err: unknown): string | undefined {
  for (let e = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}
