/**
 * The calendar room: time zones and wall-clock days (time.ts), plain-date arithmetic (dates.ts),
 * working hours (working-time.ts) and the business calendar with public holidays and 调休
 * (business-calendar.ts). Pure functions; it uses no other room.
 */
export { BusinessCalendar, calendarFor } from './business-calendar';
export { addDays, addMonths, chineseDate, chineseFullDate, daysBetween, wholeMonths } from './dates';
export { startOfLocalDay } from './working-time';
export { chineseDateTime, DAY_MS, dayKey, HOUR_MS, isoDay, monthKey, monthRange, previousMonth } from './time';
