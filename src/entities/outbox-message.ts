import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EncryptedJsonColumn, InstantColumn, TextColumn } from './columns';

export type OutboxStatus = 'pending' | 'delivered' | 'sandbox' | 'undeliverable';

/**
 * Every outbound message, stored in the same transaction as the change that caused it and
 * delivered by the outbox worker with retries. The dedup key stops a re-run from sending twice.
 */
@Entity('outbox_message')
@Index('ux_outbox_dedup', ['dedupKey'], { unique: true })
@Index('ix_outbox_due', ['status', 'nextAttemptAt'])
export class OutboxMessage {
  @PrimaryGeneratedColumn()
  id: number;

  @TextColumn(160)
  dedupKey: string;

  @TextColumn(16)
  platform: string;

  /** What kind of call: text, markdown, template_card, update_card, template… */
  @TextColumn(32)
  kind: string;

  @TextColumn(128)
  recipient: string;

  /** Message body (contains customer text): encrypted at rest. */
  @EncryptedJsonColumn()
  payload: unknown;

  @TextColumn(16)
  status: OutboxStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @InstantColumn()
  nextAttemptAt: number;

  /** A worker that claimed the row owns it until then; a crashed worker's claim simply expires. */
  @InstantColumn({ nullable: true })
  lockedUntil: number | null;

  @TextColumn(300, { nullable: true })
  lastError: string | null;

  /** Platform result worth keeping (msgid, response_code of a card). */
  @TextColumn(300, { nullable: true })
  result: string | null;

  @InstantColumn()
  createdAt: number;

  @InstantColumn({ nullable: true })
  deliveredAt: number | null;
}
