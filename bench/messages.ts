import { OA, WECOM, oaSafeRequest, oaText, wecomRequest, wecomText, type SignedRequest } from '../test/support/wx';

/**
 * Distinct, properly encrypted callbacks from many simulated people, as WeChat and WeCom send
 * them. Each person follows a small script, so the real handler does real dialogue work
 * (a booking asks for the district, the phone, the name and is then given to a consultant; a
 * complaint opens a case and asks the safety question…). Messages are handed out round-robin
 * over the people, so two messages of the same person are never in flight at the same time,
 * as with real customers.
 */

export type Endpoint = '/wecom' | '/wechat';

const phone = (i: number) => `139${String(10_000_000 + (i % 90_000_000)).padStart(8, '0')}`;

const CUSTOMER_SCRIPTS: ((i: number) => string)[][] = [
  // a booking that becomes a lead for a consultant
  [() => '你好，我想请一个月嫂，下个月开始', () => '朝阳区', phone, () => '王女士', () => '查进度', () => '谢谢'],
  // a complaint: case, safety question, phone
  [() => '阿姨今天又迟到了一个多小时，我要投诉', () => '没有', phone, () => '查进度', () => '好的谢谢'],
  // after-sales: a change of worker
  [() => '我想换一个阿姨，现在这个做饭不合口味', phone, () => '你们的收费标准是怎样的？', () => '你好'],
  // questions only
  [() => '你们有育儿嫂吗？大概多少钱一个月', () => '保洁怎么收费', () => '你好', () => '查进度', () => '转人工'],
];

const SCRIPT_NAMES = ['booking', 'complaint', 'change of worker', 'questions'];

/** Staff seeded by the bench child (bench/child.ts): who may log calls, who takes leads. */
export const BENCH_STAFF = {
  logging: Array.from({ length: 3 }, (_, i) => `cs${i + 1}`),
  consultants: Array.from({ length: 10 }, (_, i) => `sales${i + 1}`),
  manager: 'mgr1',
};

export class MessageSource {
  private sent = 0;
  private msgSeq: bigint;
  /** What the message last returned by next() is, for the per-kind statement count (bench/query-count.ts). */
  lastKind = '';

  constructor(readonly endpoint: Endpoint, readonly tag: string, private readonly people = 2_000) {
    this.msgSeq = BigInt(Date.now()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1000)) * 1000n;
  }

  get count(): number {
    return this.sent;
  }

  next(): SignedRequest {
    const n = this.sent++;
    const person = n % this.people;
    const step = Math.floor(n / this.people);
    const msgId = String(this.msgSeq++);
    if (this.endpoint === '/wechat') {
      const script = CUSTOMER_SCRIPTS[person % CUSTOMER_SCRIPTS.length];
      const text = script[step % script.length](person);
      this.lastKind = step % script.length === 0 ? `customer: new inquiry (${SCRIPT_NAMES[person % CUSTOMER_SCRIPTS.length]})` : 'customer: a later message of the dialogue';
      const openid = `oBench${this.tag}${String(person).padStart(6, '0')}`;
      return oaSafeRequest(oaText(openid, text, { msgId }));
    }
    // WeCom: one message in five is a call logged by customer-service staff (a lead and a card
    // for a consultant); the others are members writing to the app and getting the help text.
    if (n % 5 === 0) {
      const who = BENCH_STAFF.logging[person % BENCH_STAFF.logging.length];
      this.lastKind = 'staff: 登记 a call (lead + card)';
      return wecomRequest(wecomText(who, `登记 张女士 ${phone(n)} 朝阳区 需要育儿嫂 来源电话`, { msgId }));
    }
    this.lastKind = person % 10 === 0 ? 'staff: a consultant writes (help)' : 'staff: a member not on the staff list writes';
    const who = person % 10 === 0 ? BENCH_STAFF.consultants[person % BENCH_STAFF.consultants.length] : `member${this.tag}${person}`;
    return wecomRequest(wecomText(who, '你好，怎么查看我的线索？', { msgId }));
  }

  /** Pre-builds `size` envelopes so that encryption is not measured as part of the load generator. */
  pool(size: number): SignedRequest[] {
    return Array.from({ length: size }, () => this.next());
  }
}

export { OA, WECOM };
