import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EncryptedTextColumn, InstantColumn, TextColumn } from './columns';

export type TicketKind = 'complaint' | 'service_request' | 'question';
export type Severity = 'ordinary' | 'serious';
export const CLOSED_TICKET_STATUSES = ['closed', 'archived', 'cancelled'];

/** A complaint (投诉), a service request (售后) or a question handed to a person. */
@Entity('ticket')
@Index('ux_ticket_number', ['number'], { unique: true })
@Index('ix_ticket_customer_status', ['customerId', 'status'])
@Index('ix_ticket_kind_status', ['kind', 'status'])
export class Ticket {
  @PrimaryGeneratedColumn()
  id: number;

  /** TS202611260001 */
  @TextColumn(20)
  number: string;

  @TextColumn(16)
  kind: TicketKind;

  @TextColumn(16, { nullable: true })
  severity: Severity | null;

  /** complaints: attitude, theft, property_damage, injury, lateness, quality, other; requests: replacement, on_site, refund, leave_cover, redo; questions: human, renewal */
  @TextColumn(32, { nullable: true })
  category: string | null;

  /** Where the ticket is in its flow; the flows define the steps. */
  @TextColumn(32)
  status: string;

  @Column({ type: 'integer' })
  customerId: number;

  @TextColumn(16)
  channel: string;

  /** The customer's own words (encrypted: they carry names, addresses, phones). */
  @EncryptedTextColumn()
  summary: string;

  @Column({ type: 'integer', nullable: true, default: null })
  storeId: number | null;

  @Column({ type: 'integer', nullable: true, default: null })
  housekeeperId: number | null;

  /** Staff member who owns it now. */
  @Column({ type: 'integer', nullable: true, default: null })
  ownerId: number | null;

  @TextColumn(64, { nullable: true })
  loggedBy: string | null;

  @InstantColumn()
  createdAt: number;

  @InstantColumn()
  updatedAt: number;

  /** Commitment: first reply to the customer (24 h). */
  @InstantColumn({ nullable: true })
  replyDueAt: number | null;

  /** Commitment: next progress feedback to the customer (complaints, every 24 h). */
  @InstantColumn({ nullable: true })
  feedbackDueAt: number | null;

  /** The feedback rhythm the CS manager set (a police case runs slower than every 24 h); null: the commitment's. */
  @Column({ type: 'integer', nullable: true, default: null })
  feedbackEveryHours: number | null;

  /** Commitment: on site (12 h in warranty / 48 h out). */
  @InstantColumn({ nullable: true })
  onSiteDueAt: number | null;

  @InstantColumn({ nullable: true })
  closedAt: number | null;
}
