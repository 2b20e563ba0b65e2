import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EncryptedTextColumn, InstantColumn, TextColumn } from './columns';

export type LeadStatus = 'draft' | 'new' | 'assigned' | 'accepted' | 'contacted' | 'signed' | 'lost' | 'cancelled';
export const OPEN_LEAD_STATUSES: LeadStatus[] = ['draft', 'new', 'assigned', 'accepted', 'contacted'];

/** 客户信息受理表: an inquiry that may become a contract (R-LD-1). */
@Entity('lead')
@Index('ux_lead_number', ['number'], { unique: true })
@Index('ix_lead_customer_status', ['customerId', 'status'])
@Index('ix_lead_status_created', ['status', 'createdAt'])
@Index('ix_lead_consultant_status', ['consultantId', 'status'])
export class Lead {
  @PrimaryGeneratedColumn()
  id: number;

  /** XS202611260001 */
  @TextColumn(20)
  number: string;

  @Column({ type: 'integer' })
  customerId: number;

  /** The customer's words about what they need (may carry personal data). */
  @EncryptedTextColumn()
  need: string;

  @TextColumn(16, { nullable: true })
  serviceType: string | null;

  @TextColumn(32, { nullable: true })
  district: string | null;

  /** YYYY-MM-DD the customer wants the service to start. */
  @TextColumn(10, { nullable: true })
  startDate: string | null;

  @TextColumn(16)
  channel: string;

  @TextColumn(16)
  status: LeadStatus;

  @Column({ type: 'integer', nullable: true, default: null })
  storeId: number | null;

  @Column({ type: 'integer', nullable: true, default: null })
  consultantId: number | null;

  /** WeCom UserID of the staff member who logged it (phone/QQ/walk-in inquiries). */
  @TextColumn(64, { nullable: true })
  loggedBy: string | null;

  @InstantColumn()
  createdAt: number;

  @InstantColumn()
  updatedAt: number;

  @InstantColumn({ nullable: true })
  assignedAt: number | null;

  @InstantColumn({ nullable: true })
  acceptedAt: number | null;

  @InstantColumn({ nullable: true })
  contactedAt: number | null;

  @InstantColumn({ nullable: true })
  closedAt: number | null;
}
