import { Customer, Lead, Ticket } from '../../../src/entities';
import { understand } from '../../../src/handlers/understanding';
import { describeEachDatabase } from '../../support/databases';
import { customerSays } from '../../support/chat';
import { startBot, TestClock, type RunningBot } from '../../support/harness';

/**
 * Confidence drives the dialogue (issue 14, item 4): when the classifier hesitates between a new
 * booking and a change to the current service, the bot asks which one, instead of 「没太明白」,
 * and the answer settles what the first message asked for. End to end on SQLite and MariaDB.
 */

const THURSDAY_10_AM = Date.parse('2026-11-26T02:00:00Z');
/** Could be either: "arrange the hourly cleaner at the weekend" — a new booking, or a change to the present one? */
const AMBIGUOUS = '周末钟点工安排下';

describeEachDatabase('the separating question', ({ db, skipped }) => {
  let bot: RunningBot;
  let n = 0;
  const openid = () => `o_clarify_${n++}`;

  beforeAll(async () => {
    if (skipped()) return;
    bot = await startBot(db(), { clock: new TestClock(THURSDAY_10_AM) });
  });
  afterAll(async () => bot?.stop());

  const customerOf = (externalId: string) => db().reader.findOneByOrFail(Customer, { externalId });

  it('the committed model hesitates on the message this test uses (retraining may change that: pick another)', () => {
    expect(understand(AMBIGUOUS, THURSDAY_10_AM)).toMatchObject({ intent: 'unknown', unsure: { reason: 'between', between: expect.arrayContaining(['inquiry', 'service_request']) } });
  });

  it('asks whether it is a new booking or a change, and a lead follows the answer 「预约新的」', async () => {
    if (skipped()) return;
    const me = openid();
    const question = await customerSays(bot, me, AMBIGUOUS);
    expect(question).toMatch(/^您是想(预约新的服务|调整现在的服务)，还是(预约新的服务|调整现在的服务)？$/);
    expect(question).not.toContain('没太明白');
    const next = await customerSays(bot, me, '预约新的');
    expect(next).toContain('钟点工');
    expect(next).toContain('哪个区');
    const leads = await db().reader.find(Lead, { where: { customerId: (await customerOf(me)).id } });
    expect(leads).toHaveLength(1);
    // the lead records what the customer first wrote, not the answer to the question
    expect(leads[0].need).toBe(AMBIGUOUS);
  });

  it('opens a service request when the answer is 「调整现在的」', async () => {
    if (skipped()) return;
    const me = openid();
    await customerSays(bot, me, AMBIGUOUS);
    await customerSays(bot, me, '调整现在的');
    const tickets = await db().reader.find(Ticket, { where: { customerId: (await customerOf(me)).id } });
    expect(tickets.map((t) => t.kind)).toEqual(['service_request']);
    expect(tickets[0].summary).toBe(AMBIGUOUS);
  });

  it('takes an answer that picks neither as a message of its own', async () => {
    if (skipped()) return;
    const me = openid();
    await customerSays(bot, me, AMBIGUOUS);
    expect(await customerSays(bot, me, '转人工')).toContain('人工客服');
  });
});
