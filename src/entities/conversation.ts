import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EncryptedJsonColumn, InstantColumn, TextColumn } from './columns';

/** Where one customer's dialogue stands: which record it fills and which slot it waits for. */
@Entity('conversation')
@Index('ux_conversation_customerId', ['customerId'], { unique: true })
export class Conversation {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  customerId: number;

  /** lead, complaint, service_request, survey, … or idle */
  @TextColumn(32)
  flow: string;

  /** The slot being asked for, e.g. phone. */
  @TextColumn(32, { nullable: true })
  awaiting: string | null;

  @Column({ type: 'integer', nullable: true, default: null })
  leadId: number | null;

  @Column({ type: 'integer', nullable: true, default: null })
  ticketId: number | null;

  /** What was understood so far (encrypted: names, phones). */
  @EncryptedJsonColumn({ nullable: true })
  state: Record<string, unknown> | null;

  @InstantColumn()
  updatedAt: number;

  /** After this the dialogue is idle: the next message starts fresh (records stay). */
  @InstantColumn()
  expiresAt: number;
}
