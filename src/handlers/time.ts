/** Dates and times as a customer in the business time zone reads them. */

function parts(at: number, timeZone: string): Record<string, string> {
  const formatter = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return Object.fromEntries(formatter.formatToParts(at).map((p) => [p.type, p.value]));
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
  return `${Number(p.month)}月${Number(p.day)}日 ${p.hour}:${p.minute}`;
}

export const HOUR_MS = 3600_000;
export const DAY_MS = 24 * HOUR_MS;
