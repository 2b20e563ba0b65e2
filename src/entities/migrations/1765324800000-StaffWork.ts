import { TableColumn, TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm';
import { foreignKeyName } from '../foreign-keys';
import { instant, nullable, varchar } from './schema';

/**
 * Staff work with the case in front of them (issue 16):
 * - approval.leadId: the 签单客户快速对应联动表 steps belong to the signed lead;
 * - approval.askedOf / askedAt: the bot asked this person for the step's words (a reply right
 *   after counts as the answer, nothing else does without the case number);
 * - ticket.feedbackEveryHours: a police case's feedback rhythm, set by the CS manager;
 * - penalty.discussedBy / witnessedBy / hrSentAt: the slip's path through the CS manager, the
 *   housekeeper's signature witnessed by the store manager (the photo is the case's evidence,
 *   named on its timeline), and the month-end copy to 人资.
 */
export class StaffWork1765324800000 implements MigrationInterface {
  name = 'StaffWork1765324800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('approval', [
      new TableColumn({ name: 'leadId', type: 'integer', isNullable: true, default: null }),
      new TableColumn(nullable(varchar('askedOf', 64))),
      new TableColumn(nullable(instant('askedAt'))),
    ]);
    await queryRunner.createForeignKey('approval', key('approval', 'leadId', 'lead'));
    await addPlain(queryRunner, 'ticket', new TableColumn({ name: 'feedbackEveryHours', type: 'integer', isNullable: true, default: null }));
    await addPlain(queryRunner, 'penalty', new TableColumn(nullable(varchar('discussedBy', 64))));
    await addPlain(queryRunner, 'penalty', new TableColumn(nullable(varchar('witnessedBy', 64))));
    await addPlain(queryRunner, 'penalty', new TableColumn(nullable(instant('hrSentAt'))));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of ['hrSentAt', 'witnessedBy', 'discussedBy']) await dropPlain(queryRunner, 'penalty', column);
    await dropPlain(queryRunner, 'ticket', 'feedbackEveryHours');
    await queryRunner.dropForeignKey('approval', foreignKeyName('approval', 'leadId'));
    for (const column of ['askedAt', 'askedOf', 'leadId']) await queryRunner.dropColumn('approval', column);
  }
}

/**
 * SQLite changes a column through TypeORM by building the table anew and dropping the old one;
 * with rows pointing at it (a ticket's timeline, a penalty's steps) that drop breaks their keys.
 * A plain nullable column needs none of that: SQLite adds and drops it in place.
 */
const sqlite = (queryRunner: QueryRunner) => queryRunner.connection.driver.options.type === 'better-sqlite3';

async function addPlain(queryRunner: QueryRunner, table: string, column: TableColumn): Promise<void> {
  if (!sqlite(queryRunner)) return queryRunner.addColumn(table, column);
  const type = column.type === 'varchar' ? `varchar(${column.length})` : column.type;
  await queryRunner.query(`ALTER TABLE "${table}" ADD COLUMN "${column.name}" ${type}`);
}

async function dropPlain(queryRunner: QueryRunner, table: string, column: string): Promise<void> {
  if (!sqlite(queryRunner)) return queryRunner.dropColumn(table, column);
  await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "${column}"`);
}

function key(table: string, column: string, target: string): TableForeignKey {
  return new TableForeignKey({ name: foreignKeyName(table, column), columnNames: [column], referencedTableName: target, referencedColumnNames: ['id'], onDelete: 'NO ACTION', onUpdate: 'NO ACTION' });
}
