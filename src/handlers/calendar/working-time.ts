import { zoneOffsetMs } from '../../lib/zone-offset';

/**
 * Working time: minutes inside a daily window such as 09:00-18:00, in the business time zone.
 * A lead assigned at 17:50 with a 30-minute window is due at 09:20 the next morning.
 */


/** The instant of local midnight starting the day that contains `at`. */
export function startOfLocalDay(at: number, timeZone: string): number {
  const offset = zoneOffsetMs(at, timeZone);
  const local = at + offset;
  return local - (((local % 86_400_000) + 86_400_000) % 86_400_000) - offset;
}

export function parseHours(window: string): { open: number; close: number } {
  const match = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(window.trim());
  if (!match) return { open: 9 * 60, close: 18 * 60 };
  const open = Number(match[1]) * 60 + Number(match[2]);
  const close = Number(match[3]) * 60 + Number(match[4]);
  return close > open ? { open, close } : { open: 9 * 60, close: 18 * 60 };
}

/** Working milliseconds between two instants for a daily window; `isWorkday` can skip days (holidays). */
export function workingMsBetween(start: number, end: number, window: string, timeZone: string, isWorkday: (dayStart: number) => boolean = () => true): number {
  if (end <= start) return 0;
  const { open, close } = parseHours(window);
  let total = 0;
  for (let day = startOfLocalDay(start, timeZone); day < end; day = startOfLocalDay(day + 36 * 3600_000, timeZone)) {
    if (!isWorkday(day)) continue;
    const from = Math.max(start, day + open * 60_000);
    const to = Math.min(end, day + close * 60_000);
    if (to > from) total += to - from;
  }
  return total;
}
