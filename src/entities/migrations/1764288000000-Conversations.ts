import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { idColumn, index, instant, int, nullable, text, varchar } from './schema';

/** Customers, leads, tickets and their timeline, dialogue state, numbering; stores and staff. */
export class Conversations1764288000000 implements MigrationInterface {
  name = 'Conversations1764288000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // '0'/'1' rather than false/true: that is how both databases report a boolean default back
    const bool = (name: string, value: boolean) => ({ name, type: 'boolean', isNullable: false, default: value ? '1' : '0' });
    const ref = (name: string) => ({ name, type: 'integer', isNullable: true, default: null });
    await queryRunner.createTable(
      new Table({
        name: 'customer',
        columns: [
          idColumn(),
          nullable(varchar('platform', 16)),
          nullable(varchar('externalId', 128)),
          nullable(varchar('unionId', 128)),
          nullable(text('name')),
          nullable(text('phone')),
          nullable(varchar('phoneHash', 64)),
          nullable(text('address')),
          nullable(varchar('district', 32)),
          varchar('channel', 16),
          bool('isMajor', false),
          ref('storeId'),
          bool('subscribed', true),
          nullable(instant('lastInboundAt')),
          instant('createdAt'),
        ],
        indices: [index('ux_customer_external', ['platform', 'externalId'], true), index('ix_customer_phone', ['phoneHash'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'lead',
        columns: [
          idColumn(),
          varchar('number', 20),
          { name: 'customerId', type: 'integer', isNullable: false },
          text('need'),
          nullable(varchar('serviceType', 16)),
          nullable(varchar('district', 32)),
          nullable(varchar('startDate', 10)),
          varchar('channel', 16),
          varchar('status', 16),
          ref('storeId'),
          ref('consultantId'),
          nullable(varchar('loggedBy', 64)),
          instant('createdAt'),
          instant('updatedAt'),
          nullable(instant('assignedAt')),
          nullable(instant('acceptedAt')),
          nullable(instant('contactedAt')),
          nullable(instant('closedAt')),
        ],
        indices: [index('ux_lead_number', ['number'], true), index('ix_lead_customer_status', ['customerId', 'status']), index('ix_lead_status_created', ['status', 'createdAt'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'ticket',
        columns: [
          idColumn(),
          varchar('number', 20),
          varchar('kind', 16),
          nullable(varchar('severity', 16)),
          nullable(varchar('category', 32)),
          varchar('status', 32),
          { name: 'customerId', type: 'integer', isNullable: false },
          varchar('channel', 16),
          text('summary'),
          ref('storeId'),
          ref('housekeeperId'),
          ref('ownerId'),
          nullable(varchar('loggedBy', 64)),
          instant('createdAt'),
          instant('updatedAt'),
          nullable(instant('replyDueAt')),
          nullable(instant('feedbackDueAt')),
          nullable(instant('onSiteDueAt')),
          nullable(instant('closedAt')),
        ],
        indices: [index('ux_ticket_number', ['number'], true), index('ix_ticket_customer_status', ['customerId', 'status']), index('ix_ticket_kind_status', ['kind', 'status'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'ticket_event',
        columns: [
          idColumn(),
          ref('ticketId'),
          ref('leadId'),
          varchar('type', 32),
          varchar('actor', 64),
          nullable(text('note')),
          nullable(text('data')),
          instant('at'),
        ],
        indices: [index('ix_ticket_event_ticket', ['ticketId', 'at']), index('ix_ticket_event_lead', ['leadId', 'at'])],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'conversation',
        columns: [
          idColumn(),
          { name: 'customerId', type: 'integer', isNullable: false },
          varchar('flow', 32),
          nullable(varchar('awaiting', 32)),
          ref('leadId'),
          ref('ticketId'),
          nullable(text('state')),
          instant('updatedAt'),
          instant('expiresAt'),
        ],
        indices: [index('ux_conversation_customerId', ['customerId'], true)],
      }),
    );
    await queryRunner.createTable(new Table({ name: 'sequence', columns: [varchar('name', 32, { isPrimary: true }), int('value')] }));
    await queryRunner.createTable(
      new Table({
        name: 'store',
        columns: [idColumn(), varchar('code', 32), varchar('name', 64), text('districts'), bool('isDefault', false)],
        indices: [index('ux_store_code', ['code'], true)],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'staff',
        columns: [
          idColumn(),
          varchar('wecomUserId', 64),
          varchar('name', 64),
          varchar('roles', 200),
          ref('storeId'),
          bool('active', true),
          varchar('workingHours', 16, { default: "'09:00-18:00'" }),
          nullable(instant('lastAssignedAt')),
        ],
        indices: [index('ux_staff_wecomUserId', ['wecomUserId'], true)],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['staff', 'store', 'sequence', 'conversation', 'ticket_event', 'ticket', 'lead', 'customer']) {
      await queryRunner.dropTable(table);
    }
  }
}
