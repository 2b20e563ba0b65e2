import * as chrono from 'chrono-node';
import { zoneOffsetMs } from '../../lib/zone-offset';

export const DEFAULT_TZ = 'Asia/Shanghai';

// ───────────────────────────── dates ─────────────────────────────

interface Ymd { y: number; m: number; d: number; }

/** The wall clock in the business time zone (the calendar room keeps the zone's offset). */
function wallClock(now: number, timeZone: string): Ymd & { h: number; min: number } {
  const local = new Date(now + zoneOffsetMs(now, timeZone));
  return { y: local.getUTCFullYear(), m: local.getUTCMonth() + 1, d: local.getUTCDate(), h: local.getUTCHours(), min: local.getUTCMinutes() };
}

/** Calendar arithmetic on a plain date (UTC is only a neutral carrier here). */
function addDays(day: Ymd, n: number): Ymd {
  const t = new Date(Date.UTC(day.y, day.m - 1, day.d + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}
const isoWeekday = (day: Ymd) => ((new Date(Date.UTC(day.y, day.m - 1, day.d)).getUTCDay() + 6) % 7) + 1;
const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const fmt = (x: Ymd) => `${x.y}-${String(x.m).padStart(2, '0')}-${String(x.d).padStart(2, '0')}`;

const CN_DIGITS: Record<string, number> = { 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
/** 1..99 written as digits or in Chinese (五, 十二, 二十五). */
export function cnNumber(s: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  const [tens, ones] = s.includes('十') ? s.split('十') : ['', s];
  const t = s.includes('十') ? (tens ? CN_DIGITS[tens] ?? NaN : 1) : 0;
  return t * 10 + (ones ? CN_DIGITS[ones] ?? NaN : 0);
}
const WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, 末: 6 };
const DAY_NUM = '(\\d{1,2}|[一二三四五六七八九十]{1,3})';

type DateRule = [RegExp, (m: RegExpMatchArray, today: Ymd) => Ymd | undefined];

/** What chrono.zh does not know (后天, 下个月1号, 5号, 下下周二, 月底, 12月底). */
const DATE_RULES: DateRule[] = [
  [/大后天/, (_, t) => addDays(t, 3)],
  [/(?<!大)后天/, (_, t) => addDays(t, 2)],
  [/(下下|下|这|本)?(?:个)?(?:周|星期|礼拜)([一二三四五六日天末])/, (m, t) => {
    const weeks = m[1] === '下下' ? 2 : m[1] === '下' ? 1 : 0;
    const target = WEEKDAY[m[2]];
    let day = addDays(t, (target - isoWeekday(t)) + 7 * weeks);
    if (!m[1] && fmt(day) < fmt(t)) day = addDays(day, 7); // bare 周一 = the next one
    return day;
  }],
  [new RegExp(`(下|这|本)?个?月${DAY_NUM}[号日]`), (m, t) => {
    const next = m[1] === '下';
    const y = next && t.m === 12 ? t.y + 1 : t.y;
    const mo = next ? (t.m % 12) + 1 : t.m;
    return { y, m: mo, d: cnNumber(m[2]) };
  }],
  [new RegExp(`(?:(今年|明年)|(?<![\\d年]))${DAY_NUM}月(底|末|初|上旬|中旬|下旬|中)`), (m, t) => {
    const mo = cnNumber(m[2]);
    const y = m[1] === '明年' || (!m[1] && mo < t.m) ? t.y + 1 : t.y;
    const d = /底|末/.test(m[3]) ? daysInMonth(y, mo) : m[3] === '初' || m[3] === '上旬' ? 1 : m[3] === '下旬' ? 21 : 15;
    return { y, m: mo, d };
  }],
  [/月底/, (_, t) => ({ ...t, d: daysInMonth(t.y, t.m) })],
  [/下个?月初/, (_, t) => addDays({ ...t, d: daysInMonth(t.y, t.m) }, 1)],
  [new RegExp(`(?<![\\d月])${DAY_NUM}[号日](?!楼|院|线|门|床|房|室|机|位|店)`), (m, t) => {
    const d = cnNumber(m[1]);
    return d >= t.d ? { ...t, d } : { ...addDays({ ...t, d: daysInMonth(t.y, t.m) }, 1), d };
  }],
];

function validDay(x: Ymd | undefined): x is Ymd {
  return !!x && x.m >= 1 && x.m <= 12 && x.d >= 1 && x.d <= daysInMonth(x.y, x.m);
}

/**
 * chrono's patterns start `\d+`, `[一二三…]+` and `[\s,，]*` at every position, so a long run of
 * numerals or separators costs it time quadratic in the run (4,000 Chinese numerals ≈ 600 ms).
 * No date or time is written with more than eight numerals in a row (二〇二六年, 20261205), and
 * such a run (an ID, card or order number, a blanked phone number, a row of commas) is not a date:
 * it becomes a neutral mark of the same length, so every index stays where it was.
 */
const LONG_RUN = /[\d零〇一二两兩三四五六七八九十廿卅百千万]{9,}|[\s,，]{9,}/g;
function withoutLongRuns(text: string): string {
  return text.replace(LONG_RUN, (run) => '。'.repeat(run.length));
}

/**
 * Every pattern of chrono.zh's casual parsers (2.10: the hant casual words, ISO dates, dates with
 * 月, weekdays, times with 点/時/:, "… 后/内" deadlines) needs one of these characters; a text with
 * none of them is not given to chrono at all (it was 2 % of a message's CPU, issue 17). Exported
 * for the test that reads the parsers' patterns and holds this list to them.
 */
export const CHRONO_NEEDS = /[而立即今明前後聽昨尋琴上朝早下晏晚夜中凌月星禮週礼周點時点时:：內后内-]/;

/** chrono.zh for the rest (明天, 12月5日, 2026-12-05 …), reading only the calendar fields. */
function chronoDate(text: string, clock: ReturnType<typeof wallClock>): { index: number; day: Ymd } | undefined {
  if (!CHRONO_NEEDS.test(text)) return undefined;
  // A reference built from the Shanghai wall clock in the process zone: chrono computes in the
  // process zone, and we read back only year/month/day, so the process zone does not matter.
  // chrono.zh reads 明天 before 02:00 as the coming day (same date); we keep that.
  const ref = new Date(clock.y, clock.m - 1, clock.d, clock.h, clock.min);
  for (const r of chrono.zh.parse(withoutLongRuns(text), ref, { forwardDate: true })) {
    if (!r.start.isCertain('day') && !r.start.isCertain('weekday')) continue; // "8点" is not a date
    const day = { y: r.start.get('year') ?? clock.y, m: r.start.get('month') ?? 1, d: r.start.get('day') ?? 1 };
    if (validDay(day)) return { index: r.index, day };
  }
  return undefined;
}

/** The first date named in a text whose addresses and phone numbers are already blanked (slots.ts). */
export function firstDate(t: string, now: number, timeZone: string): string | undefined {
  const clock = wallClock(now, timeZone);
  const today: Ymd = { y: clock.y, m: clock.m, d: clock.d };
  const found: { index: number; day: Ymd }[] = [];
  for (const [re, build] of DATE_RULES) {
    const m = t.match(re);
    const day = m ? build(m, today) : undefined;
    if (m?.index !== undefined && validDay(day)) found.push({ index: m.index, day });
  }
  const c = chronoDate(t, clock);
  if (c) found.push(c);
  found.sort((a, b) => a.index - b.index);
  return found.length > 0 ? fmt(found[0].day) : undefined;
}
