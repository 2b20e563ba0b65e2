import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { idColumn, index, instant, int, nullable, text, varchar } from './schema';

/** Contracts, follow-up visits, satisfaction surveys and the audit trail. */
export class Archives1764547200000 implements MigrationInterface {
  name = 'Archives1764547200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const ref = (name: string) => ({ name, type: 'integer', isNullable: true });
    const required = (name: string) => ({ name, type: 'integer', isNullable: false });
    await queryRunner.createTable(
      new Table({
        name: 'contract',
        columns: [
          idColumn(),
          varchar('number', 32),
          required('customerId'),
          ref('housekeeperId'),
          ref('storeId'),
          ref('consultantId'),
          nullable(varchar('serviceType', 16)),
          varchar('startDate', 10),
          nullable(varchar('arrivalDate', 10)),
          varchar('endDate', 10),
          int('amountFen'),
          varchar('status', 16),
          ref('previousId'),
          nullable(instant('renewalPromptAt')),
          nullable(instant('renewalReminderAt')),
          nullable(varchar('renewalOutcome', 16)),
          instant('createdAt'),
        ],
        indices: [
          index('ux_contract_number', ['number'], true),
          index('ix_contract_renewal_scan', ['status', 'endDate']),
          index('ix_contract_arrival', ['arrivalDate']),
          index('ix_contract_customer', ['customerId']),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'visit',
        columns: [
          idColumn(),
          required('contractId'),
          varchar('subject', 16),
          required('sequence'),
          varchar('dueDate', 10),
          varchar('status', 16),
          nullable(text('answers')),
          ref('score'),
          nullable(varchar('recordedBy', 64)),
          nullable(instant('completedAt')),
        ],
        indices: [index('ix_visit_due', ['status', 'dueDate']), index('ux_visit_slot', ['contractId', 'subject', 'sequence'], true)],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'survey',
        columns: [
          idColumn(),
          required('customerId'),
          varchar('source', 16),
          required('sourceId'),
          ref('housekeeperId'),
          varchar('status', 16),
          text('questions'),
          int('current'),
          nullable(text('answers')),
          ref('score'),
          instant('sentAt'),
          nullable(instant('answeredAt')),
        ],
        indices: [index('ix_survey_customer_status', ['customerId', 'status']), index('ux_survey_source', ['source', 'sourceId'], true)],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'audit_entry',
        columns: [idColumn(), varchar('actor', 64), varchar('action', 64), varchar('subject', 32), ref('subjectId'), nullable(text('changes')), instant('at')],
        indices: [index('ix_audit_at', ['at']), index('ix_audit_subject', ['subject', 'subjectId'])],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['audit_entry', 'survey', 'visit', 'contract']) await queryRunner.dropTable(table);
  }
}
