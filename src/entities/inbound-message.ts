import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EncryptedJsonColumn, EncryptedTextColumn, InstantColumn, TextColumn } from './columns';

export type InboundStatus = 'received' | 'processing' | 'done' | 'failed';

/**
 * 会话记录: every verified inbound message or event, stored before it is acknowledged.
 * The unique dedup key makes WeChat's retries land on the same row.
 */
@Entity('inbound_message')
@Index('ux_inbound_dedup', ['dedupKey'], { unique: true })
@Index('ix_inbound_status_claim', ['status', 'claimedUntil'])
@Index('ix_inbound_sender_platform_received', ['sender', 'platform', 'receivedAt'])
export class InboundMessage {
  @PrimaryGeneratedColumn()
  id: number;

  /** sha256 of MsgId, or of FromUserName+CreateTime+Event+EventKey for events. */
  @TextColumn(64)
  dedupKey: string;

  @TextColumn(16)
  platform: string;

  /** text, image, voice, subscribe, card_click… */
  @TextColumn(32)
  kind: string;

  /** openid / WeCom UserID / Wechaty contact id: pseudonymous, needed for lookups. */
  @TextColumn(128)
  sender: string;

  /** The normalised event, text included: encrypted at rest. */
  @EncryptedJsonColumn()
  event: object;

  @TextColumn(16)
  status: InboundStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @InstantColumn({ nullable: true })
  claimedUntil: number | null;

  /** The passive reply as sent (plaintext XML), replayed to retries: encrypted at rest. */
  @EncryptedTextColumn({ nullable: true })
  reply: string | null;

  @TextColumn(300, { nullable: true })
  error: string | null;

  @InstantColumn()
  receivedAt: number;

  @InstantColumn({ nullable: true })
  processedAt: number | null;
}
