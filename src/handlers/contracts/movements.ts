import { Housekeeper, HousekeeperMovement } from '../../entities';
import type { HousekeeperStatus } from '../../entities/housekeeper';
import { hasRole, type Staff } from '../../entities/staff';
import type { HandlerContext } from '../ports';
import { audit, diff } from '../records';
import { say } from '../../../config/say';

/**
 * 阿姨 A0123 上岗 [备注]: a store reports a housekeeper's movement in chat (R-AR-1, the seed's
 * 家政服务人员流动情况登记表): 新到 / 上岗 / 返回 / 辞职. A store manager reports the housekeepers of
 * their own store; 人资 and customer service any. The status follows the latest movement; audited.
 */

export const MOVEMENT_COMMAND = /^\s*阿姨\s+\S+\s+(新到|上岗|返回|辞职)/;
const PATTERN = /^\s*阿姨\s+(\S+)\s+(新到|上岗|返回|辞职)\s*(.*)$/s;
const KINDS: Record<string, HousekeeperStatus> = { 新到: 'new', 上岗: 'on_duty', 返回: 'returned', 辞职: 'resigned' };

export async function movementCommand(ctx: HandlerContext, staff: Staff, text: string): Promise<void> {
  const match = PATTERN.exec(text);
  if (!match) return void ctx.reply(say('contracts.movement.usage'));
  const [, code, word, rest] = match;
  const housekeeper = await ctx.db.findOneBy(Housekeeper, { code: code.toUpperCase() });
  const central = hasRole(staff, 'hr') || hasRole(staff, 'cs_specialist') || hasRole(staff, 'cs_manager');
  const ownStore = hasRole(staff, 'store_manager') && housekeeper !== null && housekeeper.storeId === staff.storeId;
  if (!housekeeper || !(central || ownStore)) {
    ctx.log.warn({ audit: 'movement_refused', user: staff.wecomUserId }, 'housekeeper movement refused or unknown code');
    return void ctx.reply(say('contracts.movement.notYours', { code }));
  }
  const kind = KINDS[word];
  const now = ctx.clock.now();
  const note = rest.trim() || null;
  await ctx.db.insert(HousekeeperMovement, { housekeeperId: housekeeper.id, kind, note, at: now });
  if (housekeeper.status !== kind) await ctx.db.update(Housekeeper, { id: housekeeper.id }, { status: kind });
  await audit(ctx.db, { actor: staff.wecomUserId, action: 'housekeeper.movement', subject: 'housekeeper', subjectId: housekeeper.id, changes: diff({ status: housekeeper.status }, { status: kind, movement: kind }) }, now);
  ctx.reply(say('contracts.movement.recorded', { name: housekeeper.name, code: housekeeper.code, movement: word }));
}
