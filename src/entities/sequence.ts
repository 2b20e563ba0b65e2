import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Counters for human-readable numbers (TS202611260001): incremented inside the creating transaction. */
@Entity('sequence')
export class Sequence {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  name: string;

  @Column({ type: 'integer', default: 0 })
  value: number;
}
