/**
 * A zone's offset from UTC, kept for the quarter hour it was read in: offsets change only at
 * quarter-hour instants (every zone's offset and transition time is a multiple of 15 minutes), and
 * formatting through Intl on every call cost ~2 % of the bot's CPU under load (bench profile).
 * Shared by the calendar room and the understanding of dates, which uses no other room.
 */
const QUARTER_HOUR_MS = 900_000;
const offsets = new Map<string, { quarter: number; offsetMs: number }>();
const formatters = new Map<string, Intl.DateTimeFormat>();

export function zoneOffsetMs(at: number, timeZone: string): number {
  const quarter = Math.floor(at / QUARTER_HOUR_MS);
  const known = offsets.get(timeZone);
  if (known && known.quarter === quarter) return known.offsetMs;
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, formatter);
  }
  const p: Record<string, string> = {};
  for (const part of formatter.formatToParts(at)) p[part.type] = part.value;
  const offsetMs = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - Math.floor(at / 1000) * 1000;
  offsets.set(timeZone, { quarter, offsetMs });
  return offsetMs;
}
