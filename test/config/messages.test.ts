import { MESSAGE_PARTS, MESSAGES } from '../../config/messages.zh-CN';
import { isMessageKey, MessageError, placeholdersOf, say } from '../../config/say';

/**
 * The catalogue of words (issue 12, item 4): every key belongs to one room's part, no text is
 * empty, placeholders are well formed, and say() refuses to show a text with a hole in it.
 */

describe('the message catalogue', () => {
  it('holds texts, each part with keys named after it, no key claimed twice', () => {
    const seen = new Map<string, string>();
    const misplaced: string[] = [];
    const twice: string[] = [];
    for (const [part, texts] of Object.entries(MESSAGE_PARTS)) {
      for (const key of Object.keys(texts)) {
        if (!key.startsWith(`${part}.`)) misplaced.push(`${part}: ${key}`);
        if (seen.has(key)) twice.push(`${key} (${seen.get(key)} and ${part})`);
        seen.set(key, part);
      }
    }
    expect(misplaced).toEqual([]);
    expect(twice).toEqual([]);
    expect(seen.size).toBe(Object.keys(MESSAGES).length);
    expect(seen.size).toBeGreaterThan(0);
  });

  it('has no empty text and no stray brace that is not a {placeholder}', () => {
    const bad = Object.entries(MESSAGES).filter(([, text]) => {
      const s = text as string;
      return s.trim() === '' || /[{}]/.test(s.replace(/\{[A-Za-z][A-Za-z0-9_]*\}/g, ''));
    });
    expect(bad).toEqual([]);
  });

  it('fills named placeholders and refuses a missing one at run time', () => {
    expect(placeholdersOf('编号 {caseNo}，{time}前；再次 {caseNo}')).toEqual(['caseNo', 'time']);
    expect(say('common.role.gm')).toBe('总经理');
    // A key built from data is checked before use; an unknown one throws rather than showing the key.
    expect(isMessageKey('common.role.gm')).toBe(true);
    expect(isMessageKey('common.role.nobody')).toBe(false);
    expect(() => (say as (key: string) => string)('common.role.nobody')).toThrow(MessageError);
    const filled = say('cases.sla.overdue', { kind: '投诉', reference: 'TS202611260001', step: '门店调查', role: '门店经理', names: '王店长' });
    expect(filled).toBe('超时提醒：投诉 TS202611260001「门店调查」已超时（负责：门店经理 王店长），请督促处理。');
    const loose = say as (key: string, params: Record<string, unknown>) => string;
    expect(() => loose('cases.sla.overdue', { kind: '投诉', reference: 'TS1', step: '门店调查', role: '门店经理' })).toThrow(/cases\.sla\.overdue.*\{names\}/);
  });

  it('is checked by the compiler: an unknown key or a missing placeholder does not type-check', () => {
    // These lines are compiled by `tsc --noEmit -p .`: if say() stopped checking, @ts-expect-error would fail the build.
    const attempts = [
      // @ts-expect-error an unknown key
      () => say('cases.no.such.key'),
      // @ts-expect-error {name} left out
      () => say('cases.sla.overdue', { kind: '投诉', reference: 'TS1', step: 'x', role: 'y' }),
      // @ts-expect-error a text with placeholders called without any
      () => say('cases.sla.overdue'),
    ];
    for (const attempt of attempts) expect(attempt).toThrow(MessageError);
  });
});
