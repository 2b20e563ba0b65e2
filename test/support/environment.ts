import { createConnection } from 'mysql2/promise';

/**
 * What the test run can reach, decided once before any test is declared (jest's globalSetup
 * runs it and hands the answers to the workers through the environment). A part that is missing
 * is reported as skipped with its reason — never counted as passed — and under CI it fails the
 * run instead, so a green CI run always covers MariaDB and the optional Wechaty packages.
 */

export const MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

/** CI=true and CI=1 both mean CI (GitHub sets true, other runners set 1). */
export function underCi(): boolean {
  const ci = (process.env.CI ?? '').toLowerCase();
  return ci === 'true' || ci === '1';
}

/** Names of the environment variables holding the reason a part is skipped ('' = available). */
export const SKIP_REASON = {
  mysql: 'TEST_SKIP_MYSQL',
  wechaty: 'TEST_SKIP_WECHATY',
} as const;

export type Part = keyof typeof SKIP_REASON;

/** Why a part's tests are skipped in this run, or undefined when they run. */
export function skipReason(part: Part): string | undefined {
  return process.env[SKIP_REASON[part]] || undefined;
}

async function probeMysql(): Promise<string | undefined> {
  try {
    const connection = await createConnection({ uri: MYSQL_URL, connectTimeout: 2000 });
    await connection.end();
    return undefined;
  } catch (error) {
    return `MariaDB at ${MYSQL_URL} does not answer (${(error as Error).message})`;
  }
}

function probeWechaty(): string | undefined {
  const missing = ['wechaty', 'wechaty-puppet-mock'].filter((name) => {
    try {
      require.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
  return missing.length === 0 ? undefined : `the optional package${missing.length > 1 ? 's' : ''} ${missing.join(' and ')} not installed (npm install without --omit=optional)`;
}

export default async function globalSetup(): Promise<void> {
  const reasons: Record<Part, string | undefined> = { mysql: await probeMysql(), wechaty: probeWechaty() };
  const missing = Object.entries(reasons).filter(([, reason]) => reason !== undefined);
  if (missing.length > 0 && underCi()) {
    throw new Error(`under CI every part of the suite must run: ${missing.map(([part, reason]) => `${part}: ${reason}`).join('; ')}`);
  }
  for (const part of Object.keys(SKIP_REASON) as Part[]) process.env[SKIP_REASON[part]] = reasons[part] ?? '';
}
