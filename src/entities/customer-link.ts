import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

export type CustomerLinkKind = 'qr' | 'phone';
/** open: can still be used / answered; used: linked; refused: a scan we turned down; blocked: three wrong answers. */
export type CustomerLinkStatus = 'open' | 'used' | 'refused' | 'blocked';

/**
 * One attempt to tie a WeChat follower to a customer record (R-ID-1): a parametric QR code handed
 * out at signing (kind `qr`: the scene string is random and names nobody), or a phone number a
 * follower typed that belongs to a contract customer (kind `phone`: confirmed by something only
 * the customer knows, at most three tries).
 */
@Entity('customer_link')
@Index('ux_customer_link_scene', ['scene'], { unique: true })
@Index('ix_customer_link_requester', ['requesterId', 'status'])
@Index('ix_customer_link_customer', ['customerId'])
export class CustomerLink {
  @PrimaryGeneratedColumn()
  id: number;

  @TextColumn(8)
  kind: CustomerLinkKind;

  /** The customer record the follower would be linked to. */
  @Column({ type: 'integer' })
  customerId: number;

  /** QR codes: the scene string (random, single use). */
  @TextColumn(64, { nullable: true })
  scene: string | null;

  /** QR codes: the platform's ticket (to fetch the image) and the code's own URL. */
  @TextColumn(255, { nullable: true })
  ticket: string | null;

  @TextColumn(255, { nullable: true })
  url: string | null;

  @InstantColumn()
  expiresAt: number;

  @TextColumn(16)
  status: CustomerLinkStatus;

  /** The follower's own record: who scanned the code, or who typed the phone number. */
  @Column({ type: 'integer', nullable: true, default: null })
  requesterId: number | null;

  /** Wrong answers so far (phone links). */
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @InstantColumn()
  createdAt: number;

  @InstantColumn({ nullable: true })
  usedAt: number | null;
}
