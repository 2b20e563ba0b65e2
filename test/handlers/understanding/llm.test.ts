import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Customer, Ticket } from '../../../src/entities';
import { applyAdvice, parseAdvice, understand, type Understanding } from '../../../src/handlers/understanding';
import { describeEachDatabase } from '../../support/databases';
import { customerSays } from '../../support/chat';
import { startBot, TestClock, type RunningBot } from '../../support/harness';

/**
 * The optional language model (issue 14, item 5) against a local fake chat-completions endpoint
 * over a real socket: it is asked only about unsure messages, its answer may raise but never lower,
 * and whatever goes wrong with it (garbage, a refusal, a 500, a slow answer) the customer is
 * answered as the rules would have answered.
 */

const THURSDAY_10_AM = Date.parse('2026-11-26T02:00:00Z');
/** The classifier hesitates between a booking and a request (test/handlers/intake/clarify.test.ts). */
const UNSURE = '周末钟点工安排下';
const SURE = '阿姨今天没来也没说';

type Behaviour = (res: ServerResponse) => void;
const answer = (content: unknown): Behaviour => (res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: typeof content === 'string' ? content : JSON.stringify(content) } }] }));
};

class FakeModel {
  private server: Server | undefined;
  behaviour: Behaviour = answer({ intent: 'unknown' });
  readonly asked: { model: string; user: string; auth?: string }[] = [];
  private readonly pending = new Set<ServerResponse>();

  async start(): Promise<string> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const parsed = JSON.parse(body) as { model: string; messages: { role: string; content: string }[] };
        this.asked.push({ model: parsed.model, user: parsed.messages.find((m) => m.role === 'user')!.content, auth: req.headers.authorization });
        this.pending.add(res);
        res.on('close', () => this.pending.delete(res));
        this.behaviour(res);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    for (const res of this.pending) res.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

describeEachDatabase('the optional language model', ({ db, skipped }) => {
  const fake = new FakeModel();
  let withLlm: RunningBot;
  let without: RunningBot;
  let n = 0;
  const openid = () => `o_llm_${n++}`;

  beforeAll(async () => {
    if (skipped()) return;
    const baseUrl = await fake.start();
    withLlm = await startBot(db(), { clock: new TestClock(THURSDAY_10_AM), env: { LLM_BASE_URL: baseUrl, LLM_API_KEY: 'sk-test', LLM_MODEL: 'qwen-test', LLM_TIMEOUT_MS: '300' } });
    without = await startBot(db(), { clock: new TestClock(THURSDAY_10_AM) });
  });
  afterAll(async () => {
    await withLlm?.stop();
    await without?.stop();
    await fake.stop();
  });

  const ticketsOf = async (externalId: string) => {
    const customer = await db().reader.findOneByOrFail(Customer, { externalId });
    return db().reader.find(Ticket, { where: { customerId: customer.id }, order: { id: 'ASC' } });
  };

  it('is asked about an unsure message only, and its serious complaint becomes a serious case', async () => {
    if (skipped()) return;
    const asked = fake.asked.length;
    fake.behaviour = answer({ intent: 'complaint', complaint: true, severity: 'serious', category: 'injury' });
    await customerSays(withLlm, openid(), SURE);
    expect(fake.asked.length).toBe(asked); // sure: nobody asked
    const me = openid();
    const reply = await customerSays(withLlm, me, UNSURE);
    expect(fake.asked.slice(asked)).toEqual([{ model: 'qwen-test', user: UNSURE, auth: 'Bearer sk-test' }]);
    expect(reply).toBeTruthy();
    const [ticket] = await ticketsOf(me);
    expect(ticket).toMatchObject({ kind: 'complaint', severity: 'serious' });
    expect(withLlm.logs.text()).not.toContain(UNSURE);
  });

  it.each<[string, Behaviour]>([
    ['garbage', (res) => res.end('{"choices": [ not json')],
    ['a refusal', (res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: null, refusal: '抱歉，我无法协助。' } }] })); }],
    ['a 500', (res) => { res.writeHead(500); res.end('upstream error'); }],
    ['an answer off the schema', answer({ intent: 'complaint', severity: 'catastrophic' })],
    ['prose instead of JSON', answer('这位客户应该是在投诉。')],
    ['a slow answer past the timeout', (res) => { setTimeout(() => answer({ intent: 'complaint', severity: 'serious' })(res), 2000).unref(); }],
  ])('after %s the customer gets the rules’ answer', async (_what, behaviour) => {
    if (skipped()) return;
    fake.behaviour = behaviour;
    const asked = fake.asked.length;
    const me = openid();
    const reply = await customerSays(withLlm, me, UNSURE);
    expect(fake.asked.length).toBe(asked + 1);
    const expected = await customerSays(without, openid(), UNSURE);
    expect(reply).toBe(expected);
    expect(reply).toBeTruthy();
    expect(await ticketsOf(me)).toEqual([]);
  });

  it('with LLM_BASE_URL unset nothing is asked', async () => {
    if (skipped()) return;
    const asked = fake.asked.length;
    expect(without.config.llm).toBeUndefined();
    expect(await customerSays(without, openid(), UNSURE)).toBeTruthy();
    expect(fake.asked.length).toBe(asked);
  });
});

describe('what an answer may change', () => {
  const base = (u: Partial<Understanding>): Understanding => ({ ...understand('随便说点什么', THURSDAY_10_AM, undefined, null), ...u });

  it('never lowers a serious complaint nor drops one', () => {
    const serious = base({ intent: 'complaint', severity: 'serious', category: 'theft', unsure: { reason: 'floor' } });
    expect(applyAdvice(serious, { intent: 'greeting', complaint: false, severity: 'ordinary', category: 'other' })).toMatchObject({ intent: 'complaint', severity: 'serious', category: 'theft' });
    const ordinary = base({ intent: 'complaint', severity: 'ordinary', category: 'quality', unsure: { reason: 'harm' } });
    const after = applyAdvice(ordinary, { intent: 'inquiry', complaint: false, severity: 'ordinary' });
    expect(after).toMatchObject({ intent: 'complaint', severity: 'ordinary', unsure: { reason: 'harm' } });
    const alongside = base({ intent: 'service_request', also: ['complaint'], severity: 'ordinary', unsure: { reason: 'between', between: ['service_request', 'inquiry'] } });
    expect(applyAdvice(alongside, { intent: 'inquiry', complaint: false }).also).toContain('complaint');
  });

  it('settles an unsure intent, adds a complaint, raises severity', () => {
    const floor = base({ intent: 'unknown', unsure: { reason: 'floor' } });
    expect(applyAdvice(floor, { intent: 'status_query' })).toMatchObject({ intent: 'status_query', unsure: undefined, decidedBy: 'llm' });
    expect(applyAdvice(floor, { intent: 'unknown', complaint: true, severity: 'serious', category: 'property_damage' })).toMatchObject({ intent: 'complaint', severity: 'serious', category: 'property_damage' });
    const harm = base({ intent: 'complaint', severity: 'ordinary', category: 'quality', unsure: { reason: 'harm' } });
    expect(applyAdvice(harm, { intent: 'complaint', severity: 'serious', category: 'injury' })).toMatchObject({ severity: 'serious', category: 'injury', unsure: undefined });
  });

  it('reads only JSON that fits the schema', () => {
    expect(parseAdvice('```json\n{"intent":"complaint","severity":"serious"}\n```')).toEqual({ intent: 'complaint', severity: 'serious' });
    expect(parseAdvice('{"intent":"complain"}')).toBeNull();
    expect(parseAdvice('{"intent": ')).toBeNull();
    expect(parseAdvice(null)).toBeNull();
  });
});
