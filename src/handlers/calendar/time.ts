import { say } from '../../../config/say';
import { zoneOffsetMs } from '../../lib/zone-offset';

/** Dates and times as a customer in the business time zone reads them. */

const twoDigits = (n: number) => String(n).padStart(2, '0');

/** The wall clock in the zone: year, month, day, hour, minute, second, as Intl writes them (2026, 03, 07, 09, 05, 00). */
export function parts(at: number, timeZone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string> {
  const local = new Date(at + zoneOffsetMs(at, timeZone));
  return {
    year: String(local.getUTCFullYear()),
    month: twoDigits(local.getUTCMonth() + 1),
    day: twoDigits(local.getUTCDate()),
    hour: twoDigits(local.getUTCHours()),
    minute: twoDigits(local.getUTCMinutes()),
    second: twoDigits(local.getUTCSeconds()),
  };
}

/** 20261126 */
export function dayKey(at: number, timeZone: string): string {
  const p = parts(at, timeZone);
  return `${p.year}${p.month}${p.day}`;
}

/** 2026-11-26 */
export function isoDay(at: number, timeZone: string): string {
  const p = parts(at, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** 2026-11 */
export function monthKey(at: number, timeZone: string): string {
  const p = parts(at, timeZone);
  return `${p.year}-${p.month}`;
}

/** 11月27日 14:00 */
export function chineseDateTime(at: number, timeZone: string): string {
  const p = parts(at, timeZone);
  return say('common.date.monthDayTime', { month: Number(p.month), day: Number(p.day), hour: p.hour, minute: p.minute });
}

export const HOUR_MS = 3600_000;
export const DAY_MS = 24 * HOUR_MS;

/** [start, end) instants of a calendar month (YYYY-MM) in the business time zone. */
export function monthRange(month: string, timeZone: string): { start: number; end: number } {
  const [year, mon] = month.split('-').map(Number);
  const startOfDay = (y: number, m: number) => {
    // noon UTC on the 1st lies within the local 1st in every zone from UTC-11 to UTC+11
    const probe = Date.UTC(y, m - 1, 1, 12);
    const local = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' }).format(probe);
    const [h, min] = local.split(':').map(Number);
    return probe - (h * 60 + min) * 60_000;
  };
  return { start: startOfDay(year, mon), end: mon === 12 ? startOfDay(year + 1, 1) : startOfDay(year, mon + 1) };
}

/** The month before the one containing `at`, as YYYY-MM. */
export function previousMonth(at: number, timeZone: string): string {
  const [year, mon] = monthKey(at, timeZone).split('-').map(Number);
  return mon === 1 ? `${year - 1}-12` : `${year}-${String(mon - 1).padStart(2, '0')}`;
}
