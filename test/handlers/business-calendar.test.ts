import { BusinessCalendar } from '../../src/handlers/calendar';

const WINDOWS = ['09:00-12:00', '13:30-18:00'];
const at = (local: string) => Date.parse(`${local}+08:00`);

describe('business calendar', () => {
  const calendar = new BusinessCalendar('Asia/Shanghai');

  it('counts working time with the lunch pause', () => {
    expect(calendar.workingMs(at('2026-11-26T11:00:00'), at('2026-11-26T14:30:00'), WINDOWS)).toBe(2 * 3600_000);
    expect(calendar.addWorkingHours(at('2026-11-26T11:00:00'), 2, WINDOWS)).toBe(at('2026-11-26T14:30:00'));
  });

  it('skips weekends: 8 working hours from Friday 11:00 end on Monday', () => {
    // Friday: 1 h before lunch + 4.5 h after = 5.5 h; Monday 09:00 + 2.5 h (lunch pause after 3 h) = 11:30
    expect(calendar.addWorkingHours(at('2026-11-27T11:00:00'), 8, WINDOWS)).toBe(at('2026-11-30T11:30:00'));
  });

  it('knows public holidays and make-up workdays from chinese-days (National Day 2026)', () => {
    const day = (d: string) => at(`${d}T00:00:00`);
    expect(calendar.isWorkday(day('2026-10-01'))).toBe(false); // 国庆节
    expect(calendar.isWorkday(day('2026-10-10'))).toBe(true); // Saturday, 调休 workday
    expect(calendar.addWorkingHours(at('2026-09-30T17:00:00'), 2, WINDOWS)).toBe(at('2026-10-08T10:00:00')); // Oct 1-7 off
  });

  it('uses the configured override for a year the package does not know, and says so otherwise', () => {
    const warnings: unknown[] = [];
    const log = { warn: (...args: unknown[]) => warnings.push(args) } as never;
    const overridden = new BusinessCalendar('Asia/Shanghai', log, { '2027': { holidays: ['2027-10-01'], workdays: ['2027-10-09'] } });
    expect(overridden.isWorkday(at('2027-10-01T00:00:00'))).toBe(false); // a Friday, off by override
    expect(overridden.isWorkday(at('2027-10-09T00:00:00'))).toBe(true); // a Saturday, worked
    // the first year the installed chinese-days has no data for (read from the package, so the
    // test keeps its meaning when a newer package ships next year's calendar)
    const data = require('chinese-days/dist/chinese-days.json') as { holidays: Record<string, string> };
    const unknown = Math.max(...Object.keys(data.holidays).map((d) => Number(d.slice(0, 4)))) + 1;
    const days = Array.from({ length: 7 }, (_, i) => `${unknown}-03-${String(9 + i).padStart(2, '0')}`);
    const weekday = (d: string) => new Date(`${d}T12:00:00Z`).getUTCDay();
    const plain = new BusinessCalendar('Asia/Shanghai', log);
    expect(days.map((d) => plain.isWorkday(at(`${d}T00:00:00`)))).toEqual(days.map((d) => weekday(d) !== 0 && weekday(d) !== 6));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0])).toContain(String(unknown));
  });
});
