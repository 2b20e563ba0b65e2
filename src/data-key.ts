import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, type Config } from '../config';

/**
 * The personal-data key. In production DATA_KEY comes from the environment; in development a
 * key is generated once into data/ so `npm start` works with no setup, with a loud warning,
 * because losing that file makes the stored personal data unreadable.
 */

/**
 * Why this configuration must have DATA_KEY in the environment, or undefined for the pure
 * sandbox (SQLite, no platform): a generated key is per host, so instances sharing a MySQL
 * database, or a bot holding real customers' data, would each encrypt with a key of their own.
 */
export function dataKeyRequiredBecause(config: Config): string | undefined {
  if (config.database.kind === 'mysql') return 'DATABASE_URL is MySQL/MariaDB, which several instances share: they must all use the same key';
  const platforms = [
    config.wechat.inbound || config.wechat.outbound ? 'WECHAT_*' : undefined,
    config.wecom.inbound || config.wecom.outbound ? 'WECOM_*' : undefined,
    config.wechaty.puppet ? 'WECHATY_PUPPET' : undefined,
  ].filter(Boolean);
  if (platforms.length > 0) return `a platform is configured (${platforms.join(', ')}), so real customers' data is stored`;
  return undefined;
}

/** Backup copies are named like src/backup.ts's backupName; the default folder is data/backups. */
const BACKUP_FILE = /^bot-\d{4}-\d{2}-\d{2}T.*\.(sqlite|sql)$/;

export function looksLikeBackupFolder(dir: string): boolean {
  if (/^backups?$/i.test(basename(dir))) return true;
  try {
    return readdirSync(dir).some((name) => BACKUP_FILE.test(name));
  } catch {
    return false;
  }
}

export function resolveDataKey(configured: string | undefined, file: string, log: Logger): string {
  if (configured) return configured;
  if (existsSync(file)) {
    log.warn({ file }, 'DATA_KEY is not set: using the development key stored in data/. Set DATA_KEY in production.');
    return readFileSync(file, 'utf8').trim();
  }
  // a key beside the backups would travel with them (a stolen copy could be read), and a new key
  // for a restored copy could not read its rows anyway
  if (looksLikeBackupFolder(dirname(file))) {
    throw new ConfigError(
      'DATA_KEY',
      `is missing and the database lies in a backup folder (${dirname(file)}): no development key is written there. Set DATA_KEY to the key the backup was taken with, or restore the copy outside the backup folder`,
    );
  }
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32).toString('base64');
  writeFileSync(file, key + '\n', { mode: 0o600 });
  log.warn(
    { file },
    '!!! DATA_KEY is not set: generated a development key. Personal data is encrypted with it; back it up or set DATA_KEY, or the data cannot be read. !!!',
  );
  return key;
}
