import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

/** Audit trail (R-SC-2): every change through chat or the admin API — who, what, when, before/after without personal data. */
@Entity('audit_entry')
@Index('ix_audit_at', ['at'])
@Index('ix_audit_subject', ['subject', 'subjectId'])
export class AuditEntry {
  @PrimaryGeneratedColumn()
  id: number;

  /** WeCom UserID, "admin", "customer", "system" */
  @TextColumn(64)
  actor: string;

  @TextColumn(64)
  action: string;

  @TextColumn(32)
  subject: string;

  @Column({ type: 'integer', nullable: true })
  subjectId: number | null;

  /** JSON of changed field names with non-personal before/after values. */
  @Column({ type: 'text', nullable: true })
  changes: string | null;

  @InstantColumn()
  at: number;
}
