import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EncryptedJsonColumn, InstantColumn, TextColumn } from './columns';

export type VisitStatus = 'scheduled' | 'sent' | 'done' | 'skipped';

/** 回访 (R-FU-1): a follow-up visit of the customer (chat survey) or of the housekeeper (task card). */
@Entity('visit')
@Index('ix_visit_due', ['status', 'dueDate'])
@Index('ux_visit_slot', ['contractId', 'subject', 'sequence'], { unique: true })
export class Visit {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  contractId: number;

  /** customer or housekeeper */
  @TextColumn(16)
  subject: string;

  /** 1st, 2nd… visit of this subject on this contract. */
  @Column({ type: 'integer' })
  sequence: number;

  @TextColumn(10)
  dueDate: string;

  @TextColumn(16)
  status: VisitStatus;

  /** Answers recorded (encrypted: free text about people). */
  @EncryptedJsonColumn({ nullable: true })
  answers: unknown;

  @Column({ type: 'integer', nullable: true })
  score: number | null;

  @TextColumn(64, { nullable: true })
  recordedBy: string | null;

  @InstantColumn({ nullable: true })
  completedAt: number | null;
}
