import { ForeignKey } from 'typeorm';
import { Approval } from './approval';
import { CallTask } from './call-task';
import { Contract } from './contract';
import { Conversation } from './conversation';
import { Customer } from './customer';
import { CustomerLink } from './customer-link';
import { Evidence, EvidenceChunk } from './evidence';
import { Housekeeper } from './housekeeper';
import { HousekeeperMovement } from './housekeeper-movement';
import { Lead } from './lead';
import { Penalty } from './penalty';
import { Staff } from './staff';
import { Store } from './store';
import { Survey } from './survey';
import { Ticket } from './ticket';
import { TicketEvent } from './ticket-event';
import { Visit } from './visit';

/**
 * Which record points at which (issue 18): every reference between records is a foreign key, so a
 * case can never point at a customer that does not exist. Kept here in one table rather than as a
 * decorator on each column, so the whole graph can be read at once; the keys themselves were added
 * by migration 1764806400000 (which repaired what pointed nowhere first), and TypeORM's schema
 * check (test/entities/migrations.test.ts) holds the entities and the database to the same list.
 * A new reference column gets its line here and its key in the migration that adds the column.
 *
 * No ON DELETE actions: the bot never deletes these records, and a delete that would orphan
 * something should fail loudly.
 */

type EntityClass = abstract new (...args: never[]) => object;

export const FOREIGN_KEYS: [EntityClass, string, () => EntityClass][] = [
  [Ticket, 'customerId', () => Customer],
  [Lead, 'customerId', () => Customer],
  [Conversation, 'customerId', () => Customer],
  [Survey, 'customerId', () => Customer],
  [Contract, 'customerId', () => Customer],
  [Customer, 'storeId', () => Store],
  [Staff, 'storeId', () => Store],
  [Housekeeper, 'storeId', () => Store],
  [HousekeeperMovement, 'housekeeperId', () => Housekeeper],
  [Ticket, 'storeId', () => Store],
  [Ticket, 'housekeeperId', () => Housekeeper],
  [Ticket, 'ownerId', () => Staff],
  [Lead, 'storeId', () => Store],
  [Lead, 'consultantId', () => Staff],
  [Conversation, 'leadId', () => Lead],
  [Conversation, 'ticketId', () => Ticket],
  [TicketEvent, 'ticketId', () => Ticket],
  [TicketEvent, 'leadId', () => Lead],
  [Evidence, 'ticketId', () => Ticket],
  [EvidenceChunk, 'evidenceId', () => Evidence],
  [Penalty, 'ticketId', () => Ticket],
  [Penalty, 'housekeeperId', () => Housekeeper],
  [Contract, 'housekeeperId', () => Housekeeper],
  [Contract, 'storeId', () => Store],
  [Contract, 'consultantId', () => Staff],
  [Contract, 'previousId', () => Contract],
  [Visit, 'contractId', () => Contract],
  [Survey, 'housekeeperId', () => Housekeeper],
  [Approval, 'ticketId', () => Ticket],
  [Approval, 'penaltyId', () => Penalty],
  [Approval, 'contractId', () => Contract],
  [Approval, 'visitId', () => Visit],
  // one customer, one record (issue 15, migration 1765238400000)
  [Customer, 'mergedIntoId', () => Customer],
  [CustomerLink, 'customerId', () => Customer],
  [CustomerLink, 'requesterId', () => Customer],
  [CallTask, 'customerId', () => Customer],
  [CallTask, 'assigneeId', () => Staff],
  [CallTask, 'ticketId', () => Ticket],
  [CallTask, 'visitId', () => Visit],
  [CallTask, 'contractId', () => Contract],
  // staff work with the case in front of them (issue 16, migration 1765324800000)
  [Approval, 'leadId', () => Lead],
];

/** The constraint's name in both databases: fk_<table>_<column>. */
export function foreignKeyName(table: string, column: string): string {
  return `fk_${table}_${column}`;
}

const TABLE_OF = new Map<EntityClass, string>([
  [Ticket, 'ticket'], [Lead, 'lead'], [Conversation, 'conversation'], [Survey, 'survey'], [Contract, 'contract'], [Customer, 'customer'],
  [Staff, 'staff'], [Housekeeper, 'housekeeper'], [HousekeeperMovement, 'housekeeper_movement'], [TicketEvent, 'ticket_event'],
  [Evidence, 'evidence'], [EvidenceChunk, 'evidence_chunk'], [Penalty, 'penalty'], [Visit, 'visit'], [Approval, 'approval'],
  [CustomerLink, 'customer_link'], [CallTask, 'call_task'],
]);

for (const [entity, column, target] of FOREIGN_KEYS) {
  ForeignKey(target, { name: foreignKeyName(TABLE_OF.get(entity)!, column) })(entity.prototype, column);
}
