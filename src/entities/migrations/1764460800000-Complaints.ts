import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { idColumn, index, instant, int, nullable, text, varchar } from './schema';

/** Approvals in chat, penalty slips, evidence files, housekeeper archive and movement log. */
export class Complaints1764460800000 implements MigrationInterface {
  name = 'Complaints1764460800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const bool = (name: string, value: boolean) => ({ name, type: 'boolean', isNullable: false, default: value ? '1' : '0' });
    const ref = (name: string) => ({ name, type: 'integer', isNullable: true, default: null });
    const required = (name: string) => ({ name, type: 'integer', isNullable: false });
    await queryRunner.createTable(
      new Table({
        name: 'approval',
        columns: [
          idColumn(),
          ref('ticketId'),
          ref('penaltyId'),
          varchar('step', 32),
          varchar('role', 32),
          varchar('status', 16),
          nullable(varchar('decision', 32)),
          nullable(text('text')),
          bool('needsText', false),
          nullable(varchar('decidedBy', 64)),
          nullable(instant('decidedAt')),
          varchar('taskId', 128),
          text('recipients'),
          instant('createdAt'),
          nullable(instant('dueAt')),
          bool('escalated', false),
          nullable(text('card')),
        ],
        indices: [index('ix_approval_ticket', ['ticketId', 'status']), index('ix_approval_status_due', ['status', 'dueAt']), index('ux_approval_task', ['taskId'], true)],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'penalty',
        columns: [
          idColumn(),
          required('ticketId'),
          required('housekeeperId'),
          required('amountFen'),
          text('reason'),
          varchar('status', 16),
          varchar('month', 7),
          varchar('raisedBy', 64),
          nullable(varchar('acknowledgedBy', 64)),
          nullable(varchar('approvedBy', 64)),
          instant('createdAt'),
          nullable(instant('decidedAt')),
        ],
        indices: [index('ix_penalty_month', ['month', 'status'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'evidence',
        columns: [
          idColumn(),
          required('ticketId'),
          varchar('platform', 16),
          varchar('mediaId', 128),
          varchar('mediaType', 16),
          nullable(varchar('contentType', 64)),
          int('size'),
          varchar('status', 16),
          instant('receivedAt'),
          nullable(instant('fetchedAt')),
        ],
        indices: [index('ix_evidence_ticket', ['ticketId']), index('ux_evidence_media', ['platform', 'mediaId'], true)],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'evidence_chunk',
        columns: [idColumn(), required('evidenceId'), required('seq'), text('data')],
        indices: [index('ux_evidence_chunk', ['evidenceId', 'seq'], true)],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'housekeeper',
        columns: [
          idColumn(),
          varchar('code', 32),
          text('name'),
          nullable(text('phone')),
          nullable(text('idNumber')),
          nullable(text('emergencyContacts')),
          varchar('skills', 200, { default: "''" }),
          ref('storeId'),
          varchar('status', 16),
          instant('createdAt'),
        ],
        indices: [index('ux_housekeeper_code', ['code'], true)],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'housekeeper_movement',
        columns: [idColumn(), required('housekeeperId'), varchar('kind', 16), nullable(text('note')), instant('at')],
        indices: [index('ix_movement_housekeeper', ['housekeeperId', 'at']), index('ix_movement_at', ['at'])],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['housekeeper_movement', 'housekeeper', 'evidence_chunk', 'evidence', 'penalty', 'approval']) {
      await queryRunner.dropTable(table);
    }
  }
}
