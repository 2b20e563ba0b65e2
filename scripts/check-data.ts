import 'reflect-metadata';
import { loadConfig } from '../config';
import { checkData, formatReport } from '../src/data-check';
import { Database } from '../src/entities/database';

/**
 * npm run check:data: counts what must never be in the database (src/data-check.ts). Exit 0 when
 * all is well, 1 when something was found, 2 when the check could not run. Reads only.
 */
async function main(): Promise<number> {
  const config = loadConfig();
  const db = await Database.open(config.database);
  try {
    const report = await checkData(db, config, Date.now());
    process.stdout.write(formatReport(report));
    return report.ok ? 0 : 1;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`check:data failed: ${(error as Error).message}\n`);
    process.exit(2);
  },
);
