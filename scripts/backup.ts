import { loadConfig } from '../config';
import { backupName, backupSqlite, mysqldumpCommand } from '../src/backup';

/** npm run backup [-- <folder>]: a consistent copy of the database (see src/backup.ts). */
async function main(): Promise<void> {
  const config = loadConfig();
  const dir = process.argv[2] ?? 'data/backups';
  if (config.database.kind === 'sqlite') {
    const { destination, pages } = await backupSqlite(config.database.file, backupName(dir, new Date(), 'sqlite'));
    process.stdout.write(`backup written: ${destination} (${pages} pages). Personal data in it is encrypted: keep DATA_KEY (or data/data.key) safe, in another place than the backups.\n`);
    return;
  }
  const command = mysqldumpCommand(config.database, backupName(dir, new Date(), 'sql'));
  process.stdout.write(`For MySQL/MariaDB run (it prompts for the password if the URL has one):\n  ${command}\nRestore with: mysql --default-character-set=utf8mb4 <database> < <file>.sql\n`);
}

main().catch((error) => {
  process.stderr.write(`backup failed: ${(error as Error).message}\n`);
  process.exit(1);
});
