import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EncryptedTextColumn, InstantColumn, TextColumn } from './columns';

/** 阿姨动态: new (新到), on duty (上岗), returned (返回), resigned (辞职), with date and note. */
@Entity('housekeeper_movement')
@Index('ix_movement_housekeeper', ['housekeeperId', 'at'])
@Index('ix_movement_at', ['at'])
export class HousekeeperMovement {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  housekeeperId: number;

  @TextColumn(16)
  kind: string;

  @EncryptedTextColumn({ nullable: true })
  note: string | null;

  @InstantColumn()
  at: number;
}
