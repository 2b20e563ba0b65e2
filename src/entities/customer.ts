import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EncryptedTextColumn, InstantColumn, TextColumn } from './columns';

/** 客户原始数据: one person, however they reached us. Personal fields are encrypted at rest. */
@Entity('customer')
@Index('ux_customer_external', ['platform', 'externalId'], { unique: true })
@Index('ix_customer_phone', ['phoneHash'])
export class Customer {
  @PrimaryGeneratedColumn()
  id: number;

  /** wechat / wecom / wechaty, or null for a customer logged by staff from a phone call. */
  @TextColumn(16, { nullable: true })
  platform: string | null;

  /** openid, WeCom external id or Wechaty contact id. */
  @TextColumn(128, { nullable: true })
  externalId: string | null;

  @TextColumn(128, { nullable: true })
  unionId: string | null;

  @EncryptedTextColumn({ nullable: true })
  name: string | null;

  @EncryptedTextColumn({ nullable: true })
  phone: string | null;

  /** HMAC of the normalised mobile number: lookup without decrypting. */
  @TextColumn(64, { nullable: true })
  phoneHash: string | null;

  @EncryptedTextColumn({ nullable: true })
  address: string | null;

  @TextColumn(32, { nullable: true })
  district: string | null;

  /** Where we first heard from them: wechat, wecom, wechaty, phone, qq, email, walk_in. */
  @TextColumn(16)
  channel: string;

  @Column({ type: 'boolean', default: false })
  isMajor: boolean;

  @Column({ type: 'integer', nullable: true, default: null })
  storeId: number | null;

  @Column({ type: 'boolean', default: true })
  subscribed: boolean;

  /** Last message or event from them: the OA customer-service window is 48 h from here. */
  @InstantColumn({ nullable: true })
  lastInboundAt: number | null;

  @InstantColumn()
  createdAt: number;

  /** Set when this record was merged into another (R-ID-1): its history moved there, the row stays for the audit trail. */
  @Column({ type: 'integer', nullable: true, default: null })
  mergedIntoId: number | null;
}
