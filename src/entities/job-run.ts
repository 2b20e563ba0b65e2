import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

export type JobRunStatus = 'running' | 'done' | 'failed';

/**
 * One run of a scheduled job for one period (a day, a month, a minute…). The unique
 * (job, period) key is the lock: whichever instance inserts it runs that period; a run whose
 * lease lapsed (its instance died) can be taken over.
 */
@Entity('job_run')
@Index('ux_job_run_period', ['job', 'period'], { unique: true })
export class JobRun {
  @PrimaryGeneratedColumn()
  id: number;

  @TextColumn(64)
  job: string;

  /** 2026-11-27 for a daily job, 2026-11 for a monthly one, manual:<ms> for a run from the API. */
  @TextColumn(40)
  period: string;

  @TextColumn(16)
  status: JobRunStatus;

  @TextColumn(64)
  owner: string;

  @InstantColumn()
  startedAt: number;

  @InstantColumn()
  leaseUntil: number;

  @InstantColumn({ nullable: true })
  finishedAt: number | null;

  @Column({ type: 'integer', default: 0 })
  items: number;

  @Column({ type: 'integer', default: 0 })
  errors: number;

  @TextColumn(300, { nullable: true })
  lastError: string | null;
}
