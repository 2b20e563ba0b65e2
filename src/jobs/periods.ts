import { dayKey, monthKey } from '../handlers/calendar';

/** Period keys: one run of a job per period. */
export const perMinute = (at: number) => new Date(Math.floor(at / 60_000) * 60_000).toISOString().slice(0, 16);
export const perDay = (at: number, timeZone: string) => dayKey(at, timeZone);
export const perMonth = (at: number, timeZone: string) => monthKey(at, timeZone);
