import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EncryptedJsonColumn, EncryptedTextColumn, InstantColumn, TextColumn } from './columns';

export type ApprovalStatus = 'pending' | 'decided';

/**
 * A decision the seed gives to a role (R-AP-1): a card in WeCom with buttons, and where words
 * are needed, the approver's reply text. Only a holder of `role` may decide; the decision,
 * who and when are kept here and shown on every copy of the card.
 */
@Entity('approval')
@Index('ix_approval_ticket', ['ticketId', 'status'])
@Index('ix_approval_status_due', ['status', 'dueAt'])
@Index('ux_approval_task', ['taskId'], { unique: true })
export class Approval {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer', nullable: true, default: null })
  ticketId: number | null;

  @Column({ type: 'integer', nullable: true, default: null })
  penaltyId: number | null;

  /** Renewal prompts and hand-over tasks belong to a contract… */
  @Column({ type: 'integer', nullable: true })
  contractId: number | null;

  /** …and housekeeper follow-up visits to a visit. */
  @Column({ type: 'integer', nullable: true })
  visitId: number | null;

  /** …and the 签单客户快速对应联动表 steps to the signed lead. */
  @Column({ type: 'integer', nullable: true, default: null })
  leadId: number | null;

  /** The bot asked this person for the step's words (their next plain reply answers it). */
  @TextColumn(64, { nullable: true })
  askedOf: string | null;

  @InstantColumn({ nullable: true })
  askedAt: number | null;

  /**
   * The store the step belongs to (the case's, the penalty's, the contract's), recorded when the
   * step opens: a store role may decide it only in that store. Null: no store known, the card
   * went to every holder of the role.
   */
  @Column({ type: 'integer', nullable: true })
  storeId: number | null;

  /** instruction, investigation, decision, sign_cs, sign_gm, gm_instruction, compensation, penalty_ack… */
  @TextColumn(32)
  step: string;

  @TextColumn(32)
  role: string;

  @TextColumn(16)
  status: ApprovalStatus;

  /** The button pressed, or "text" for a written answer: approve, reject, done, … */
  @TextColumn(32, { nullable: true })
  decision: string | null;

  /** The approver's words (instruction, decision, amount, reason): encrypted, they may quote people. */
  @EncryptedTextColumn({ nullable: true })
  text: string | null;

  @Column({ type: 'boolean', default: false })
  needsText: boolean;

  @TextColumn(64, { nullable: true })
  decidedBy: string | null;

  @InstantColumn({ nullable: true })
  decidedAt: number | null;

  /** WeCom task_id of the card. */
  @TextColumn(128)
  taskId: string;

  /** Comma-separated WeCom UserIDs the card went to (every copy is updated after the decision). */
  @Column({ type: 'text' })
  recipients: string;

  @InstantColumn()
  createdAt: number;

  /** Internal deadline in working time; a breach escalates once to the next role up. */
  @InstantColumn({ nullable: true })
  dueAt: number | null;

  @Column({ type: 'boolean', default: false })
  escalated: boolean;

  /** The card as sent, re-rendered with the outcome after the decision (encrypted: it may show a phone). */
  @EncryptedJsonColumn({ nullable: true })
  card: unknown;
}
