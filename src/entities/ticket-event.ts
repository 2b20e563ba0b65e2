import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EncryptedTextColumn, InstantColumn, TextColumn } from './columns';

/**
 * The timeline of a ticket or a lead: every customer message, reply, decision and SLA event,
 * with who and when. Notes are encrypted (they quote customers).
 */
@Entity('ticket_event')
@Index('ix_ticket_event_ticket', ['ticketId', 'at'])
@Index('ix_ticket_event_lead', ['leadId', 'at'])
export class TicketEvent {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer', nullable: true, default: null })
  ticketId: number | null;

  @Column({ type: 'integer', nullable: true, default: null })
  leadId: number | null;

  /** created, customer_message, media, reply, status, decision, sla_breach, … */
  @TextColumn(32)
  type: string;

  /** customer, system, or a staff member's WeCom UserID */
  @TextColumn(64)
  actor: string;

  @EncryptedTextColumn({ nullable: true })
  note: string | null;

  /** Small structured facts (no personal data): step, severity change, media id… */
  @Column({ type: 'text', nullable: true, default: null })
  data: string | null;

  @InstantColumn()
  at: number;
}
