import * as fs from 'fs';
import * as path from 'path';
import {
  extractSlots,
  parseSurveyAnswer,
  parseYesNo,
  understand,
  type Intent,
  type Understanding,
} from '../../../src/handlers/understanding';
import { figures, HELD_OUT_DIR, readBatch, type Figures, type Labelled as LabelledRow } from '../understanding/figures';

/** Thursday 2026-11-26 10:00 in Shanghai. */
const NOW = Date.parse('2026-11-26T02:00:00Z');

/** A labelled row; tunedBatch: written as a "held-out" batch N, but the rules were tuned on it since (absent: the first corpus). */
type Labelled = LabelledRow & { tunedBatch?: number };

/**
 * Two splits. The corpus (intent-corpus.json) is tuned data: the rules were written against every
 * row of it, so it guards what was fixed, not how well new wording is understood. The held-out
 * batches (fixtures/held-out/, rules in its README) were never tuned on; each is asserted against
 * its own first-run figures, recorded in fixtures/held-out/first-runs.json.
 */
const CORPUS: Labelled[] = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../../fixtures/intent-corpus.json'), 'utf8'),
);
/** A batch's first-run figures, recorded in first-runs.json (computed by ../understanding/figures.ts, the misses left out). */
type FirstRun = Omit<Figures, 'misses'>;
const FIRST_RUNS: Record<string, FirstRun> = JSON.parse(fs.readFileSync(path.join(HELD_OUT_DIR, 'first-runs.json'), 'utf8'));
const HELD_OUT = Object.entries(FIRST_RUNS).map(([file, firstRun]) => ({ file, firstRun, rows: readBatch(file) }));

const INTENTS: Intent[] = [
  'inquiry', 'complaint', 'service_request', 'status_query', 'renewal', 'human', 'faq', 'greeting', 'cancel', 'unknown',
];

const hasComplaint = (u: Understanding) => u.intent === 'complaint' || u.also.includes('complaint');

function confusionTable(rows: { expected: Intent; predicted: Intent }[]): string {
  const short = (i: Intent) => i.slice(0, 7).padStart(7);
  const lines = [`${'expected \\ predicted'.padEnd(21)}${INTENTS.map(short).join(' ')}   total`];
  for (const e of INTENTS) {
    const mine = rows.filter((r) => r.expected === e);
    const cells = INTENTS.map((p) => String(mine.filter((r) => r.predicted === p).length || '.').padStart(7));
    lines.push(`${e.padEnd(21)}${cells.join(' ')}   ${String(mine.length).padStart(5)}`);
  }
  return lines.join('\n');
}

type Scored = { c: Labelled; u: Understanding };

describe('understand() on the tuned corpus (every rule was written against it)', () => {
  const results: Scored[] = CORPUS.map((c) => ({ c, u: understand(c.text, NOW) }));
  const scored = figures(CORPUS, (text) => understand(text, NOW));
  const serious = results.filter(({ c }) => c.severity === 'serious');
  const ordinary = results.filter(({ c }) => c.severity === 'ordinary');

  it('routes at least 90 % of the messages to the labelled intent', () => {
    const right = results.filter(({ c, u }) => u.intent === c.intent).length;
    const accuracy = right / results.length;
    const misses = results
      .filter(({ c, u }) => u.intent !== c.intent)
      .map(({ c, u }) => `  ${c.intent} → ${u.intent}: ${c.text}`);
    console.log(
      `tuned corpus: intent accuracy ${right}/${results.length} = ${(accuracy * 100).toFixed(1)} %\n` +
        `${confusionTable(results.map(({ c, u }) => ({ expected: c.intent, predicted: u.intent })))}\n` +
        `misses:\n${misses.join('\n')}`,
    );
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('flags every serious incident as serious (recall 100 %)', () => {
    const missed = serious.filter(({ u }) => !(hasComplaint(u) && u.severity === 'serious')).map(({ c }) => c.text);
    expect(missed).toEqual([]);
  });

  it('over-flags no more than 15 % of ordinary complaints as serious', () => {
    const over = ordinary.filter(({ u }) => u.severity === 'serious');
    console.log(`tuned corpus: ordinary predicted serious ${over.length}/${ordinary.length}:\n${over.map(({ c }) => `  ${c.text}`).join('\n')}`);
    expect(over.length / ordinary.length).toBeLessThanOrEqual(0.15);
  });

  it.each([
    // floors a little under what the rules reach today, so a rule change that loses ground fails
    ['category', 0.92],
    ['requestKind', 0.97],
    ['faqTopic', 0.9],
  ] as const)('gives the labelled %s on at least %f of the rows labelled with one', (label, floor) => {
    const score = scored[label];
    console.log(`tuned corpus: ${label} ${score.right}/${score.of}\n${scored.misses.filter((m) => m.startsWith(`${label} `)).map((m) => `  ${m}`).join('\n')}`);
    expect(score.of).toBeGreaterThan(0);
    expect(score.right / score.of).toBeGreaterThanOrEqual(floor);
  });

  it('gives the labelled severity on at least 98 % of the complaints labelled with one', () => {
    const score = scored.severity;
    expect(score.right / score.of).toBeGreaterThanOrEqual(0.98);
  });

  it('keeps the second thing a message asks for in also, on at least 80 % of the rows labelled with one', () => {
    const labelled = results.filter(({ c }) => c.also);
    const right = labelled.filter(({ c, u }) => c.also!.every((a) => u.also.includes(a))).length;
    expect(right / labelled.length).toBeGreaterThanOrEqual(0.8);
  });
});

describe.each(HELD_OUT)('understand() on the held-out $file (never tuned on; floors = its first run)', ({ firstRun, rows }) => {
  const now = figures(rows, (text) => understand(text, NOW));

  it('is the batch whose first run was recorded', () => {
    // a batch edited after its first run would make the recorded figures meaningless
    expect(now.rows).toBe(firstRun.rows);
    expect(now.seriousRecall.of).toBe(firstRun.seriousRecall.of);
  });

  it('routes no fewer messages to the labelled intent than on its first run', () => {
    console.log(`held-out: intent ${now.intent.right}/${now.intent.of} (first run ${firstRun.intent.right}/${firstRun.intent.of})`);
    expect(now.intent.right).toBeGreaterThanOrEqual(firstRun.intent.right);
  });

  it('flags no fewer serious incidents, and over-flags no more ordinary ones, than on its first run', () => {
    expect(now.seriousRecall.right).toBeGreaterThanOrEqual(firstRun.seriousRecall.right);
    expect(now.ordinaryFlaggedSerious.wrong).toBeLessThanOrEqual(firstRun.ordinaryFlaggedSerious.wrong);
  });

  it('gives no fewer secondary labels (category, request kind, FAQ topic, severity) than on its first run', () => {
    for (const label of ['category', 'requestKind', 'faqTopic', 'severity'] as const) {
      expect({ label, right: now[label].right >= firstRun[label].right, of: now[label].of }).toEqual({ label, right: true, of: firstRun[label].of });
    }
  });
});

describe('negation and hypotheticals', () => {
  const u = (text: string) => understand(text, NOW);

  it('does not read a denied complaint as a complaint', () => {
    expect(u('不是投诉，就是问问价格')).toMatchObject({ intent: 'faq', faqTopic: 'price' });
    expect(u('不是投诉，就是问问价格').also).not.toContain('complaint');
    expect(u('我不是要投诉，阿姨人挺好').intent).not.toBe('complaint');
  });

  it('does not read "nothing was lost" as theft', () => {
    const r = u('没有丢东西，我就是问问你们阿姨都做过背景调查吗');
    expect(r.intent).toBe('faq');
    expect(r.severity).toBeUndefined();
  });

  it('still counts "不小心" (carelessly) as an incident', () => {
    expect(u('阿姨不小心把孩子烫伤了')).toMatchObject({ intent: 'complaint', severity: 'serious', category: 'injury' });
  });

  it('reads a policy question with 如果 as a question, a threat with 要是 as a report', () => {
    expect(u('如果阿姨在我家受伤了，责任谁来承担？').intent).toBe('faq');
    expect(u('要是戒指再找不到我就报警')).toMatchObject({ intent: 'complaint', severity: 'serious' });
  });

  it('takes a bare 投诉 as an ordinary complaint of category other', () => {
    expect(u('我要投诉')).toMatchObject({ intent: 'complaint', severity: 'ordinary', category: 'other' });
    expect(u('投诉')).toMatchObject({ intent: 'complaint', severity: 'ordinary', category: 'other' });
  });
});

describe('no false alarms on everyday remarks about the housekeeper', () => {
  // A serious flag pages the CS manager at once (R-CP-4): neutral news and praise must not raise it.
  it.each([
    '阿姨今天带孩子去公园了', '保姆把孩子哄睡了', '阿姨帮我把衣服洗了', '阿姨做的红烧肉孩子很爱吃',
    '阿姨的手机号是多少', '阿姨下周回老家', '阿姨很好，谢谢你们', '宝宝脸上长了湿疹，月嫂懂护理吗',
  ])('does not read %s as a complaint', (text) => {
    const r = understand(text, NOW);
    expect(r.intent).not.toBe('complaint');
    expect(r.severity).toBeUndefined();
  });
});

describe('mixed messages', () => {
  const u = (text: string) => understand(text, NOW);

  it('makes a complaint with a remedy a complaint, the remedy in also', () => {
    expect(u('阿姨态度太差了，我要换人')).toMatchObject({
      intent: 'complaint', severity: 'ordinary', category: 'attitude', also: ['service_request'], requestKind: 'replacement',
    });
  });

  it('keeps a plain replacement request a service request', () => {
    expect(u('想换个阿姨，孩子大了需要育儿嫂')).toMatchObject({ intent: 'service_request', requestKind: 'replacement' });
  });

  it('keeps the question of a complaint-plus-question message in also', () => {
    const r = u('钟点工今天迟到了半个小时，请问迟到的时间是怎么算钱的？');
    expect(r).toMatchObject({ intent: 'complaint', category: 'lateness', faqTopic: 'price' });
    expect(r.also).toContain('faq');
  });

  it('routes a progress question about a theft as status, still flagged serious', () => {
    const r = u('之前丢首饰的事，警察那边有消息了吗');
    expect(r.intent).toBe('status_query');
    expect(r.also).toContain('complaint');
    expect(r.severity).toBe('serious');
  });

  it('routes a redo of poor work as the redo, with the complaint in also', () => {
    const r = u('钟点工没打扫干净，卫生间还是脏的，让她回来重新打扫');
    expect(r).toMatchObject({ intent: 'service_request', requestKind: 'redo', category: 'quality' });
    expect(r.also).toContain('complaint');
  });

  it('treats an injury that is the reason for a lead as the lead, keeping the flag', () => {
    const r = u('我爸摔了一跤骨折了，想找个护工照顾他');
    expect(r).toMatchObject({ intent: 'inquiry', severity: 'serious' });
    expect(r.also).toContain('complaint');
  });

  it('does not list greetings in also', () => {
    expect(u('你好，我想找个月嫂')).toMatchObject({ intent: 'inquiry', also: [] });
  });
});

describe('extractSlots()', () => {
  const slots = (text: string) => extractSlots(text, NOW);

  it('finds and normalises mainland mobile numbers', () => {
    expect(slots('电话13800138000').phone).toBe('13800138000');
    expect(slots('电话 138-0013-8000').phone).toBe('13800138000');
    expect(slots('+86 139 1234 5678').phone).toBe('13912345678');
    expect(slots('联系电话：１５８１１１１２２２２').phone).toBe('15811112222'); // full-width digits
  });

  it('rejects numbers that are not valid mobiles', () => {
    expect(slots('12012345678').phone).toBeUndefined(); // second digit 2
    expect(slots('1380013800').phone).toBeUndefined(); // 10 digits
    expect(slots('订单号13800138000123').phone).toBeUndefined(); // part of a longer number
    expect(slots('工单号20261120003').phone).toBeUndefined();
  });

  it('finds names', () => {
    expect(slots('我叫王芳，想找个月嫂').name).toBe('王芳');
    expect(slots('张女士，需要保姆').name).toBe('张女士');
    expect(slots('我是李先生').name).toBe('李先生');
    expect(slots('我姓王，先生').name).toBe('王先生');
    expect(slots('我姓王').name).toBe('王先生/女士');
    expect(slots('联系人：赵敏').name).toBe('赵敏');
    expect(slots('王阿姨做饭很好吃').name).toBeUndefined(); // 王阿姨 is the housekeeper
  });

  it('finds districts and addresses', () => {
    expect(slots('我在海淀区，需要育儿嫂').district).toBe('海淀区');
    expect(slots('我家在通州').district).toBe('通州区');
    expect(slots('浦东张江').district).toBe('浦东新区');
    expect(slots('上海市徐汇区漕溪北路88号').district).toBe('徐汇区');
    expect(slots('我们小区3号楼').district).toBeUndefined(); // 小区 is not a district
    const s = slots('我家住朝阳区望京西园三区312号楼2单元501，需要一个做饭阿姨');
    expect(s).toMatchObject({ district: '朝阳区', address: '朝阳区望京西园三区312号楼2单元501', serviceType: '做饭阿姨' });
    expect(slots('地址是静安区南京西路1266号').address).toBe('静安区南京西路1266号');
    expect(slots('阿姨在路上了').address).toBeUndefined();
  });

  it.each([
    ['想找个保姆', '住家保姆'], ['住家阿姨', '住家保姆'], ['坐月子', '月嫂'], ['预产期3月', '月嫂'],
    ['找人带娃', '育儿嫂'], ['帮忙带孩子', '育儿嫂'], ['小时工', '钟点工'], ['钟点工', '钟点工'],
    ['照顾老人', '老人陪护'], ['护工', '老人陪护'], ['住院需要护工', '病人陪护'], ['医院陪床', '病人陪护'],
    ['打扫卫生', '保洁'], ['开荒', '保洁'], ['深度保洁', '保洁'], ['做饭阿姨', '做饭阿姨'],
  ])('maps %s to the service type %s', (text, type) => {
    expect(slots(text).serviceType).toBe(type);
  });

  it.each([
    ['明天', '2026-11-27'], ['后天', '2026-11-28'], ['大后天', '2026-11-29'], ['下周一', '2026-11-30'],
    ['下礼拜三', '2026-12-02'], ['这周六', '2026-11-28'], ['下个月1号', '2026-12-01'], ['12月5日', '2026-12-05'],
    ['十二月五号', '2026-12-05'], ['2026-12-05', '2026-12-05'], ['预产期3月5号', '2027-03-05'], ['12月底', '2026-12-31'],
    ['5号上岗', '2026-12-05'], ['今天', '2026-11-26'],
  ])('resolves %s to %s in Shanghai', (text, date) => {
    expect(slots(text).startDate).toBe(date);
  });

  it('resolves dates in the given time zone, not the process one', () => {
    // 2026-11-26T19:00Z is 03:00 on the 27th in Shanghai but still the 26th in UTC.
    const earlyMorning = Date.parse('2026-11-26T19:00:00Z');
    expect(extractSlots('明天', earlyMorning).startDate).toBe('2026-11-28');
    expect(extractSlots('明天', earlyMorning, 'UTC').startDate).toBe('2026-11-27');
    expect(extractSlots('下周一', earlyMorning).startDate).toBe('2026-11-30');
    // chrono.zh reads 明天 written before 02:00 as the coming day (kept: people awake at 00:30
    // say 明天 for the morning ahead).
    expect(extractSlots('明天', Date.parse('2026-11-26T16:30:00Z')).startDate).toBe('2026-11-27');
  });

  it('does not take times, buildings or phone numbers for dates', () => {
    expect(slots('早8点到晚6点').startDate).toBeUndefined();
    expect(slots('3号楼2单元').startDate).toBeUndefined();
    expect(slots('13800138000').startDate).toBeUndefined();
  });
});

describe('parseSurveyAnswer()', () => {
  it.each([
    ['5分', 5], ['五星', 5], ['非常满意', 5], ['满意', 4], ['一般', 3], ['不满意', 2], ['很差', 1],
    ['3', 3], ['⭐⭐⭐⭐', 4], ['给5分', 5], ['打三分吧', 3],
  ])('reads %s as %d', (text, score) => {
    expect(parseSurveyAnswer(text)).toEqual({ score });
  });

  it('keeps the rest as the comment', () => {
    expect(parseSurveyAnswer('4分，阿姨挺好就是有点慢')).toEqual({ score: 4, comment: '阿姨挺好就是有点慢' });
    expect(parseSurveyAnswer('不太满意，做饭太咸')).toEqual({ score: 2, comment: '做饭太咸' });
  });

  it.each(['我想找月嫂', '10分', '迟到了10分钟', '0', '6', ''])('does not read %s as a survey answer', (text) => {
    expect(parseSurveyAnswer(text)).toBeUndefined();
  });
});

describe('parseYesNo()', () => {
  it.each(['是的', '对', '好的', '可以', '嗯', '嗯嗯', '好的，谢谢', 'OK', '没问题！', '行吧'])('reads %s as yes', (text) => {
    expect(parseYesNo(text)).toBe(true);
  });
  it.each(['不是', '不用', '不用了谢谢', '算了', '算了吧', '不要', '不需要'])('reads %s as no', (text) => {
    expect(parseYesNo(text)).toBe(false);
  });
  it.each(['我再想想', '明天来吗', '', '好像不对'])('does not read %s as yes or no', (text) => {
    expect(parseYesNo(text)).toBeUndefined();
  });
});

describe('bad and unusual input', () => {
  const u = (text: string) => understand(text, NOW);

  it('answers unknown for empty, blank and emoji-only text', () => {
    for (const text of ['', '   ', '\n\t', '😂😂😂', '？？？']) expect(u(text)).toMatchObject({ intent: 'unknown', also: [] });
  });

  it('answers unknown for a phone number alone, keeping the number', () => {
    expect(u('13800138000')).toMatchObject({ intent: 'unknown', slots: { phone: '13800138000' } });
  });

  it('normalises traditional and full-width text', () => {
    const r = u('保姆偷了我的金錶，我要報警！');
    expect(r.normalized).toBe('保姆偷了我的金表,我要报警!');
    expect(r).toMatchObject({ intent: 'complaint', severity: 'serious', category: 'theft' });
    expect(u('ｗｏ ｙａｏ ｔｏｕｓｕ').normalized).toBe('wo yao tousu');
  });

  it('understands only unmistakable English (documented policy)', () => {
    expect(u('Can I pay with credit card?').intent).toBe('unknown');
    expect(u('I want to make a complaint about the nanny')).toMatchObject({ intent: 'complaint', severity: 'ordinary' });
    expect(u('The nanny stole my necklace')).toMatchObject({ intent: 'complaint', severity: 'serious', category: 'theft' });
    expect(u('please let me talk to a person').intent).toBe('human');
    expect(u('hello').intent).toBe('greeting');
  });

  it('returns for 2,000-character inputs, including adversarial repetition', () => {
    const inputs = [
      '阿姨'.repeat(1000),
      '1'.repeat(2000),
      '不'.repeat(2000),
      ('我想找个月嫂，预产期明年三月，阿姨态度很差，偷了我的钱，电话13800138000，').repeat(50).slice(0, 2000),
      'a '.repeat(1000),
    ];
    // repetition of one word, digits or a letter carries no request: unknown, nothing extracted
    for (const text of [inputs[0], inputs[1], inputs[2], inputs[4]]) {
      const r = u(text);
      expect({ intent: r.intent, also: r.also, slots: r.slots }).toEqual({ intent: 'unknown', also: [], slots: {} });
    }
    // a real message repeated is still read for what it says, its slots kept
    expect(u(inputs[3])).toMatchObject({ intent: 'complaint', severity: 'serious', slots: { phone: '13800138000' } });
  });
});
