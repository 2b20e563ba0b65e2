import { join } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from '../config';
import { dataKeyRequiredBecause, resolveDataKey } from './data-key';
import { installDataKey } from './entities/personal-data';

/** What every command that opens the database does first (npm start, seed:demo, backup tools). */

/** Ends the process with the message that names the bad variable (exit code 2). */
export function exitOnConfigError(error: unknown): void {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}

/** The configuration, or exit 2 with the message that names the bad variable. */
export function configOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    exitOnConfigError(error);
    throw error;
  }
}

/**
 * Installs the personal-data key: DATA_KEY, or — only for the pure sandbox (SQLite, no platform) —
 * the development key kept beside the SQLite file. Throws ConfigError naming DATA_KEY otherwise.
 */
export function installPersonalDataKey(config: Config, log: Logger): void {
  const required = config.dataKey ? undefined : dataKeyRequiredBecause(config);
  if (required) throw new ConfigError('DATA_KEY', `is missing: ${required}. Generate one with openssl rand -base64 32 and keep it safe`);
  const dataDir = config.database.kind === 'sqlite' ? join(config.database.file, '..') : 'data';
  installDataKey(resolveDataKey(config.dataKey, join(dataDir, 'data.key'), log));
}
