import { AccessToken } from './access-token';
import { Approval } from './approval';
import { AuditEntry } from './audit-entry';
import { Contract } from './contract';
import { CardResponseCode } from './card-response-code';
import { ConsoleSession } from './console-session';
import { Conversation } from './conversation';
import { Customer } from './customer';
import { CustomerLink } from './customer-link';
import { CallTask } from './call-task';
import { Evidence, EvidenceChunk } from './evidence';
import { Handoff, HandoffMessage, HandoffStreak, OncallShift } from './handoff';
import { Housekeeper } from './housekeeper';
import { HousekeeperMovement } from './housekeeper-movement';
import { InboundMessage } from './inbound-message';
import { JobRun } from './job-run';
import { Lead } from './lead';
import { OutboxMessage } from './outbox-message';
import { Penalty } from './penalty';
import { Sequence } from './sequence';
import { Staff } from './staff';
import { Survey } from './survey';
import { Visit } from './visit';
import { Store } from './store';
import { Ticket } from './ticket';
import { TicketEvent } from './ticket-event';
import { Foundation1764201600000 } from './migrations/1764201600000-Foundation';
import { Handoffs1765152000000 } from './migrations/1765152000000-Handoffs';
import { Conversations1764288000000 } from './migrations/1764288000000-Conversations';
import { Jobs1764374400000 } from './migrations/1764374400000-Jobs';
import { Complaints1764460800000 } from './migrations/1764460800000-Complaints';
import { Archives1764547200000 } from './migrations/1764547200000-Archives';
import { ArchiveSteps1764633600000 } from './migrations/1764633600000-ArchiveSteps';
import { StaffWechat1764720000000 } from './migrations/1764720000000-StaffWechat';
import { ForeignKeys1764806400000 } from './migrations/1764806400000-ForeignKeys';
// the foreign keys between the records, declared on the entity classes above (issue 18)
import './foreign-keys';
import { BoundEncryption1764892800000 } from './migrations/1764892800000-BoundEncryption';
import { StoreScope1764979200000 } from './migrations/1764979200000-StoreScope';
import { ConsoleSessions1765065600000 } from './migrations/1765065600000-ConsoleSessions';
import { IdentityAndCalls1765238400000 } from './migrations/1765238400000-IdentityAndCalls';
import { StaffWork1765324800000 } from './migrations/1765324800000-StaffWork';
import { HotPathIndexes1765411200000 } from './migrations/1765411200000-HotPathIndexes';

export { CallTask, CustomerLink };
export { Handoff, HandoffMessage, HandoffStreak, OncallShift, AccessToken, Approval, AuditEntry, CardResponseCode, ConsoleSession, Contract, Survey, Visit, Evidence, EvidenceChunk, Housekeeper, HousekeeperMovement, Penalty, Conversation, Customer, InboundMessage, JobRun, Lead, OutboxMessage, Sequence, Staff, Store, Ticket, TicketEvent };

/** Every entity the data source knows; a flow's entities are added here with their migration. */
export const ENTITIES = [Handoff, HandoffMessage, HandoffStreak, OncallShift, InboundMessage, OutboxMessage, AccessToken, CardResponseCode, Customer, Lead, Ticket, TicketEvent, Conversation, Sequence, Store, Staff, JobRun, Approval, Penalty, Evidence, EvidenceChunk, Housekeeper, HousekeeperMovement, Contract, Visit, Survey, AuditEntry, ConsoleSession, CustomerLink, CallTask];

/** In order: TypeORM runs them by timestamp, the list is the table of contents. */
export const MIGRATIONS = [Foundation1764201600000, Conversations1764288000000, Jobs1764374400000, Complaints1764460800000, Archives1764547200000, ArchiveSteps1764633600000, StaffWechat1764720000000, ForeignKeys1764806400000, BoundEncryption1764892800000, StoreScope1764979200000, Handoffs1765152000000, ConsoleSessions1765065600000, IdentityAndCalls1765238400000, StaffWork1765324800000, HotPathIndexes1765411200000];
