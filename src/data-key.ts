import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import type { Logger } from 'pino';

/**
 * The personal-data key. In production DATA_KEY comes from the environment; in development a
 * key is generated once into data/ so `npm start` works with no setup, with a loud warning,
 * because losing that file makes the stored personal data unreadable.
 */
export function resolveDataKey(configured: string | undefined, file: string, log: Logger): string {
  if (configured) return configured;
  if (existsSync(file)) {
    log.warn({ file }, 'DATA_KEY is not set: using the development key stored in data/. Set DATA_KEY in production.');
    return readFileSync(file, 'utf8').trim();
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
