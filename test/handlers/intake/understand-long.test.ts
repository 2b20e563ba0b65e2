import { understand } from '../../../src/handlers/understanding';

/**
 * Long messages (issue 19, item 10). understand() used to redo per match what only depends on the
 * text (walk the clause, test the whole message), and chrono backtracks over long numeral runs:
 * both quadratic. Speed is measured in `npm run bench`; these tests pin the results the linear
 * version must give on exactly the inputs that used to be slow, at distances only a long message
 * has (the cue thousands of characters away from its negation, hypothetical or date).
 */

/** Thursday 2026-11-26 10:00 in Shanghai. */
const NOW = Date.parse('2026-11-26T02:00:00Z');
const TOMORROW = '2026-11-27';

describe('understand() on long messages', () => {
  it('counts a real theft after 1,900 negated ones in the same run-on clause', () => {
    const u = understand(`${'没偷'.repeat(1900)}阿姨偷了我的钱`, NOW);
    expect(u).toMatchObject({ intent: 'complaint', severity: 'serious', category: 'theft' });
  });

  it('counts nothing when every one of 2,000 matches is negated', () => {
    const u = understand('不骂'.repeat(2000), NOW);
    expect(u.intent).not.toBe('complaint');
    expect(u.also).not.toContain('complaint');
  });

  it('sees a hypothetical 3,000 characters before the cue in its clause, and not across a break', () => {
    const filler = '哦'.repeat(3000);
    expect(understand(`要是${filler}阿姨打了孩子怎么办`, NOW).intent).not.toBe('complaint');
    expect(understand(`要是${filler}，阿姨打了孩子怎么办`, NOW)).toMatchObject({ intent: 'complaint', severity: 'serious' });
  });

  it('applies a clause condition to a clause thousands of characters long', () => {
    // "换个阿姨…收费" asks about the fee for a replacement, not for one: unlessClause
    const sameClause = understand(`换个阿姨${'哦'.repeat(3000)}收费吗`, NOW);
    expect(sameClause.intent === 'service_request' && sameClause.requestKind === 'replacement').toBe(false);
    expect(understand(`换个阿姨${'哦'.repeat(3000)}，收费吗`, NOW)).toMatchObject({ intent: 'service_request', requestKind: 'replacement' });
  });

  it('gives the same understanding for a message and the message padded with thousands of harmless characters', () => {
    const short = '阿姨今天迟到了两个小时，孩子哭了也不管，我要投诉';
    const long = `${short}${'。'.repeat(3900)}`;
    const { normalized: _a, ...a } = understand(short, NOW);
    const { normalized: _b, ...b } = understand(long, NOW);
    expect(b).toEqual(a);
  });

  it('finds the date next to long numeral and separator runs, and never reads a run as a date', () => {
    expect(understand(`${'一二三四五六七八九十'.repeat(300)}，明天来打扫`, NOW).slots.startDate).toBe(TOMORROW);
    expect(understand(`订单号123456789012345678，明天来打扫`, NOW).slots.startDate).toBe(TOMORROW);
    expect(understand(`明天${','.repeat(3000)}来打扫`, NOW).slots.startDate).toBe(TOMORROW);
    expect(understand('1'.repeat(4000), NOW).slots.startDate).toBeUndefined();
    expect(understand('二'.repeat(4000), NOW).slots.startDate).toBeUndefined();
  });
});
