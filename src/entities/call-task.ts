import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EncryptedTextColumn, InstantColumn, TextColumn } from './columns';

/** feedback: the 24-hour complaint progress; visit: a customer follow-up visit; survey: after a case; renewal: the contract's end. */
export type CallPurpose = 'feedback' | 'visit' | 'survey' | 'renewal';
export type CallStatus = 'open' | 'done' | 'cancelled';
/** reached: 已接通 (the customer was told / answered); no_answer: 未接通; later: 约下次. */
export type CallOutcome = 'reached' | 'no_answer' | 'later';

/**
 * A phone call the bot asks a person to make (R-ID-3) where it would have messaged a customer who
 * has no reachable WeChat: with the script to read and the questions to ask, and the outcome
 * recorded from WeCom so it counts like a chat answer.
 */
@Entity('call_task')
@Index('ux_call_task_cause', ['cause'], { unique: true })
@Index('ix_call_task_assignee_status', ['assigneeId', 'status'])
@Index('ix_call_task_status', ['status'])
export class CallTask {
  @PrimaryGeneratedColumn()
  id: number;

  /** What made it, once: `feedback:<ticketId>:<due>`, `visit:<visitId>`, `survey:ticket:<ticketId>`, `renewal:<contractId>`. */
  @TextColumn(64)
  cause: string;

  @TextColumn(16)
  purpose: CallPurpose;

  @Column({ type: 'integer' })
  customerId: number;

  /** The role whose holder calls: cs_specialist (complaint specialist) or consultant. */
  @TextColumn(16)
  role: string;

  @Column({ type: 'integer', nullable: true, default: null })
  assigneeId: number | null;

  @Column({ type: 'integer', nullable: true, default: null })
  ticketId: number | null;

  @Column({ type: 'integer', nullable: true, default: null })
  visitId: number | null;

  @Column({ type: 'integer', nullable: true, default: null })
  contractId: number | null;

  @TextColumn(16)
  status: CallStatus;

  /** Calls tried (未接通 and 约下次 each count one). */
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @TextColumn(16, { nullable: true })
  outcome: CallOutcome | null;

  /** Survey and visit calls: the score the customer gave (1-5). */
  @Column({ type: 'integer', nullable: true })
  score: number | null;

  /** What the customer said (encrypted: free text about people). */
  @EncryptedTextColumn({ nullable: true })
  note: string | null;

  /** The WeCom card's task id (unique, never reused: a new card per attempt). */
  @TextColumn(64)
  taskId: string;

  /** 约下次: when to call again. */
  @InstantColumn({ nullable: true })
  nextAt: number | null;

  @TextColumn(64, { nullable: true })
  doneBy: string | null;

  @InstantColumn()
  createdAt: number;

  @InstantColumn({ nullable: true })
  doneAt: number | null;
}
