import { zoneOffsetMs } from '../../src/lib/zone-offset';

/** The zone offset kept per quarter hour (src/lib/zone-offset.ts) against Intl itself, through DST changes. */
function intlOffset(at: number, timeZone: string): number {
  const p: Record<string, string> = {};
  for (const part of new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(at)) p[part.type] = part.value;
  return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - Math.floor(at / 1000) * 1000;
}

describe('zone offsets kept per quarter hour', () => {
  it.each([
    ['Asia/Shanghai', Date.UTC(2026, 9, 1, 0, 0)],
    ['America/New_York', Date.UTC(2026, 2, 8, 5, 0)], // 02:00 local → 03:00, at 07:00 UTC
    ['Europe/Berlin', Date.UTC(2026, 9, 25, 0, 0)], // 03:00 local → 02:00, at 01:00 UTC
    ['Australia/Lord_Howe', Date.UTC(2026, 3, 4, 13, 0)], // a half-hour change
  ])('%s agrees with Intl minute by minute across a day', (zone, from) => {
    for (let at = from; at < from + 24 * 3600_000; at += 60_000 + 7_000) expect([zone, at, zoneOffsetMs(at, zone)]).toEqual([zone, at, intlOffset(at, zone)]);
  });
});
