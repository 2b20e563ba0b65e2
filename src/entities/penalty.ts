import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EncryptedTextColumn, InstantColumn, TextColumn } from './columns';

export type PenaltyStatus = 'raised' | 'discussed' | 'acknowledged' | 'approved' | 'rejected';

/** 员工处罚单 (R-CP-3): deducted in the month's pay once acknowledged and approved by the GM. */
@Entity('penalty')
@Index('ix_penalty_month', ['month', 'status'])
export class Penalty {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  ticketId: number;

  @Column({ type: 'integer' })
  housekeeperId: number;

  /** In fen (分), to avoid floating point money. */
  @Column({ type: 'integer' })
  amountFen: number;

  @EncryptedTextColumn()
  reason: string;

  @TextColumn(16)
  status: PenaltyStatus;

  /** Payroll month it is deducted in (YYYY-MM). */
  @TextColumn(7)
  month: string;

  @TextColumn(64)
  raisedBy: string;

  @TextColumn(64, { nullable: true })
  acknowledgedBy: string | null;

  @TextColumn(64, { nullable: true })
  approvedBy: string | null;

  @InstantColumn()
  createdAt: number;

  @InstantColumn({ nullable: true })
  decidedAt: number | null;

  /** The CS manager who went through the slip with the housekeeper. */
  @TextColumn(64, { nullable: true })
  discussedBy: string | null;

  /** The store manager who saw her sign (the photo of the signed paper is the case's evidence). */
  @TextColumn(64, { nullable: true })
  witnessedBy: string | null;

  /** When the month-end copy went to 人资 with the 月绩效扣款明细表. */
  @InstantColumn({ nullable: true })
  hrSentAt: number | null;
}
