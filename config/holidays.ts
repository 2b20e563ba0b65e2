/**
 * Public holidays and make-up workdays (调休) for years the chinese-days package does not know
 * yet. The State Council announces the next year's calendar in late autumn; until the package
 * ships it, put the announced days here (or in the file named by HOLIDAYS_FILE, same shape).
 */
export interface YearCalendar {
  /** Days off that would otherwise be workdays (YYYY-MM-DD). */
  holidays: string[];
  /** Weekend days that are workdays (调休上班). */
  workdays: string[];
}

export const HOLIDAY_OVERRIDES: Record<string, YearCalendar> = {};
