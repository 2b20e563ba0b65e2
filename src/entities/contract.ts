import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

export type ContractStatus = 'active' | 'renewed' | 'ended' | 'terminated';
export type RenewalOutcome = 'contacted' | 'renewed' | 'not_renewing';

/** 家庭服务雇佣居间合同 (R-CT-1): one term; a renewal is a new row pointing at the previous term. */
@Entity('contract')
@Index('ux_contract_number', ['number'], { unique: true })
@Index('ix_contract_renewal_scan', ['status', 'endDate'])
@Index('ix_contract_arrival', ['arrivalDate'])
@Index('ix_contract_customer', ['customerId'])
export class Contract {
  @PrimaryGeneratedColumn()
  id: number;

  @TextColumn(32)
  number: string;

  @Column({ type: 'integer' })
  customerId: number;

  @Column({ type: 'integer', nullable: true })
  housekeeperId: number | null;

  @Column({ type: 'integer', nullable: true })
  storeId: number | null;

  @Column({ type: 'integer', nullable: true })
  consultantId: number | null;

  @TextColumn(16, { nullable: true })
  serviceType: string | null;

  /** YYYY-MM-DD, business time zone. */
  @TextColumn(10)
  startDate: string;

  /** 到岗日期: the day the housekeeper starts at the customer's home. */
  @TextColumn(10, { nullable: true })
  arrivalDate: string | null;

  @TextColumn(10)
  endDate: string;

  @Column({ type: 'integer', default: 0 })
  amountFen: number;

  @TextColumn(16)
  status: ContractStatus;

  @Column({ type: 'integer', nullable: true })
  previousId: number | null;

  @InstantColumn({ nullable: true })
  renewalPromptAt: number | null;

  @InstantColumn({ nullable: true })
  renewalReminderAt: number | null;

  @TextColumn(16, { nullable: true })
  renewalOutcome: RenewalOutcome | null;

  @InstantColumn()
  createdAt: number;
}
