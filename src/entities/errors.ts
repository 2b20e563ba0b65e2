/**
 * What a database error was, read the same way on both databases: TypeORM wraps the driver's
 * error (QueryFailedError.driverError), rows.ts wraps better-sqlite3's the same way, mysql2's and
 * better-sqlite3's own errors carry the code themselves; MariaDB and SQLite name codes differently.
 */
export function driverCode(error: unknown): string | undefined {
  const err = error as { code?: unknown; driverError?: { code?: unknown } } | undefined;
  const code = err?.driverError?.code ?? err?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A unique index (or the primary key) refused the row: someone wrote the same key first. */
export function isUniqueViolation(error: unknown): boolean {
  const code = driverCode(error);
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
