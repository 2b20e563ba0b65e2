import { Table, TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm';
import { idColumn, index, instant, int, nullable, text, varchar } from './schema';

/**
 * Hand-offs to a person and the live conversation through the bot (issue 13, R-HO): handoff,
 * handoff_message (the exchange, and staff replies held for the customer's next message),
 * handoff_streak (messages not understood in a row) and oncall_shift (the 值班 rota).
 */
export class Handoffs1765152000000 implements MigrationInterface {
  name = 'Handoffs1765152000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const bool = (name: string, value: boolean) => ({ name, type: 'boolean', isNullable: false, default: value ? '1' : '0' });
    const key = (table: string, column: string, target: string) =>
      queryRunner.createForeignKey(table, new TableForeignKey({ name: `fk_${table}_${column}`, columnNames: [column], referencedTableName: target, referencedColumnNames: ['id'], onDelete: 'NO ACTION', onUpdate: 'NO ACTION' }));
    await queryRunner.createTable(
      new Table({
        name: 'handoff',
        columns: [
          idColumn(),
          int('customerId', { default: undefined }),
          varchar('status', 16),
          varchar('reason', 16),
          bool('urgent', false),
          nullable(text('transcript')),
          varchar('notified', 500, { default: "''" }),
          nullable(int('staffId', { default: null })),
          nullable(varchar('tag', 4)),
          nullable(int('ticketId', { default: null })),
          instant('createdAt'),
          instant('dueAt'),
          nullable(instant('escalatedAt')),
          nullable(instant('pagedAt')),
          nullable(instant('takenAt')),
          nullable(instant('lastActivityAt')),
          nullable(instant('focusAt')),
          nullable(instant('closedAt')),
          nullable(instant('windowOpenedAt')),
          varchar('windowKind', 8, { default: "'message'" }),
          int('sentInWindow'),
        ],
        indices: [index('ix_handoff_customer', ['customerId', 'status']), index('ix_handoff_staff', ['staffId', 'status']), index('ix_handoff_status', ['status', 'dueAt'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'handoff_message',
        columns: [
          idColumn(),
          int('handoffId', { default: undefined }),
          int('customerId', { default: undefined }),
          varchar('side', 16),
          varchar('actor', 64),
          varchar('kind', 16),
          nullable(text('text')),
          nullable(int('evidenceId', { default: null })),
          varchar('status', 16),
          instant('at'),
        ],
        indices: [index('ix_handoff_message_handoff', ['handoffId', 'id']), index('ix_handoff_message_held', ['customerId', 'status'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'handoff_streak',
        columns: [idColumn(), int('customerId', { default: undefined }), int('misses'), instant('updatedAt')],
        indices: [index('ux_handoff_streak_customer', ['customerId'], true)],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'oncall_shift',
        columns: [idColumn(), int('staffId', { default: undefined }), instant('startsAt'), instant('endsAt'), varchar('setBy', 64), instant('createdAt')],
        indices: [index('ix_oncall_shift_time', ['startsAt', 'endsAt'])],
      }),
    );
    await key('handoff', 'customerId', 'customer');
    await key('handoff', 'staffId', 'staff');
    await key('handoff', 'ticketId', 'ticket');
    await key('handoff_message', 'handoffId', 'handoff');
    await key('handoff_message', 'customerId', 'customer');
    await key('handoff_streak', 'customerId', 'customer');
    await key('oncall_shift', 'staffId', 'staff');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, column] of [['oncall_shift', 'staffId'], ['handoff_streak', 'customerId'], ['handoff_message', 'customerId'], ['handoff_message', 'handoffId'], ['handoff', 'ticketId'], ['handoff', 'staffId'], ['handoff', 'customerId']]) {
      await queryRunner.dropForeignKey(table, `fk_${table}_${column}`);
    }
    for (const table of ['oncall_shift', 'handoff_streak', 'handoff_message', 'handoff']) await queryRunner.dropTable(table);
  }
}
