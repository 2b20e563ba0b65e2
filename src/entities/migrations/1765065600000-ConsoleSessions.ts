import { Table, TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm';
import { idColumn, index, instant, int, nullable, varchar } from './schema';

/** console_session: the staff console's logins (issue 21), one row per session, shared by every instance. */
export class ConsoleSessions1765065600000 implements MigrationInterface {
  name = 'ConsoleSessions1765065600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'console_session',
        columns: [
          idColumn(),
          varchar('tokenHash', 64),
          nullable(varchar('codeHash', 64)),
          nullable(int('staffId', { default: null })),
          varchar('csrfToken', 64),
          varchar('via', 8),
          instant('createdAt'),
          instant('lastSeenAt'),
        ],
        indices: [index('ux_console_session_token', ['tokenHash'], true), index('ux_console_session_code', ['codeHash'], true), index('ix_console_session_seen', ['lastSeenAt'])],
      }),
    );
    await queryRunner.createForeignKey('console_session', new TableForeignKey({ name: 'fk_console_session_staffId', columnNames: ['staffId'], referencedTableName: 'staff', referencedColumnNames: ['id'], onDelete: 'NO ACTION', onUpdate: 'NO ACTION' }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropForeignKey('console_session', 'fk_console_session_staffId');
    await queryRunner.dropTable('console_session');
  }
}
