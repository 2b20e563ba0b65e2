import { normalisePhone } from '../../handlers/customers';

/**
 * The values an archive field may hold, as the admin API reads them from JSON or from a
 * spreadsheet: calendar days, ID numbers, phones, amounts, codes, texts. Each reader adds one
 * problem per bad value and never repeats a phone or an ID number in it.
 */

const MAX_AMOUNT_FEN = 1_000_000_000; // 10 million yuan: well inside a 32-bit INT

export const chars = (value: string) => [...value].length;
const pad = (n: number) => String(n).padStart(2, '0');

/** A real calendar day as YYYY-MM-DD; spreadsheets' 2026/1/5, 2026.1.5 and 2026年1月5日 are read too. */
export function calendarDay(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(value.trim());
  if (!match) return undefined;
  const [year, month, day] = match.slice(1).map(Number);
  if (year < 1900 || year > 2199) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** The instant a calendar day begins in the business time zone (what a movement's `at` holds). */
export function dayStart(day: string, timeZone: string): number {
  const [year, month, date] = day.split('-').map(Number);
  // noon UTC lies within the same local day in every zone from UTC-11 to UTC+11
  const probe = Date.UTC(year, month - 1, date, 12);
  const local = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' }).format(probe);
  const [h, min] = local.split(':').map(Number);
  return probe - (h * 60 + min) * 60_000;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARACTERS = '10X98765432';

/**
 * A mainland resident ID number (GB 11643): 6-digit region, 8-digit date of birth, 3-digit
 * sequence, and a check character (ISO 7064 MOD 11-2, X for 10). Returns the upper-case number or
 * why it is not one — without repeating it.
 */
export function checkIdNumber(value: string, today?: string): { idNumber: string } | { problem: string } {
  const id = value.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return { problem: 'idNumber must be 18 characters: 17 digits and a check digit (0-9 or X)' };
  if (id[0] === '0') return { problem: 'idNumber does not start with a region code' };
  const birth = calendarDay(`${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`);
  if (!birth || (today !== undefined && birth > today)) return { problem: 'idNumber does not hold a valid date of birth' };
  const sum = ID_WEIGHTS.reduce((total, weight, i) => total + weight * Number(id[i]), 0);
  if (ID_CHECK_CHARACTERS[sum % 11] !== id[17]) return { problem: 'idNumber check digit does not match (mistyped?)' };
  return { idNumber: id };
}

/** A mobile number (11 digits), or with `landline` also a fixed line with its area code. */
export function phoneValue(field: string, value: unknown, problems: string[], landline = false): string | undefined {
  const text = typeof value === 'number' && Number.isInteger(value) ? String(value) : typeof value === 'string' ? value.trim() : '';
  const digits = /^[+\d\s()-]{5,24}$/.test(text) ? normalisePhone(text) : '';
  if (/^1[3-9]\d{9}$/.test(digits) || (landline && /^0\d{9,11}$/.test(digits))) return digits;
  problems.push(landline ? `${field} must be a mobile number or a landline with its area code` : `${field} must be a mobile number (11 digits)`);
  return undefined;
}

/** ¥8,800.50 → 880050 fen. */
export function amountValue(value: unknown, problems: string[]): number | undefined {
  let fen: number | undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
    const cents = Math.round(value * 100);
    if (Math.abs(value * 100 - cents) < 1e-6) fen = cents;
  } else if (typeof value === 'string') {
    const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(value.trim().replace(/^[¥￥]\s*/, '').replace(/\s*元$/, '').replace(/,(?=\d{3}(\D|$))/g, ''));
    if (match) fen = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  }
  if (fen === undefined || fen > MAX_AMOUNT_FEN) {
    problems.push('amountYuan must be an amount in yuan (0 to 10,000,000, at most 2 decimals)');
    return undefined;
  }
  return fen;
}

/** Codes and numbers: 1-32 characters without spaces, commas or quotes, kept in upper case. */
export function codeValue(field: string, value: unknown, problems: string[]): string | undefined {
  const code = typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isInteger(value) && value >= 0 ? String(value) : '';
  if (code === '') {
    problems.push(`${field} missing`);
    return undefined;
  }
  if (!/^[^\s,，"]+$/u.test(code) || chars(code) > 32) {
    problems.push(`${field} must be 1-32 characters without spaces, commas or quotes`);
    return undefined;
  }
  return code.toUpperCase();
}

export function textValue(field: string, value: unknown, max: number, problems: string[]): string | undefined {
  if (typeof value !== 'string' || value.trim() === '' || chars(value.trim()) > max) {
    problems.push(`${field} must be 1-${max} characters`);
    return undefined;
  }
  return value.trim();
}

/** `null` or '' clears a nullable field. */
export const isClear = (value: unknown) => value === null || (typeof value === 'string' && value.trim() === '');

export function dayValue(field: string, value: unknown, problems: string[]): string | undefined {
  const day = calendarDay(value);
  if (!day) problems.push(`${field} must be a real date (YYYY-MM-DD)`);
  return day;
}

export const SKILL_SEPARATORS = /[,，、|;；\s]+/;

export function splitSkills(skills: string | null | undefined): string[] {
  return (skills ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A reference to another record by its code: `null` (or '') clears it. */
export function reference(field: string, value: unknown, problems: string[], what: string): string | null | undefined {
  if (value === undefined) return undefined;
  if (isClear(value)) return null;
  if (typeof value === 'string') return value.trim();
  problems.push(`${field} must be ${what} or null`);
  return undefined;
}
