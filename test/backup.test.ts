import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Customer, Ticket } from '../src/entities';
import { backupSqlite, mysqldumpCommand } from '../src/backup';
import { Database } from '../src/entities/database';
import { customerSays } from './support/chat';
import { sqliteConfig } from './support/databases';
import { startBot } from './support/harness';

describe('backup and restore', () => {
  it('copies a running SQLite database consistently; the copy opens and its personal data decrypts', async () => {
    const config = sqliteConfig();
    const db = await Database.open(config, { migrate: true });
    const bot = await startBot(db);
    try {
      await customerSays(bot, 'o_backup', '阿姨把我家花瓶打碎了，电话13811110000');
      const destination = join(mkdtempSync(join(tmpdir(), 'bot-backup-')), 'copy.sqlite');
      // writes keep coming while the backup runs
      const writing = customerSays(bot, 'o_backup_2', '我想找月嫂');
      const { pages } = await backupSqlite(config.kind === 'sqlite' ? config.file : '', destination);
      await writing;
      expect(pages).toBeGreaterThan(0);
      const restored = await Database.open({ kind: 'sqlite', file: destination });
      try {
        expect(await restored.migrate()).toEqual([]); // the copy has the full schema
        const customer = await restored.reader.findOneByOrFail(Customer, { externalId: 'o_backup' });
        expect(customer.phone).toBe('13811110000');
        expect(await restored.reader.countBy(Ticket, { customerId: customer.id })).toBe(1);
      } finally {
        await restored.close();
      }
    } finally {
      await bot.stop();
      await db.close();
    }
  });

  it('documents the mysqldump command for MySQL', () => {
    const command = mysqldumpCommand({ kind: 'mysql', url: 'mysql://bot:secret@db:3306/aftersales', host: 'db', port: 3306, database: 'aftersales' }, '/backups/x.sql');
    expect(command).toBe('mysqldump --single-transaction --quick --routines --default-character-set=utf8mb4 --host=db --port=3306 --user=bot --password aftersales > /backups/x.sql');
    expect(command).not.toContain('secret');
  });
});
