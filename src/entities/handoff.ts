import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EncryptedJsonColumn, EncryptedTextColumn, InstantColumn, TextColumn } from './columns';
import { Customer } from './customer';
import { Staff } from './staff';
import { Ticket } from './ticket';

/**
 * A hand-off of a customer's conversation to a person (R-HO-1), and while a member of staff holds
 * it, the live conversation through the bot (R-HO-2). Rows, not memory: any instance routes the
 * next message. Staff are deactivated and customers never deleted: no ON DELETE on the keys.
 */
@Entity('handoff')
@Index('ix_handoff_customer', ['customerId', 'status'])
@Index('ix_handoff_staff', ['staffId', 'status'])
@Index('ix_handoff_status', ['status', 'dueAt'])
export class Handoff {
  @PrimaryGeneratedColumn()
  id: number;

  @ForeignKey(() => Customer, { name: 'fk_handoff_customerId' })
  @Column({ type: 'integer' })
  customerId: number;

  /** waiting (for someone to press 接入), live (a member of staff holds it), closed, dismissed (无需处理). */
  @TextColumn(16)
  status: string;

  /** asked (转人工…), not_understood (twice in a row), upset (tone), stalled (a flow step waited too long). */
  @TextColumn(16)
  reason: string;

  /** Upset or a serious case: out of hours it pages the person on call. */
  @Column({ type: 'boolean', default: false })
  urgent: boolean;

  /** The conversation so far when it was handed off: [{ from, text, at }], encrypted. */
  @EncryptedJsonColumn({ nullable: true })
  transcript: unknown;

  /** Who the card went to (WeCom UserIDs, comma-separated): every copy is updated on 接入. */
  @TextColumn(500, { default: '' })
  notified: string;

  /** Whoever holds it, or the colleague it was passed to (转给…). */
  @ForeignKey(() => Staff, { name: 'fk_handoff_staffId' })
  @Column({ type: 'integer', nullable: true, default: null })
  staffId: number | null;

  /** The short tag the holder uses for this customer (`@A 内容`). */
  @TextColumn(4, { nullable: true })
  tag: string | null;

  /** A case opened during the conversation: the exchange is copied to its timeline. */
  @ForeignKey(() => Ticket, { name: 'fk_handoff_ticketId' })
  @Column({ type: 'integer', nullable: true, default: null })
  ticketId: number | null;

  @InstantColumn()
  createdAt: number;

  /** When not taken by this instant (working time), the CS manager is told. */
  @InstantColumn()
  dueAt: number;

  @InstantColumn({ nullable: true })
  escalatedAt: number | null;

  /** Out of hours: when the person on call was paged. */
  @InstantColumn({ nullable: true })
  pagedAt: number | null;

  @InstantColumn({ nullable: true })
  takenAt: number | null;

  /** Last thing said on either side: the idle timeout counts from here. */
  @InstantColumn({ nullable: true })
  lastActivityAt: number | null;

  /** The holder's plain text goes to the customer with the newest focus (the last to write, or 切换). */
  @InstantColumn({ nullable: true })
  focusAt: number | null;

  @InstantColumn({ nullable: true })
  closedAt: number | null;

  /** The OA allowance now open for this customer: opened by a message (48 h) or an event (1 minute). */
  @InstantColumn({ nullable: true })
  windowOpenedAt: number | null;

  @TextColumn(8, { default: 'message' })
  windowKind: string;

  /** Customer-service messages this room sent inside the open allowance. */
  @Column({ type: 'integer', default: 0 })
  sentInWindow: number;
}

/**
 * One line of a live conversation: what the customer wrote (forwarded to staff), what staff wrote
 * (sent, sent as the template, or held until the customer's next message), and the bot's own lines.
 */
@Entity('handoff_message')
@Index('ix_handoff_message_handoff', ['handoffId', 'id'])
@Index('ix_handoff_message_held', ['customerId', 'status'])
export class HandoffMessage {
  @PrimaryGeneratedColumn()
  id: number;

  @ForeignKey(() => Handoff, { name: 'fk_handoff_message_handoffId' })
  @Column({ type: 'integer' })
  handoffId: number;

  @ForeignKey(() => Customer, { name: 'fk_handoff_message_customerId' })
  @Column({ type: 'integer' })
  customerId: number;

  /** customer, staff, bot */
  @TextColumn(16)
  side: string;

  /** A member of staff's WeCom UserID, or customer / system. */
  @TextColumn(64)
  actor: string;

  /** text, image, voice, video */
  @TextColumn(16)
  kind: string;

  @EncryptedTextColumn({ nullable: true })
  text: string | null;

  /** Evidence id of a picture or a voice message. */
  @Column({ type: 'integer', nullable: true, default: null })
  evidenceId: number | null;

  /** forwarded, sent, template, held (waits for the customer's next message), released */
  @TextColumn(16)
  status: string;

  @InstantColumn()
  at: number;
}

/** How many of a customer's messages in a row the bot did not understand (two → a person). */
@Entity('handoff_streak')
@Index('ux_handoff_streak_customer', ['customerId'], { unique: true })
export class HandoffStreak {
  @PrimaryGeneratedColumn()
  id: number;

  @ForeignKey(() => Customer, { name: 'fk_handoff_streak_customerId' })
  @Column({ type: 'integer' })
  customerId: number;

  @Column({ type: 'integer', default: 0 })
  misses: number;

  @InstantColumn()
  updatedAt: number;
}

/** The on-call rota (值班): who is paged out of hours for what cannot wait. */
@Entity('oncall_shift')
@Index('ix_oncall_shift_time', ['startsAt', 'endsAt'])
export class OncallShift {
  @PrimaryGeneratedColumn()
  id: number;

  @ForeignKey(() => Staff, { name: 'fk_oncall_shift_staffId' })
  @Column({ type: 'integer' })
  staffId: number;

  @InstantColumn()
  startsAt: number;

  @InstantColumn()
  endsAt: number;

  /** admin (the API) or the WeCom UserID of who set it in chat. */
  @TextColumn(64)
  setBy: string;

  @InstantColumn()
  createdAt: number;
}
