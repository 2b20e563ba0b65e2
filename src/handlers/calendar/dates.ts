import { say } from '../../../config/say';

/** Calendar dates as YYYY-MM-DD strings (contracts, visits): arithmetic without time zones. */

export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  const ms = (day: string) => Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
  return Math.round((ms(to) - ms(from)) / 86_400_000);
}

/** 12月5日 */
export function chineseDate(day: string): string {
  return say('common.date.monthDay', { month: Number(day.slice(5, 7)), day: Number(day.slice(8, 10)) });
}

/** 2025年12月16日: for dates a year or more apart, where the month and day alone would mislead. */
export function chineseFullDate(day: string): string {
  return say('common.date.full', { year: Number(day.slice(0, 4)), month: Number(day.slice(5, 7)), day: Number(day.slice(8, 10)) });
}

/** The same day N months later, clamped to the month's last day (Jan 31 + 1 month = Feb 28). */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number);
  const last = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m - 1 + months, Math.min(d, last))).toISOString().slice(0, 10);
}

/** Whole months from `start` to the day after `end`, when the term is a whole number of months. */
export function wholeMonths(start: string, end: string): number | undefined {
  const after = addDays(end, 1);
  const months = (Number(after.slice(0, 4)) - Number(start.slice(0, 4))) * 12 + Number(after.slice(5, 7)) - Number(start.slice(5, 7));
  return months > 0 && addMonths(start, months) === after ? months : undefined;
}
