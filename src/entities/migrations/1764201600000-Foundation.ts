import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { idColumn, index, instant, int, nullable, text, varchar } from './schema';

/** Inbound message store, outbox, central token cache and card response codes. */
export class Foundation1764201600000 implements MigrationInterface {
  name = 'Foundation1764201600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'inbound_message',
        columns: [
          idColumn(),
          varchar('dedupKey', 64),
          varchar('platform', 16),
          varchar('kind', 32),
          varchar('sender', 128),
          text('event'),
          varchar('status', 16),
          int('attempts'),
          nullable(instant('claimedUntil')),
          nullable(text('reply')),
          nullable(varchar('error', 300)),
          instant('receivedAt'),
          nullable(instant('processedAt')),
        ],
        indices: [index('ux_inbound_dedup', ['dedupKey'], true), index('ix_inbound_status_claim', ['status', 'claimedUntil'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'outbox_message',
        columns: [
          idColumn(),
          varchar('dedupKey', 160),
          varchar('platform', 16),
          varchar('kind', 32),
          varchar('recipient', 128),
          text('payload'),
          varchar('status', 16),
          int('attempts'),
          instant('nextAttemptAt'),
          nullable(instant('lockedUntil')),
          nullable(varchar('lastError', 300)),
          nullable(varchar('result', 300)),
          instant('createdAt'),
          nullable(instant('deliveredAt')),
        ],
        indices: [index('ux_outbox_dedup', ['dedupKey'], true), index('ix_outbox_due', ['status', 'nextAttemptAt'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'access_token',
        columns: [
          varchar('tokenKey', 128, { isPrimary: true }),
          nullable(text('token')),
          nullable(varchar('tokenHash', 64)),
          instant('expiresAt'),
          nullable(instant('lockedUntil')),
          int('refreshCount'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'card_response_code',
        columns: [
          idColumn(),
          varchar('taskId', 128),
          varchar('userId', 128),
          varchar('code', 256),
          instant('receivedAt'),
          nullable(instant('spentAt')),
        ],
        indices: [index('ux_card_code_task_user', ['taskId', 'userId'], true)],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['card_response_code', 'access_token', 'outbox_message', 'inbound_message']) {
      await queryRunner.dropTable(table);
    }
  }
}
