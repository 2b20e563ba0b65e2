import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

export type EvidenceStatus = 'pending' | 'stored' | 'failed';

/**
 * A photo, voice or video a customer sent about a case. Temporary media expire on the platform
 * after 3 days and a theft case can run for months, so the file is fetched at once and kept
 * here, encrypted (AES-256-GCM), in chunks small enough for a TEXT column on both databases.
 */
@Entity('evidence')
@Index('ix_evidence_ticket', ['ticketId'])
@Index('ux_evidence_media', ['platform', 'mediaId'], { unique: true })
export class Evidence {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  ticketId: number;

  @TextColumn(16)
  platform: string;

  @TextColumn(128)
  mediaId: string;

  /** image, voice, video */
  @TextColumn(16)
  mediaType: string;

  @TextColumn(64, { nullable: true })
  contentType: string | null;

  @Column({ type: 'integer', default: 0 })
  size: number;

  @TextColumn(16)
  status: EvidenceStatus;

  @InstantColumn()
  receivedAt: number;

  @InstantColumn({ nullable: true })
  fetchedAt: number | null;
}

/** One piece of an evidence file's ciphertext (base64), in order. */
@Entity('evidence_chunk')
@Index('ux_evidence_chunk', ['evidenceId', 'seq'], { unique: true })
export class EvidenceChunk {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  evidenceId: number;

  @Column({ type: 'integer' })
  seq: number;

  @Column({ type: 'text' })
  data: string;
}
