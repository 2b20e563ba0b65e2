import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';
import { Staff } from './staff';

/**
 * A login to the staff console (工作台). Rows, not process memory, so every instance behind the
 * balancer knows every session. The cookie carries a random token; only its SHA-256 is stored,
 * so a copy of the database opens no session. A row is first written when a WeCom login code
 * arrives (`codeHash`, unique: a code is used once even when two instances get the callback),
 * and becomes a session when the code has been exchanged for an active member of staff.
 */
@Entity('console_session')
@Index('ux_console_session_token', ['tokenHash'], { unique: true })
@Index('ux_console_session_code', ['codeHash'], { unique: true })
@Index('ix_console_session_seen', ['lastSeenAt'])
export class ConsoleSession {
  @PrimaryGeneratedColumn()
  id: number;

  /** SHA-256 (hex) of the cookie's token. */
  @TextColumn(64)
  tokenHash: string;

  /** SHA-256 (hex) of the WeCom login code it was made from (null for the development login). */
  @TextColumn(64, { nullable: true })
  codeHash: string | null;

  /** Null while the login code is being exchanged. Staff are deactivated, never deleted: no ON DELETE. */
  @ForeignKey(() => Staff, { name: 'fk_console_session_staffId' })
  @Column({ type: 'integer', nullable: true, default: null })
  staffId: number | null;

  /** Sent back in X-CSRF-Token with every request that changes something. */
  @TextColumn(64)
  csrfToken: string;

  /** oauth (inside WeCom), sso (QR login), dev (development login). */
  @TextColumn(8)
  via: string;

  @InstantColumn()
  createdAt: number;

  @InstantColumn()
  lastSeenAt: number;
}
