import { InboundMessage, OutboxMessage } from '../../src/entities';
import type { Handler } from '../../src/handlers/ports';
import { describeEachDatabase } from '../support/databases';
import { startBot, type RunningBot } from '../support/harness';
import { oaSafeRequest, oaText, openReply, wecomRequest, wecomText, type SignedRequest } from '../support/wx';

/**
 * A retry storm (R-IN-1, PROTOCOL.md §5): WeChat and WeCom resend a callback they think was lost,
 * up to three deliveries in all. Here 200 distinct messages arrive three times each, the copies
 * at the same moment, 600 requests over 50 client connections: every message is stored once,
 * handled once, all three copies get the same answer, and the customer gets the reply exactly
 * once — passively, or through the outbox when the reply budget ran out on a slow machine. How
 * many are answered passively and how fast is measured by `npm run bench` (bench/timing.ts), not
 * asserted here.
 */

const MESSAGES = 200;
const COPIES = 3;
const CLIENT_CONCURRENCY = 50;

/**
 * Counts its runs and puts the run number in its reply (a second run would show in the text). It
 * also queues one outbound message in the handler's transaction, whose dedup key names the
 * inbound row: a second run would find it there. The real dialogue is not the subject here
 * (and its cost would only make the test slower).
 */
function numberedHandler(): Handler & { runs: number } {
  const handler = (async (ctx) => {
    const run = ++handler.runs;
    const text = ctx.event.type === 'text' ? ctx.event.text : ctx.event.type;
    ctx.reply(`收到（${text.length}字）[run ${run}]`);
    ctx.send({ type: 'text', to: { platform: ctx.event.platform, id: ctx.event.from }, text: `回执 [run ${run}]` });
  }) as Handler & { runs: number };
  handler.runs = 0;
  return handler;
}

async function withConcurrency<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

describeEachDatabase('retry storm', ({ db, skipped }) => {
  let running: RunningBot;
  let handler: ReturnType<typeof numberedHandler>;

  beforeAll(async () => {
    if (skipped()) return;
    handler = numberedHandler();
    // the longest reply budget allowed, so most answers are passive; a late one is an empty
    // acknowledgement with the reply through the outbox, which the test accepts as correct too
    running = await startBot(db(), { handler, env: { WEBHOOK_REPLY_BUDGET_MS: '4500' } });
  });
  afterAll(async () => running?.stop());

  it(`${MESSAGES} messages delivered ${COPIES} times at once: ${MESSAGES} rows, ${MESSAGES} handler runs, identical replies`, async () => {
    if (skipped()) return;
    // half customers on the Official Account, half staff in WeCom; every sender distinct
    const messages: { platform: 'wechat' | 'wecom'; sender: string; request: SignedRequest }[] = Array.from({ length: MESSAGES }, (_, i) =>
      i % 2 === 0
        ? { platform: 'wechat', sender: `o_storm_${i}`, request: oaSafeRequest(oaText(`o_storm_${i}`, i % 4 === 0 ? '你好，我想请一个保洁阿姨' : '你们的收费标准是怎样的？')) }
        : { platform: 'wecom', sender: `storm_member_${i}`, request: wecomRequest(wecomText(`storm_member_${i}`, '你好')) },
    );
    // the copies of one message are next to each other, so they are in flight together
    const deliveries = messages.flatMap((message, index) => Array.from({ length: COPIES }, () => ({ index, message })));
    const rowsBefore = await db().reader.count(InboundMessage);
    const dispatcherRunsBefore = running.bot.dispatcher.handlerRuns;

    const answers = await withConcurrency(deliveries, CLIENT_CONCURRENCY, async ({ index, message }) => {
      const response = await running.post(message.request.path, message.request.body);
      return { index, platform: message.platform, ...response };
    });

    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    // a passive reply, or null for the empty acknowledgement given when the budget ran out
    const answersByMessage = new Map<number, (string | null)[]>();
    for (const answer of answers) {
      const plain = answer.text === 'success' || answer.text === '' ? null : openReply(answer.text, answer.platform);
      answersByMessage.set(answer.index, [...(answersByMessage.get(answer.index) ?? []), plain]);
    }
    expect(answersByMessage.size).toBe(MESSAGES);
    const differing = [...answersByMessage].filter(([, replies]) => replies.length !== COPIES || new Set(replies).size !== 1);
    expect(differing).toEqual([]);
    // the reply reached each sender exactly once: in the passive answer, or else queued in the outbox
    const queued = (await db().reader.find(OutboxMessage)).filter((row) => row.recipient.startsWith('o_storm_') || row.recipient.startsWith('storm_member_'));
    const queuedTexts = (sender: string) => queued.filter((row) => row.recipient === sender).map((row) => JSON.stringify(row.payload));
    const replyOf = (index: number): string | undefined => {
      const passive = answersByMessage.get(index)![0];
      const late = queuedTexts(messages[index].sender).filter((text) => text.includes('收到'));
      if (passive !== null) return late.length === 0 ? passive : undefined;
      return late.length === 1 ? late[0] : undefined;
    };
    const replies = messages.map((_, index) => replyOf(index));
    expect(messages.filter((_, index) => replies[index] === undefined).map((m) => m.sender)).toEqual([]);
    // each reply names the one run that produced it, and no run number appears twice
    const runNumbers = replies.map((reply) => /\[run (\d+)]/.exec(reply!)?.[1]);
    expect(runNumbers.every(Boolean)).toBe(true);
    expect(new Set(runNumbers).size).toBe(MESSAGES);

    expect(await db().reader.count(InboundMessage)).toBe(rowsBefore + MESSAGES);
    const stored = await db().reader.find(InboundMessage, { order: { id: 'ASC' } });
    const storm = stored.filter((row) => row.sender.startsWith('o_storm_') || row.sender.startsWith('storm_member_'));
    expect(storm).toHaveLength(MESSAGES);
    expect(new Set(storm.map((row) => row.sender)).size).toBe(MESSAGES);
    expect(storm.every((row) => row.status === 'done' && row.attempts === 1)).toBe(true);
    expect(handler.runs).toBe(MESSAGES);
    expect(running.bot.dispatcher.handlerRuns - dispatcherRunsBefore).toBe(MESSAGES);
    // one receipt per message: a second run would have queued a second one
    const receipts = queued.filter((row) => JSON.stringify(row.payload).includes('回执'));
    expect(receipts).toHaveLength(MESSAGES);
    expect(new Set(receipts.map((row) => row.recipient)).size).toBe(MESSAGES);
    // 600 signed requests and their handler runs: a long test on a busy machine, not a timed one
  }, 120_000);
});
