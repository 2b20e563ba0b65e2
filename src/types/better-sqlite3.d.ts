// The few calls src/backup.ts makes (better-sqlite3 ships no types; @types would add a dependency for three lines).
declare module 'better-sqlite3' {
  interface BackupResult {
    totalPages: number;
    remainingPages: number;
  }
  class BetterSqlite3 {
    constructor(file: string, options?: { readonly?: boolean; fileMustExist?: boolean });
    backup(destination: string): Promise<BackupResult>;
    close(): void;
  }
  export default BetterSqlite3;
}
