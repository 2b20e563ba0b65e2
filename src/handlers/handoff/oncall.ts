import { LessThanOrEqual, MoreThan, type EntityManager } from 'typeorm';
import { Staff } from '../../entities';
import { OncallShift } from '../../entities/handoff';
import { hasRole } from '../../entities/staff';
import { say } from '../../../config/say';
import { chineseDateTime, DAY_MS, startOfLocalDay } from '../calendar';
import type { HandlerContext } from '../ports';
import { audit } from '../records';
import { staffWithRole } from './records';

/**
 * The on-call rota (值班, R-HO-1): out of hours, an upset or serious hand-off pages the person on
 * call now; with nobody on the rota it pages the CS managers, so an urgent one is never left for
 * the morning. Set by the admin API (/api/oncall) or in chat by a CS manager or the GM:
 * `值班` lists, `值班 姓名 2026-12-05 [2026-12-07]` puts someone on call for those whole days.
 */

export const ONCALL_COMMAND = /^\s*值班/;

/** Who is paged now: the rota's people, else the CS managers. */
export async function onCallNow(db: EntityManager, at: number): Promise<Staff[]> {
  const shifts = await db.find(OncallShift, { where: { startsAt: LessThanOrEqual(at), endsAt: MoreThan(at) }, order: { id: 'DESC' } });
  const people: Staff[] = [];
  for (const shift of shifts) {
    const person = await db.findOneBy(Staff, { id: shift.staffId, active: true });
    if (person && !people.some((p) => p.id === person.id)) people.push(person);
  }
  return people.length > 0 ? people : staffWithRole(db, 'cs_manager');
}

export function shiftsFrom(db: EntityManager, at: number): Promise<OncallShift[]> {
  return db.find(OncallShift, { where: { endsAt: MoreThan(at) }, order: { startsAt: 'ASC' }, take: 50 });
}

export async function addShift(db: EntityManager, shift: { staffId: number; startsAt: number; endsAt: number; setBy: string }, now: number): Promise<OncallShift> {
  return db.save(db.create(OncallShift, { ...shift, createdAt: now }));
}

/** Whole local days: from the first day's midnight to the midnight after the last. */
export function daysSpan(first: string, last: string, timeZone: string): { startsAt: number; endsAt: number } | undefined {
  const parse = (day: string) => (/^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(Date.parse(`${day}T12:00:00Z`)) ? startOfLocalDay(Date.parse(`${day}T12:00:00Z`), timeZone) : undefined);
  const startsAt = parse(first);
  const lastStart = parse(last);
  if (startsAt === undefined || lastStart === undefined || lastStart < startsAt || lastStart - startsAt > 62 * DAY_MS) return undefined;
  return { startsAt, endsAt: startOfLocalDay(lastStart + 36 * 3600_000, timeZone) };
}

export async function oncallCommand(ctx: HandlerContext, staff: Staff, text: string): Promise<void> {
  const now = ctx.clock.now();
  const zone = ctx.config.timezone;
  const words = text.trim().split(/\s+/).slice(1);
  if (words.length === 0) {
    const shifts = await shiftsFrom(ctx.db, now);
    if (shifts.length === 0) return ctx.reply(say('handoff.oncall.none'));
    const lines: string[] = [];
    for (const shift of shifts) {
      const person = await ctx.db.findOneBy(Staff, { id: shift.staffId });
      lines.push(say('handoff.oncall.line', { name: person?.name ?? `#${shift.staffId}`, from: chineseDateTime(shift.startsAt, zone), to: chineseDateTime(shift.endsAt, zone) }));
    }
    return ctx.reply(say('handoff.oncall.list', { lines: lines.join('\n') }));
  }
  if (!hasRole(staff, 'cs_manager') && !hasRole(staff, 'gm')) {
    ctx.log.warn({ audit: 'oncall_refused', user: staff.wecomUserId }, 'on-call rota change refused: not a CS manager or GM');
    return ctx.reply(say('handoff.oncall.denied'));
  }
  const [name, first, last = first] = words;
  const span = first ? daysSpan(first, last, zone) : undefined;
  if (!name || !span) return ctx.reply(say('handoff.oncall.bad'));
  const person = (await ctx.db.find(Staff, { where: { active: true } })).find((s) => s.name === name || s.wecomUserId === name);
  if (!person) return ctx.reply(say('handoff.oncall.unknown', { name: name.slice(0, 20) }));
  const shift = await addShift(ctx.db, { staffId: person.id, ...span, setBy: staff.wecomUserId }, now);
  await audit(ctx.db, { actor: staff.wecomUserId, action: 'oncall.set', subject: 'oncall_shift', subjectId: shift.id, changes: { staffId: person.id, startsAt: span.startsAt, endsAt: span.endsAt } }, now);
  ctx.reply(say('handoff.oncall.set', { name: person.name, from: chineseDateTime(span.startsAt, zone), to: chineseDateTime(span.endsAt, zone) }));
}
