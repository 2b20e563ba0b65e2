import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { TextColumn } from './columns';

/** 门店: a store and the districts it serves. */
@Entity('store')
@Index('ux_store_code', ['code'], { unique: true })
export class Store {
  @PrimaryGeneratedColumn()
  id: number;

  @TextColumn(32)
  code: string;

  @TextColumn(64)
  name: string;

  /** Comma-separated district names (朝阳区,东城区). */
  @Column({ type: 'text' })
  districts: string;

  @Column({ type: 'boolean', default: false })
  isDefault: boolean;
}
