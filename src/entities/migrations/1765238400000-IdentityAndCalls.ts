import { Table, TableColumn, TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm';
import { foreignKeyName } from '../foreign-keys';
import { idColumn, index, instant, int, nullable, text, varchar } from './schema';

/**
 * One customer, one record (issue 15): customer_link (QR codes handed out at signing and phone
 * numbers waiting for confirmation), call_task (calls instead of silence for customers without a
 * reachable WeChat) and customer.mergedIntoId (a duplicate merged into the record that stays).
 */
export class IdentityAndCalls1765238400000 implements MigrationInterface {
  name = 'IdentityAndCalls1765238400000';

  /**
   * Not in one transaction: SQLite adds a column or key by rebuilding the table, and rebuilding
   * `customer`, which every record points at, is only possible with the keys switched off — which
   * SQLite ignores inside a transaction. TypeORM's rebuild switches them off and wraps the rebuild
   * in a transaction of its own. (MySQL/MariaDB commit each DDL statement anyway.)
   */
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    await withoutForeignKeys(queryRunner, () => this.build(queryRunner));
  }

  private async build(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('customer', new TableColumn({ name: 'mergedIntoId', type: 'integer', isNullable: true, default: null }));
    await queryRunner.createForeignKey('customer', key('customer', 'mergedIntoId', 'customer'));
    await queryRunner.createTable(
      new Table({
        name: 'customer_link',
        columns: [
          idColumn(),
          varchar('kind', 8),
          required('customerId'),
          nullable(varchar('scene', 64)),
          nullable(varchar('ticket', 255)),
          nullable(varchar('url', 255)),
          instant('expiresAt'),
          varchar('status', 16),
          ref('requesterId'),
          int('attempts'),
          instant('createdAt'),
          nullable(instant('usedAt')),
        ],
        indices: [index('ux_customer_link_scene', ['scene'], true), index('ix_customer_link_requester', ['requesterId', 'status']), index('ix_customer_link_customer', ['customerId'])],
      }),
    );
    for (const column of ['customerId', 'requesterId']) await queryRunner.createForeignKey('customer_link', key('customer_link', column, 'customer'));
    await queryRunner.createTable(
      new Table({
        name: 'call_task',
        columns: [
          idColumn(),
          varchar('cause', 64),
          varchar('purpose', 16),
          required('customerId'),
          varchar('role', 16),
          ref('assigneeId'),
          ref('ticketId'),
          ref('visitId'),
          ref('contractId'),
          varchar('status', 16),
          int('attempts'),
          nullable(varchar('outcome', 16)),
          { name: 'score', type: 'integer', isNullable: true },
          nullable(text('note')),
          varchar('taskId', 64),
          nullable(instant('nextAt')),
          nullable(varchar('doneBy', 64)),
          instant('createdAt'),
          nullable(instant('doneAt')),
        ],
        indices: [index('ux_call_task_cause', ['cause'], true), index('ix_call_task_assignee_status', ['assigneeId', 'status']), index('ix_call_task_status', ['status'])],
      }),
    );
    for (const [column, target] of CALL_TASK_KEYS) await queryRunner.createForeignKey('call_task', key('call_task', column, target));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await withoutForeignKeys(queryRunner, () => this.unbuild(queryRunner));
  }

  private async unbuild(queryRunner: QueryRunner): Promise<void> {
    for (const [column] of CALL_TASK_KEYS) await queryRunner.dropForeignKey('call_task', foreignKeyName('call_task', column));
    await queryRunner.dropTable('call_task');
    for (const column of ['customerId', 'requesterId']) await queryRunner.dropForeignKey('customer_link', foreignKeyName('customer_link', column));
    await queryRunner.dropTable('customer_link');
    await queryRunner.dropForeignKey('customer', foreignKeyName('customer', 'mergedIntoId'));
    await queryRunner.dropColumn('customer', 'mergedIntoId');
  }
}

const CALL_TASK_KEYS: [string, string][] = [
  ['customerId', 'customer'],
  ['assigneeId', 'staff'],
  ['ticketId', 'ticket'],
  ['visitId', 'visit'],
  ['contractId', 'contract'],
];

/**
 * SQLite: the keys off while `customer` is rebuilt (outside any transaction: SQLite ignores the
 * switch inside one; undoing always runs in one, so it is closed first and a new one opened after,
 * for TypeORM to record the undo in), then every key checked before they are on again.
 */
async function withoutForeignKeys(queryRunner: QueryRunner, work: () => Promise<void>): Promise<void> {
  if (queryRunner.connection.driver.options.type !== 'better-sqlite3') return work();
  const inTransaction = queryRunner.isTransactionActive;
  if (inTransaction) await queryRunner.commitTransaction();
  await queryRunner.query('PRAGMA foreign_keys = OFF');
  try {
    await work();
    const broken: unknown[] = await queryRunner.query('PRAGMA foreign_key_check');
    if (broken.length > 0) throw new Error(`migration 1765238400000 left ${broken.length} references pointing nowhere`);
  } finally {
    await queryRunner.query('PRAGMA foreign_keys = ON');
    if (inTransaction) await queryRunner.startTransaction();
  }
}

const ref = (name: string) => ({ name, type: 'integer', isNullable: true, default: null });
const required = (name: string) => ({ name, type: 'integer', isNullable: false });

function key(table: string, column: string, target: string): TableForeignKey {
  return new TableForeignKey({ name: foreignKeyName(table, column), columnNames: [column], referencedTableName: target, referencedColumnNames: ['id'], onDelete: 'NO ACTION', onUpdate: 'NO ACTION' });
}
