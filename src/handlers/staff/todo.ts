import type { Staff } from '../../entities/staff';
import type { HandlerContext } from '../ports';
import { pendingFor } from './queue';
import { say } from '../../../config/say';

/**
 * 待办 in the bot's WeCom chat (R-ST-2): what waits for me — steps, leads, hand-offs, call tasks —
 * oldest first with how long each has waited, the same list as the console's first page (pendingFor).
 */

export const TODO_COMMAND = /^\s*(我的)?待办\s*$/;
const SHOWN = 15;

/** 3天2小时 / 5小时10分 / 12分钟 */
export function waited(minutes: number): string {
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return say('staff.todo.days', { days, hours });
  if (hours > 0) return say('staff.todo.hours', { hours, minutes: minutes % 60 });
  return say('staff.todo.minutes', { minutes });
}

export async function todoCommand(ctx: HandlerContext, staff: Staff): Promise<void> {
  const items = await pendingFor(ctx.db, staff, ctx.clock.now());
  if (items.length === 0) return void ctx.reply(say('staff.todo.none'));
  const lines = items.slice(0, SHOWN).map((item, i) => say('staff.todo.line', { n: i + 1, number: item.number ? `${item.number} ` : '', title: item.title, waited: waited(item.waitedMinutes) }));
  const more = items.length > SHOWN ? `\n${say('staff.todo.more', { count: items.length - SHOWN })}` : '';
  ctx.reply(`${say('staff.todo.head', { count: items.length })}\n${lines.join('\n')}${more}\n${say('staff.todo.hint')}`);
}
