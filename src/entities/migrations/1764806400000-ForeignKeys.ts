import { TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm';
import { createLogger } from '../../logger';
import { foreignKeyName } from '../foreign-keys';

/**
 * Foreign keys between the records (issue 18): a case, lead, conversation, survey or contract can
 * no longer point at a customer that does not exist, nor any record at another that is gone. On
 * SQLite they are enforced because every connection runs with `PRAGMA foreign_keys = ON`
 * (src/entities/database.ts).
 *
 * Rows written before the keys existed may already point nowhere (issue 18 left cases whose
 * customer row had been rolled back). The keys cannot be added over them, so each is reported
 * (a warn line per reference: table, column, count — no personal data) and repaired first:
 * - a missing **customer** is recreated as a placeholder row under the same id (channel
 *   `restored`, nothing else known), so the case, lead or contract stays reachable and visible
 *   to staff, who can fill in the person from the case itself;
 * - an **optional** reference (a case's store or owner, a conversation's current case…) is set
 *   to NULL: the record stands on its own without it;
 * - an evidence **chunk** whose evidence record is gone is deleted: it is a piece of a file that
 *   nothing can show any more;
 * - any other **required** reference (a penalty slip's case or housekeeper, a visit's contract,
 *   evidence's case, a movement's housekeeper) cannot be guessed: the migration stops with an
 *   error naming the table, column and count, and `npm run check:data` lists the same. Nothing
 *   has been changed by then (the migration runs in its own transaction).
 *
 * The list is the schema as it stood when this migration was written.
 */

type Repair = 'placeholder-customer' | 'set-null' | 'delete' | 'refuse';

interface Reference {
  table: string;
  column: string;
  target: string;
  repair: Repair;
}

const ref = (table: string, column: string, target: string, repair: Repair): Reference => ({ table, column, target, repair });

export const FOREIGN_KEYS_1764806400000: Reference[] = [
  // every reference to a customer
  ref('ticket', 'customerId', 'customer', 'placeholder-customer'),
  ref('lead', 'customerId', 'customer', 'placeholder-customer'),
  ref('conversation', 'customerId', 'customer', 'placeholder-customer'),
  ref('survey', 'customerId', 'customer', 'placeholder-customer'),
  ref('contract', 'customerId', 'customer', 'placeholder-customer'),
  // organisation
  ref('customer', 'storeId', 'store', 'set-null'),
  ref('staff', 'storeId', 'store', 'set-null'),
  ref('housekeeper', 'storeId', 'store', 'set-null'),
  ref('housekeeper_movement', 'housekeeperId', 'housekeeper', 'refuse'),
  // cases and leads
  ref('ticket', 'storeId', 'store', 'set-null'),
  ref('ticket', 'housekeeperId', 'housekeeper', 'set-null'),
  ref('ticket', 'ownerId', 'staff', 'set-null'),
  ref('lead', 'storeId', 'store', 'set-null'),
  ref('lead', 'consultantId', 'staff', 'set-null'),
  ref('conversation', 'leadId', 'lead', 'set-null'),
  ref('conversation', 'ticketId', 'ticket', 'set-null'),
  ref('ticket_event', 'ticketId', 'ticket', 'set-null'),
  ref('ticket_event', 'leadId', 'lead', 'set-null'),
  ref('evidence', 'ticketId', 'ticket', 'refuse'),
  ref('evidence_chunk', 'evidenceId', 'evidence', 'delete'),
  ref('penalty', 'ticketId', 'ticket', 'refuse'),
  ref('penalty', 'housekeeperId', 'housekeeper', 'refuse'),
  // archives
  ref('contract', 'housekeeperId', 'housekeeper', 'set-null'),
  ref('contract', 'storeId', 'store', 'set-null'),
  ref('contract', 'consultantId', 'staff', 'set-null'),
  ref('contract', 'previousId', 'contract', 'set-null'),
  ref('visit', 'contractId', 'contract', 'refuse'),
  ref('survey', 'housekeeperId', 'housekeeper', 'set-null'),
  // approval steps
  ref('approval', 'ticketId', 'ticket', 'set-null'),
  ref('approval', 'penaltyId', 'penalty', 'set-null'),
  ref('approval', 'contractId', 'contract', 'set-null'),
  ref('approval', 'visitId', 'visit', 'set-null'),
];

export class ForeignKeys1764806400000 implements MigrationInterface {
  name = 'ForeignKeys1764806400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const log = createLogger(process.env.LOG_LEVEL ?? 'info', process.stderr).child({ migration: this.name });
    const q = (name: string) => queryRunner.connection.driver.escape(name);
    // the inner derived table lets MySQL read the table it updates (contract.previousId)
    const orphanWhere = (r: Reference) => `${q(r.column)} IS NOT NULL AND ${q(r.column)} NOT IN (SELECT ${q('id')} FROM (SELECT ${q('id')} FROM ${q(r.target)}) ${q('existing')})`;
    const refused: string[] = [];
    for (const r of FOREIGN_KEYS_1764806400000) {
      const [{ n }] = (await queryRunner.query(`SELECT COUNT(*) AS n FROM ${q(r.table)} WHERE ${orphanWhere(r)}`)) as { n: number | string }[];
      const count = Number(n);
      if (count === 0) continue;
      log.warn({ table: r.table, column: r.column, target: r.target, count, repair: r.repair }, 'orphaned references found before adding the foreign key');
      if (r.repair === 'refuse') {
        refused.push(`${r.table}.${r.column} → ${r.target}: ${count}`);
      } else if (r.repair === 'set-null') {
        await queryRunner.query(`UPDATE ${q(r.table)} SET ${q(r.column)} = NULL WHERE ${orphanWhere(r)}`);
      } else if (r.repair === 'delete') {
        await queryRunner.query(`DELETE FROM ${q(r.table)} WHERE ${orphanWhere(r)}`);
      } else {
        const missing = (await queryRunner.query(`SELECT DISTINCT ${q(r.column)} AS id FROM ${q(r.table)} WHERE ${orphanWhere(r)}`)) as { id: number | string }[];
        const now = Date.now();
        for (const { id } of missing) {
          await queryRunner.query(
            `INSERT INTO ${q('customer')} (${['id', 'channel', 'isMajor', 'subscribed', 'createdAt'].map(q).join(', ')}) VALUES (?, 'restored', ?, ?, ?)`,
            [Number(id), false, false, now],
          );
        }
        log.warn({ table: r.table, column: r.column, customers: missing.map((m) => Number(m.id)) }, 'placeholder customers recreated for orphaned references');
      }
    }
    if (refused.length > 0) {
      throw new Error(`records point at rows that do not exist; fix them (npm run check:data lists them) and start again: ${refused.join('; ')}`);
    }
    const byTable = new Map<string, Reference[]>();
    for (const r of FOREIGN_KEYS_1764806400000) byTable.set(r.table, [...(byTable.get(r.table) ?? []), r]);
    for (const [table, references] of byTable) {
      // one call per table: SQLite rebuilds the table for each call
      await queryRunner.createForeignKeys(
        table,
        references.map((r) => new TableForeignKey({ name: foreignKeyName(r.table, r.column), columnNames: [r.column], referencedTableName: r.target, referencedColumnNames: ['id'], onDelete: 'NO ACTION', onUpdate: 'NO ACTION' })),
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const byTable = new Map<string, Reference[]>();
    for (const r of FOREIGN_KEYS_1764806400000) byTable.set(r.table, [...(byTable.get(r.table) ?? []), r]);
    for (const [table, references] of byTable) {
      const current = await queryRunner.getTable(table);
      const keys = references.map((r) => current!.foreignKeys.find((fk) => fk.name === foreignKeyName(r.table, r.column))).filter((fk): fk is TableForeignKey => fk !== undefined);
      await queryRunner.dropForeignKeys(current!, keys);
      // InnoDB made an index for each key that had none; it goes with the key
      if (queryRunner.connection.driver.options.type !== 'better-sqlite3') {
        const after = await queryRunner.getTable(table);
        for (const key of keys) {
          const index = after!.indices.find((i) => i.name === key.name);
          if (index) await queryRunner.dropIndex(after!, index);
        }
      }
    }
  }
}
