import type { MigrationInterface, QueryRunner } from 'typeorm';
import { foreignKeyName } from '../foreign-keys';
import { index } from './schema';

/**
 * Two indexes a message reads through on every call (issue 17, bench profile):
 * - the rate limit counts a sender's messages of the last minute on one platform: with the
 *   platform in the index the count is read from the index alone, not from each row;
 * - a new lead goes to the consultant with the fewest working leads: counted per consultant
 *   from an index on (consultantId, status) instead of every working lead of every consultant
 *   (the count grew with the backlog: 0.5 ms per 登记 after a few thousand leads in the bench).
 */
export class HotPathIndexes1765411200000 implements MigrationInterface {
  name = 'HotPathIndexes1765411200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('inbound_message', index('ix_inbound_sender_platform_received', ['sender', 'platform', 'receivedAt']));
    await queryRunner.dropIndex('inbound_message', 'ix_inbound_sender_received');
    await queryRunner.createIndex('lead', index('ix_lead_consultant_status', ['consultantId', 'status']));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const keyIndex = foreignKeyName('lead', 'consultantId');
    const mysql = queryRunner.connection.driver.options.type !== 'better-sqlite3';
    if (mysql && ((await queryRunner.query(`SHOW INDEX FROM \`lead\` WHERE Key_name = '${keyIndex}'`)) as unknown[]).length === 0) {
      // MySQL drops the index it made for a foreign key once another index can serve the key;
      // the key's own index comes back in the statement that drops this one
      await queryRunner.query(`ALTER TABLE \`lead\` ADD INDEX \`${keyIndex}\` (\`consultantId\`), DROP INDEX \`ix_lead_consultant_status\``);
    } else {
      await queryRunner.dropIndex('lead', 'ix_lead_consultant_status');
    }
    await queryRunner.createIndex('inbound_message', index('ix_inbound_sender_received', ['sender', 'receivedAt']));
    await queryRunner.dropIndex('inbound_message', 'ix_inbound_sender_platform_received');
  }
}
