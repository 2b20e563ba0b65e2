import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Approval cards for contracts (renewal, hand-over) and follow-up visits. */
export class ArchiveSteps1764633600000 implements MigrationInterface {
  name = 'ArchiveSteps1764633600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('approval', [
      new TableColumn({ name: 'contractId', type: 'integer', isNullable: true }),
      new TableColumn({ name: 'visitId', type: 'integer', isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('approval', 'visitId');
    await queryRunner.dropColumn('approval', 'contractId');
  }
}
