import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database as DatabaseConfig } from '../config';

/**
 * Backups (R-SC-2 信息及时备份管理). SQLite: a consistent online copy while the bot runs
 * (SQLite's backup API, safe with WAL and concurrent writers). MySQL/MariaDB: the documented
 * mysqldump command (a single transaction, so the copy is consistent without locking the bot out).
 * Personal data stays encrypted in the copy; the key (DATA_KEY, or data/data.key in development)
 * is never copied into the backup folder: keep it safe separately.
 */

export async function backupSqlite(file: string, destination: string): Promise<{ pages: number; destination: string }> {
  // the copy and the key that opens it must not sit in one folder: whoever takes one would have both
  if (existsSync(join(dirname(destination), 'data.key'))) {
    throw new Error(`the backup folder ${dirname(destination)} holds data.key: choose a folder without the personal-data key (default data/backups)`);
  }
  mkdirSync(dirname(destination), { recursive: true });
  const source = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const result = await source.backup(destination);
    return { pages: result.totalPages, destination };
  } finally {
    source.close();
  }
}

export function mysqldumpCommand(config: Extract<DatabaseConfig, { kind: 'mysql' }>, destination: string): string {
  const url = new URL(config.url.replace(/^mariadb:/, 'mysql:'));
  const user = decodeURIComponent(url.username || 'root');
  return [
    'mysqldump',
    '--single-transaction --quick --routines --default-character-set=utf8mb4',
    `--host=${config.host} --port=${config.port} --user=${user}`,
    url.password ? '--password' : '',
    config.database,
    `> ${destination}`,
  ]
    .filter(Boolean)
    .join(' ');
}

export function backupName(dir: string, now: Date, extension: string): string {
  return join(dir, `bot-${now.toISOString().replace(/[:.]/g, '-')}.${extension}`);
}
