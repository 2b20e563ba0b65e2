import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { index, nullable, varchar } from './schema';

/** Staff linked to their personal WeChat (Wechaty contact id): approvals from the managers' group. */
export class StaffWechat1764720000000 implements MigrationInterface {
  name = 'StaffWechat1764720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('staff', new TableColumn(nullable(varchar('wechatId', 128))));
    await queryRunner.createIndex('staff', index('ux_staff_wechatId', ['wechatId'], true));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('staff', 'ux_staff_wechatId');
    await queryRunner.dropColumn('staff', 'wechatId');
  }
}
