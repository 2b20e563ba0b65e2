import { Column, Entity, PrimaryColumn } from 'typeorm';
import { EncryptedTextColumn, InstantColumn, TextColumn } from './columns';

/**
 * The central access-token cache (中控): one row per (platform, app), shared by all instances.
 * `lockedUntil` is a short lease held by the one instance that is refreshing.
 */
@Entity('access_token')
export class AccessToken {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  tokenKey: string;

  @EncryptedTextColumn({ nullable: true })
  token: string | null;

  /** sha256 of the token, so "invalidate only if still the one that failed" is one UPDATE. */
  @TextColumn(64, { nullable: true })
  tokenHash: string | null;

  @InstantColumn()
  expiresAt: number;

  @InstantColumn({ nullable: true })
  lockedUntil: number | null;

  @Column({ type: 'integer', default: 0 })
  refreshCount: number;
}
