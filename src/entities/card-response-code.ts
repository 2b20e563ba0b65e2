import { Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

/**
 * WeCom interactive-card response codes: single use, valid 72 h, newest one per (task, user).
 * Spending one is a conditional UPDATE so a duplicate callback cannot spend it twice.
 */
@Entity('card_response_code')
@Index('ux_card_code_task_user', ['taskId', 'userId'], { unique: true })
export class CardResponseCode {
  @PrimaryGeneratedColumn()
  id: number;

  @TextColumn(128)
  taskId: string;

  @TextColumn(128)
  userId: string;

  @TextColumn(256)
  code: string;

  @InstantColumn()
  receivedAt: number;

  @InstantColumn({ nullable: true })
  spentAt: number | null;
}
