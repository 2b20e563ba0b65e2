import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EncryptedJsonColumn, InstantColumn, TextColumn } from './columns';

export type SurveyStatus = 'open' | 'answered' | 'expired';

/** 满意度调查 (R-FU-2): sent after a case closes or on a customer visit; answered in chat. */
@Entity('survey')
@Index('ix_survey_customer_status', ['customerId', 'status'])
@Index('ux_survey_source', ['source', 'sourceId'], { unique: true })
export class Survey {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  customerId: number;

  /** ticket or visit */
  @TextColumn(16)
  source: string;

  @Column({ type: 'integer' })
  sourceId: number;

  @Column({ type: 'integer', nullable: true })
  housekeeperId: number | null;

  @TextColumn(16)
  status: SurveyStatus;

  /** The questions asked, in order. */
  @Column({ type: 'text' })
  questions: string;

  /** Index of the question waiting for an answer. */
  @Column({ type: 'integer', default: 0 })
  current: number;

  /** [{ question, score?, comment? }]: encrypted, comments are free text. */
  @EncryptedJsonColumn({ nullable: true })
  answers: unknown;

  /** Mean score 1-5 once answered. */
  @Column({ type: 'integer', nullable: true })
  score: number | null;

  @InstantColumn()
  sentAt: number;

  @InstantColumn({ nullable: true })
  answeredAt: number | null;
}
