import { readFileSync } from 'node:fs';
import chineseDays from 'chinese-days';
import type { Logger } from 'pino';
import type { FlowContext } from '../ports';
import { HOLIDAY_OVERRIDES, type YearCalendar } from '../../../config/holidays';
import { isoDay } from './time';
import { parseHours, startOfLocalDay, workingMsBetween } from './working-time';

/**
 * The business calendar for clocks that count working time (internal approval steps): workdays
 * from the chinese-days package (public holidays and 调休 make-up days), with a configured
 * override for a year the package does not know yet. Without either, such a year counts
 * Monday-Friday and the log says so once.
 */

const packaged = (() => {
  const data = require('chinese-days/dist/chinese-days.json') as { holidays: Record<string, string> };
  return new Set(Object.keys(data.holidays).map((day) => day.slice(0, 4)));
})();

export class BusinessCalendar {
  private readonly overrides: Record<string, YearCalendar>;
  private readonly warned = new Set<string>();

  constructor(
    private readonly timeZone: string,
    private readonly log?: Logger,
    overrides: Record<string, YearCalendar> = HOLIDAY_OVERRIDES,
    overrideFile?: string,
  ) {
    this.overrides = { ...overrides, ...(overrideFile ? (JSON.parse(readFileSync(overrideFile, 'utf8')) as Record<string, YearCalendar>) : {}) };
  }

  /** Whether the local day starting at `dayStart` is a workday. */
  isWorkday = (dayStart: number): boolean => {
    const day = isoDay(dayStart, this.timeZone);
    const year = day.slice(0, 4);
    const override = this.overrides[year];
    if (override) {
      if (override.holidays.includes(day)) return false;
      if (override.workdays.includes(day)) return true;
      return !isWeekend(day);
    }
    if (packaged.has(year)) return chineseDays.isWorkday(day);
    if (!this.warned.has(year)) {
      this.warned.add(year);
      this.log?.warn({ year }, `business calendar: no holiday data for ${year} (chinese-days knows up to ${[...packaged].sort().pop()}); counting Monday-Friday. Add the announced holidays to config/holidays.ts or HOLIDAYS_FILE.`);
    }
    return !isWeekend(day);
  };

  /** Working milliseconds between two instants, for a daily window such as 09:00-12:00,13:00-18:00. */
  workingMs(start: number, end: number, windows: string[]): number {
    return windows.reduce((total, window) => total + workingMsBetween(start, end, window, this.timeZone, this.isWorkday), 0);
  }

  /** The instant when `hours` of working time have passed since `start`: walks the days once. */
  addWorkingHours(start: number, hours: number, windows: string[]): number {
    let remaining = hours * 3600_000;
    const spans = windows.map(parseHours).sort((a, b) => a.open - b.open);
    const giveUp = start + 400 * 86_400_000;
    for (let day = startOfLocalDay(start, this.timeZone); day < giveUp; day = startOfLocalDay(day + 36 * 3600_000, this.timeZone)) {
      if (!this.isWorkday(day)) continue;
      for (const { open, close } of spans) {
        const from = Math.max(start, day + open * 60_000);
        const to = day + close * 60_000;
        if (to <= from) continue;
        if (to - from >= remaining) return from + remaining;
        remaining -= to - from;
      }
    }
    throw new Error('business calendar: no working time within 400 days (check WORKING_HOURS and holidays)');
  }
}

function isWeekend(day: string): boolean {
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** One calendar per time zone and holidays file, shared by every flow (the holidays file is read once). */
const calendars = new Map<string, BusinessCalendar>();
export function calendarFor(ctx: Pick<FlowContext, 'config' | 'log'>): BusinessCalendar {
  const key = `${ctx.config.timezone}|${ctx.config.holidaysFile ?? ''}`;
  let calendar = calendars.get(key);
  if (!calendar) {
    calendar = new BusinessCalendar(ctx.config.timezone, ctx.log, undefined, ctx.config.holidaysFile);
    calendars.set(key, calendar);
  }
  return calendar;
}
