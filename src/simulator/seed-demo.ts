import 'reflect-metadata';
import { createLogger } from '../logger';
import { configOrExit, exitOnConfigError, openDatabase } from '../startup';
import { seedDemo } from './demo-data';

/**
 * `npm run seed:demo`: adds the demo stores, staff, housekeepers, customers and contracts to the
 * database the bot uses (DATABASE_URL, default data/bot.sqlite), with the same personal-data key
 * as `npm start`. Running it again adds nothing twice.
 */
async function main(): Promise<void> {
  const config = configOrExit();
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const db = await openDatabase(config, log);
  try {
    const { added } = await seedDemo(db, { timeZone: config.timezone });
    const where = config.database.kind === 'sqlite' ? config.database.file : `${config.database.host}/${config.database.database}`;
    const total = Object.values(added).reduce((a, b) => a + b, 0);
    process.stdout.write(
      total === 0
        ? `演示数据已存在，未做改动 (demo data already present in ${where}).\n`
        : `演示数据已写入 ${where}: 门店 ${added.stores}，员工 ${added.staff}，阿姨 ${added.housekeepers}（动态 ${added.movements}），客户 ${added.customers}，合同 ${added.contracts}\n`,
    );
  } finally {
    await db.close();
  }
}

main().catch((error) => {
  exitOnConfigError(error); // a missing DATA_KEY: the message names it, no stack
  process.stderr.write(`seed:demo failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
