import { Approval, Contract, Customer, Survey, Ticket } from '../../src/entities';
import { CHAOYANG, startFlow } from '../support/flow';
import { describeEachDatabase } from '../support/databases';
import { customerSays, staffClicks, staffSays } from '../support/chat';
import { eventually, type RunningBot, type TestClock } from '../support/harness';

/**
 * After-sales requests (R-AS-1): feedback → confirmation (warranty decided, the customer told which
 * commitment applies) → dispatch → resolution → feedback and a survey; refunds inside the
 * 15-day no-reason window are accepted without questions, later ones follow the contract.
 */

describeEachDatabase('service requests', ({ db, skipped }) => {
  let bot: RunningBot;
  let clock: TestClock;

  beforeAll(async () => {
    if (skipped()) return;
    ({ bot, clock } = await startFlow(db(), {
      stores: [CHAOYANG],
      staff: [
        ['cs01', '刘专员', 'cs_specialist', 'CY01'],
        ['mgr', '王店长', 'store_manager', 'CY01'],
      ],
    }));
  });
  afterAll(async () => bot?.stop());

  const customerTexts = (openid: string) => (bot.platform.delivered('/cgi-bin/message/custom/send') as any[]).filter((b) => b.touser === openid).map((b) => b.text.content as string);
  const ticketOf = async (openid: string) => db().reader.findOneByOrFail(Ticket, { customerId: (await db().reader.findOneByOrFail(Customer, { externalId: openid })).id });
  const step = async (ticket: Ticket, name: string) => db().reader.findOneByOrFail(Approval, { ticketId: ticket.id, step: name });

  async function withContract(openid: string, startDate: string): Promise<void> {
    await customerSays(bot, openid, '你好');
    const customer = await db().reader.findOneByOrFail(Customer, { externalId: openid });
    await db().write((m) =>
      m.insert(Contract, { number: `HT-${openid}`, customerId: customer.id, housekeeperId: null, storeId: null, consultantId: null, serviceType: '保洁', startDate, arrivalDate: startDate, endDate: '2027-06-30', amountFen: 100000, status: 'active', previousId: null, renewalPromptAt: null, renewalReminderAt: null, renewalOutcome: null, createdAt: clock.now() }),
    );
  }

  it('an on-site request: confirmed in warranty (12 h, free), dispatched, resolved, the customer told at each step and surveyed', async () => {
    if (skipped()) return;
    const reply = await customerSays(bot, 'o_sr_1', '能安排人上门看看吗？热水器不出热水');
    const ticket = await ticketOf('o_sr_1');
    expect(ticket).toMatchObject({ kind: 'service_request', category: 'on_site', status: 'open' });
    expect(reply).toContain('服务保障期内12小时内');
    await customerSays(bot, 'o_sr_1', '13700007777');
    const confirm = await step(ticket, 'confirm');
    await staffClicks(bot, 'cs01', confirm.taskId, `ap:${confirm.id}:in_warranty`);
    const confirmed = await db().reader.findOneByOrFail(Ticket, { id: ticket.id });
    expect(confirmed).toMatchObject({ status: 'confirmed', onSiteDueAt: ticket.createdAt + 12 * 3600_000 });
    await eventually(() => customerTexts('o_sr_1').find((t) => t.includes('服务保障期内') && t.includes('免费')));
    await staffSays(bot, 'mgr', `${ticket.number} 王师傅今天下午3点上门`);
    await eventually(() => customerTexts('o_sr_1').find((t) => t.includes('王师傅今天下午3点上门')));
    const resolve = await step(ticket, 'resolve');
    await staffClicks(bot, 'mgr', resolve.taskId, `ap:${resolve.id}:resolved`);
    expect((await db().reader.findOneByOrFail(Ticket, { id: ticket.id })).status).toBe('closed');
    await eventually(() => customerTexts('o_sr_1').find((t) => t.includes('请为本次问题的处理打分')));
    expect(await customerSays(bot, 'o_sr_1', '5分，师傅很专业')).toContain('感谢您的评价');
    expect(await db().reader.findOneByOrFail(Survey, { source: 'ticket', sourceId: ticket.id })).toMatchObject({ status: 'answered', score: 5 });
  });

  it('not on site in time: the breach escalates once', async () => {
    if (skipped()) return;
    await customerSays(bot, 'o_sr_2', '麻烦派个人上门看一下，油烟机需要检修');
    await customerSays(bot, 'o_sr_2', '13700008888');
    const ticket = await ticketOf('o_sr_2');
    const confirm = await step(ticket, 'confirm');
    await staffClicks(bot, 'cs01', confirm.taskId, `ap:${confirm.id}:out_of_warranty`);
    await eventually(() => customerTexts('o_sr_2').find((t) => t.includes('需要收费') && t.includes('48小时')));
    clock.advance(49 * 3600_000);
    await bot.bot.jobs.runNow('sla-checks');
    const { TicketEvent } = await import('../../src/entities');
    const breaches = await db().reader.find(TicketEvent, { where: { ticketId: ticket.id, type: 'sla_breach' } });
    expect(breaches.map((b) => JSON.parse(b.data!).commitment)).toContain('on_site');
  });

  it('a refund inside the 15-day window is accepted without questions', async () => {
    if (skipped()) return;
    await withContract('o_sr_3', '2026-11-26');
    clock.advance(0);
    const today = new Date(clock.now() + 8 * 3600_000).toISOString().slice(0, 10);
    await db().write((m) => m.update(Contract, { number: 'HT-o_sr_3' }, { startDate: today }));
    const reply = await customerSays(bot, 'o_sr_3', '我不想要这个服务了，想退款');
    expect(reply).toContain('符合无理由退换');
    const ticket = await ticketOf('o_sr_3');
    expect(ticket.status).toBe('confirmed');
    expect(await step(ticket, 'dispatch')).toMatchObject({ role: 'store_manager', status: 'pending' });
  });

  it.each([
    [14, true],
    [15, false],
  ])('a refund %i days after the service started: inside the 15-day no-reason window is %s', async (days, within) => {
    if (skipped()) return;
    const me = `o_sr_day${days}`;
    // the start date `days` calendar days before the clock's day in Shanghai
    const todayInShanghai = Date.parse(`${new Date(clock.now() + 8 * 3600_000).toISOString().slice(0, 10)}T00:00:00Z`);
    const startDate = new Date(todayInShanghai - days * 86_400_000).toISOString().slice(0, 10);
    await withContract(me, startDate);
    const reply = await customerSays(bot, me, '这个服务我不想要了，申请退款');
    const ticket = await ticketOf(me);
    expect(ticket.category).toBe('refund');
    if (within) {
      expect(reply).toContain('符合无理由退换');
      expect(ticket.status).toBe('confirmed');
      expect(await step(ticket, 'dispatch')).toMatchObject({ status: 'pending' });
    } else {
      expect(reply).toContain('超过15天');
      expect(ticket.status).toBe('open');
      expect(await step(ticket, 'confirm')).toMatchObject({ status: 'pending' });
    }
  });

  it('a refund after the window follows the contract, and the customer is told so', async () => {
    if (skipped()) return;
    await withContract('o_sr_4', '2026-09-01');
    const reply = await customerSays(bot, 'o_sr_4', '我要退款');
    expect(reply).toContain('超过15天');
    expect(reply).toContain('按合同约定');
    const ticket = await ticketOf('o_sr_4');
    expect(await step(ticket, 'confirm')).toMatchObject({ status: 'pending' });
  });
});
