import { join } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from '../config';
import { resolveDataKey } from './data-key';
import { installDataKey } from './entities/personal-data';

/** What every command that opens the database does first (npm start, seed:demo, backup tools). */

/** The configuration, or exit 2 with the message that names the bad variable. */
export function configOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

/** Installs the personal-data key: DATA_KEY, or the development key kept beside the SQLite file. */
export function installPersonalDataKey(config: Config, log: Logger): void {
  const dataDir = config.database.kind === 'sqlite' ? join(config.database.file, '..') : 'data';
  installDataKey(resolveDataKey(config.dataKey, join(dataDir, 'data.key'), log));
}
