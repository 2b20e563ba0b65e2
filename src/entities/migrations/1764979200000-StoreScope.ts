import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { index } from './schema';

/**
 * approval.storeId: the store a step belongs to, checked when a store role decides it (a store
 * manager of store A may not sign store B's penalty slip). Existing steps take the store of their
 * case, penalty slip (its case's store, else the housekeeper's) or contract, as requestApproval
 * records it for new ones.
 *
 * inbound_message (sender, receivedAt): the per-sender rate limit counts a sender's messages of
 * the last minute on every inbound message, which must not scan the table.
 */
export class StoreScope1764979200000 implements MigrationInterface {
  name = 'StoreScope1764979200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('approval', new TableColumn({ name: 'storeId', type: 'integer', isNullable: true }));
    // subqueries on other tables: the same statements run on SQLite and MySQL/MariaDB
    await queryRunner.query('UPDATE approval SET storeId = (SELECT t.storeId FROM ticket t WHERE t.id = approval.ticketId) WHERE ticketId IS NOT NULL');
    await queryRunner.query(
      'UPDATE approval SET storeId = (SELECT COALESCE(t.storeId, h.storeId) FROM penalty p JOIN ticket t ON t.id = p.ticketId LEFT JOIN housekeeper h ON h.id = p.housekeeperId WHERE p.id = approval.penaltyId) WHERE penaltyId IS NOT NULL AND ticketId IS NULL',
    );
    await queryRunner.query('UPDATE approval SET storeId = (SELECT c.storeId FROM contract c WHERE c.id = approval.contractId) WHERE contractId IS NOT NULL AND ticketId IS NULL AND penaltyId IS NULL');
    await queryRunner.createIndex('inbound_message', index('ix_inbound_sender_received', ['sender', 'receivedAt']));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('inbound_message', 'ix_inbound_sender_received');
    await queryRunner.dropColumn('approval', 'storeId');
  }
}
