import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { idColumn, index, instant, int, nullable, varchar } from './schema';

/** Scheduled job runs: the per-period lock and the record of what each run did. */
export class Jobs1764374400000 implements MigrationInterface {
  name = 'Jobs1764374400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'job_run',
        columns: [
          idColumn(),
          varchar('job', 64),
          varchar('period', 40),
          varchar('status', 16),
          varchar('owner', 64),
          instant('startedAt'),
          instant('leaseUntil'),
          nullable(instant('finishedAt')),
          int('items'),
          int('errors'),
          nullable(varchar('lastError', 300)),
        ],
        indices: [index('ux_job_run_period', ['job', 'period'], true)],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('job_run');
  }
}
