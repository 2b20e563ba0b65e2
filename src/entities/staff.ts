import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn, TextColumn } from './columns';

export const ROLES = ['consultant', 'store_manager', 'cs_specialist', 'cs_manager', 'gm', 'admin', 'hr', 'finance'] as const;
export type Role = (typeof ROLES)[number];

/** A member of staff, known by their WeCom UserID (and, for the managers' group, their WeChat id). */
@Entity('staff')
@Index('ux_staff_wecomUserId', ['wecomUserId'], { unique: true })
@Index('ux_staff_wechatId', ['wechatId'], { unique: true })
export class Staff {
  @PrimaryGeneratedColumn()
  id: number;

  @TextColumn(64)
  wecomUserId: string;

  @TextColumn(64)
  name: string;

  /** Comma-separated roles. */
  @TextColumn(200)
  roles: string;

  @Column({ type: 'integer', nullable: true, default: null })
  storeId: number | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** Working hours, "09:00-18:00". */
  @TextColumn(16, { default: '09:00-18:00' })
  workingHours: string;

  /** Last time a lead was assigned to them: breaks ties in fair assignment. */
  @InstantColumn({ nullable: true })
  lastAssignedAt: number | null;

  /** Their personal-WeChat id as the Wechaty puppet reports it: commands in the managers' group are accepted from it. */
  @TextColumn(128, { nullable: true })
  wechatId: string | null;
}

export function hasRole(staff: Pick<Staff, 'roles'> | null | undefined, role: Role): boolean {
  return Boolean(staff && staff.roles.split(',').map((r) => r.trim()).includes(role));
}
