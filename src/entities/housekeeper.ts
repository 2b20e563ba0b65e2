import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EncryptedJsonColumn, EncryptedTextColumn, InstantColumn, TextColumn } from './columns';

export type HousekeeperStatus = 'new' | 'on_duty' | 'returned' | 'resigned';

/** 家政服务人员档案 (R-AR-1): personal fields encrypted; status follows the movement log. */
@Entity('housekeeper')
@Index('ux_housekeeper_code', ['code'], { unique: true })
export class Housekeeper {
  @PrimaryGeneratedColumn()
  id: number;

  /** Staff-facing code, e.g. A0123. */
  @TextColumn(32)
  code: string;

  @EncryptedTextColumn()
  name: string;

  @EncryptedTextColumn({ nullable: true })
  phone: string | null;

  @EncryptedTextColumn({ nullable: true })
  idNumber: string | null;

  /** [{ name, relation, phone }] */
  @EncryptedJsonColumn({ nullable: true })
  emergencyContacts: { name: string; relation?: string; phone: string }[] | null;

  /** Comma-separated skills (月嫂,育儿嫂…). */
  @TextColumn(200, { default: '' })
  skills: string;

  @Column({ type: 'integer', nullable: true, default: null })
  storeId: number | null;

  @TextColumn(16)
  status: HousekeeperStatus;

  @InstantColumn()
  createdAt: number;
}
