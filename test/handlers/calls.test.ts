import { CallTask, Contract, Customer, Housekeeper, Staff, Store, Survey, Ticket, TicketEvent, Visit } from '../../src/entities';
import { phoneHash } from '../../src/handlers/customers';
import { addStaff, addStore } from '../support/seed';
import { describeEachDatabase } from '../support/databases';
import { adminGet, staffClicks, staffSays } from '../support/chat';
import { eventually, startBot, TestClock, type RunningBot } from '../support/harness';
import { say } from '../../config/say';

/**
 * Customers without WeChat get calls, not silence (issue 15, item 4, R-ID-3): a phone-only
 * customer's complaint feedback, follow-up visit and after-case survey become call tasks for the
 * complaint specialist with the script and the questions; the outcome recorded in WeCom counts in
 * the visit and survey figures like a chat answer, and the 24-hour feedback is done only when the
 * customer was actually told.
 */

const DAY = 24 * 3600_000;
const ARRIVAL = '2026-11-23';
const VISIT_DAY_9AM = Date.parse('2026-11-26T01:00:00Z');

describeEachDatabase('call tasks for a phone-only customer', ({ db, skipped }) => {
  let bot: RunningBot;
  let clock: TestClock;
  let customerId: number;

  const sent = () => bot.platform.delivered('/cgi-bin/message/send') as any[];
  const cardsFor = (user: string) => sent().filter((b) => b.msgtype === 'template_card' && b.touser.split('|').includes(user)).map((b) => b.template_card);
  const openCalls = (purpose: string) => db().reader.find(CallTask, { where: { customerId, purpose: purpose as never, status: 'open' } });

  beforeAll(async () => {
    if (skipped()) return;
    clock = new TestClock(VISIT_DAY_9AM);
    bot = await startBot(db(), { clock });
    await db().write(async (m) => {
      const store = await addStore(m, 'CY01', '朝阳门店', '朝阳区', true);
      await addStaff(m, 'cs01', '刘专员', 'cs_specialist', null);
      await addStaff(m, 'csm', '张经理', 'cs_manager', null);
      await addStaff(m, 'sales01', '李顾问', 'consultant', store.id);
      const li = await m.save(m.create(Housekeeper, { code: 'A0123', name: '李阿姨', phone: '13600001234', idNumber: null, emergencyContacts: [], skills: '保洁', storeId: store.id, status: 'on_duty', createdAt: VISIT_DAY_9AM }));
      const customer = await m.save(m.create(Customer, { platform: null, externalId: null, unionId: null, name: '孙女士', phone: '13700007777', phoneHash: phoneHash('13700007777'), address: null, district: '朝阳区', channel: 'phone', isMajor: false, storeId: null, subscribed: false, lastInboundAt: null, createdAt: VISIT_DAY_9AM }));
      customerId = customer.id;
      await m.save(m.create(Contract, { number: 'HT20267777', customerId, housekeeperId: li.id, storeId: store.id, consultantId: null, serviceType: '保洁', startDate: ARRIVAL, arrivalDate: ARRIVAL, endDate: '2027-11-22', amountFen: 600000, status: 'active', previousId: null, renewalPromptAt: null, renewalReminderAt: null, renewalOutcome: null, createdAt: VISIT_DAY_9AM }));
    });
  });
  afterAll(async () => bot?.stop());

  it('a follow-up visit becomes a call with the script and questions; 已回访 records it and it counts like a chat answer', async () => {
    if (skipped()) return;
    await bot.bot.jobs.runNow('arrivals-and-visits');
    const [task] = await eventually(() => openCalls('visit'));
    const visit = await db().reader.findOneByOrFail(Visit, { id: task.visitId! });
    expect(visit).toMatchObject({ subject: 'customer', sequence: 1, status: 'sent' });
    const card = await eventually(() => cardsFor('cs01').find((c) => c.task_id === task.taskId));
    expect(card.horizontal_content_list).toEqual(expect.arrayContaining([{ keyname: '客户', value: '孙女士 13700007777' }, { keyname: '关于', value: 'HT20267777' }, expect.objectContaining({ keyname: '话术' }), expect.objectContaining({ keyname: '问题1' })]));
    // the card cuts long values: the whole script and the questions come as a text
    const script = await eventually(() => sent().find((b) => b.msgtype === 'text' && b.touser === 'cs01' && b.text.content.includes(say('contracts.call.script.visit'))));
    expect(script.text.content).toContain('3. 对我们公司的整体服务您满意吗');
    expect(card.button_list.map((b: any) => b.text)).toEqual(['已接通', '未接通', '约下次']);
    // 已接通 alone cannot carry the score
    expect(await staffClicks(bot, 'cs01', task.taskId, `call:${task.id}:reached`)).toBe(say('contracts.call.needScore', { reference: 'HT20267777' }));
    expect(await staffClicks(bot, 'cs01', task.taskId, `call:${task.id}:no_answer`)).toBe(say('contracts.call.noAnswer', { reference: 'HT20267777' }));
    expect(await staffSays(bot, 'cs01', '已回访 HT20267777 4分 阿姨做事很细心')).toBe(say('contracts.call.recorded', { reference: 'HT20267777' }));
    expect(await db().reader.findOneByOrFail(Visit, { id: visit.id })).toMatchObject({ status: 'done', score: 4, recordedBy: 'cs01' });
    expect(await db().reader.findOneByOrFail(CallTask, { id: task.id })).toMatchObject({ status: 'done', outcome: 'reached', attempts: 2, score: 4 });
    const report = await adminGet(bot, '/api/reports/monthly?month=2026-11');
    expect(report.body.visits.done).toBeGreaterThanOrEqual(1);
    expect(report.body.satisfaction).toMatchObject({ answered: 1, meanScore: 4 });
  });

  it('complaint feedback: not done until the call is recorded; 已接通 tells the customer and restarts the 24 hours', async () => {
    if (skipped()) return;
    await staffSays(bot, 'cs01', '登记 孙女士 13700007777 阿姨做饭太咸了我要投诉 来源电话');
    const ticket = await db().reader.findOneByOrFail(Ticket, { customerId, kind: 'complaint' });
    expect(ticket.housekeeperId).not.toBeNull();
    const dueBefore = ticket.feedbackDueAt;
    expect(await staffSays(bot, 'cs01', `进展 ${ticket.number} 已约阿姨明天当面道歉`)).toBeTruthy();
    const [task] = await eventually(() => openCalls('feedback'));
    expect(task.ticketId).toBe(ticket.id);
    // the customer was not told: no customer_notified, the clock did not restart
    expect(await db().reader.countBy(TicketEvent, { ticketId: ticket.id, type: 'customer_notified' })).toBe(0);
    expect((await db().reader.findOneByOrFail(Ticket, { id: ticket.id })).feedbackDueAt).toBe(dueBefore);
    // the 24-hour job finds it due again and opens no second call
    clock.advance(DAY + 60_000);
    await bot.bot.jobs.runNow('sla-checks');
    expect(await openCalls('feedback')).toHaveLength(1);
    await eventually(() => cardsFor('cs01').find((c) => c.task_id === task.taskId));
    expect(await staffClicks(bot, 'cs01', task.taskId, `call:${task.id}:reached`)).toBe(say('contracts.call.recorded', { reference: ticket.number }));
    expect(await db().reader.countBy(TicketEvent, { ticketId: ticket.id, type: 'customer_notified' })).toBe(1);
    expect((await db().reader.findOneByOrFail(Ticket, { id: ticket.id })).feedbackDueAt).toBe(clock.now() + DAY);
    // another person's role may not record it
    expect(await staffClicks(bot, 'sales01', task.taskId, `call:${task.id}:later`)).toBe(say('contracts.call.notYours'));
  });

  it('the survey after a closed case is a call too, and its score is an answered survey', async () => {
    if (skipped()) return;
    const ticket = await db().reader.findOneByOrFail(Ticket, { customerId, kind: 'complaint' });
    // the case closes (its sign-off steps are covered in complaints.test.ts): the after-case survey is asked by phone
    await db().write(async (m) => m.update(Ticket, { id: ticket.id }, { status: 'archived', closedAt: clock.now(), feedbackDueAt: null }));
    const { surveyClosedTicket } = await import('../../src/handlers/contracts/surveys');
    await db().write(async (m) => surveyClosedTicket({ db: m, clock, config: bot.config, log: bot.bot.options.log, send: () => undefined }, { ...ticket, status: 'archived' } as Ticket));
    const [task] = await eventually(() => openCalls('survey'));
    const reply = await staffSays(bot, 'cs01', `已回访 ${ticket.number} 2分 处理太慢`);
    expect(reply.startsWith(say('contracts.call.recorded', { reference: ticket.number }))).toBe(true);
    expect(await db().reader.findOneByOrFail(Survey, { source: 'ticket', sourceId: ticket.id })).toMatchObject({ status: 'answered', score: 2 });
    expect(await db().reader.findOneByOrFail(CallTask, { id: task.id })).toMatchObject({ status: 'done', purpose: 'survey' });
    // a low score by phone opens its follow-up case like a low chat score (R-FU-2), and the caller is told which
    const followUp = await db().reader.findOneOrFail(Ticket, { where: { customerId, kind: 'complaint' }, order: { id: 'DESC' } });
    expect(followUp.id).not.toBe(ticket.id);
    expect(followUp).toMatchObject({ category: 'quality', severity: 'ordinary', channel: 'phone' });
    expect(followUp.summary).toContain('处理太慢');
    expect(reply).toContain(say('cases.lowScore.phone', { caseNo: followUp.number, replyHours: bot.config.commitments.replyHours }));
  });

  it('a good score by phone opens nothing', async () => {
    if (skipped()) return;
    const before = await db().reader.countBy(Ticket, { customerId });
    const [visitTask] = await db().write(async (m) => {
      const visit = await m.findOneOrFail(Visit, { where: { subject: 'customer' }, order: { id: 'DESC' } });
      return [await m.save(m.create(CallTask, { cause: `probe:visit:${visit.id}`, purpose: 'visit', customerId, role: 'cs_specialist', assigneeId: null, ticketId: null, visitId: visit.id, contractId: null, status: 'open', attempts: 0, outcome: null, score: null, note: null, taskId: 'call-probe-good', nextAt: null, doneBy: null, createdAt: clock.now(), doneAt: null }))];
    });
    expect(await staffSays(bot, 'cs01', '已回访 HT20267777 5分 很满意')).toBe(say('contracts.call.recorded', { reference: 'HT20267777' }));
    expect((await db().reader.findOneByOrFail(CallTask, { id: visitTask.id })).status).toBe('done');
    expect(await db().reader.countBy(Ticket, { customerId })).toBe(before);
  });

  it('a renewal prompt for a customer without a reachable WeChat is a call task for the contract’s consultant', async () => {
    if (skipped()) return;
    const ending = new Date(clock.now() + 10 * DAY).toISOString().slice(0, 10);
    const [phoneOnly, reachable] = await db().write(async (m) => {
      const sales = await m.findOneByOrFail(Staff, { wecomUserId: 'sales01' });
      const store = await m.findOneByOrFail(Store, { code: 'CY01' });
      const zhou = await m.save(m.create(Customer, { platform: null, externalId: null, unionId: null, name: '周先生', phone: '13700006666', phoneHash: phoneHash('13700006666'), address: null, district: '朝阳区', channel: 'phone', isMajor: false, storeId: store.id, subscribed: false, lastInboundAt: null, createdAt: clock.now() }));
      const wu = await m.save(m.create(Customer, { platform: 'wechat', externalId: 'o_renew_wx', unionId: null, name: '吴女士', phone: '13700005555', phoneHash: phoneHash('13700005555'), address: null, district: '朝阳区', channel: 'wechat', isMajor: false, storeId: store.id, subscribed: true, lastInboundAt: clock.now() - 3600_000, createdAt: clock.now() }));
      const contract = (number: string, customer: Customer) => m.save(m.create(Contract, { number, customerId: customer.id, housekeeperId: null, storeId: store.id, consultantId: sales.id, serviceType: '保洁', startDate: '2025-12-06', arrivalDate: null, endDate: ending, amountFen: 600000, status: 'active', previousId: null, renewalPromptAt: null, renewalReminderAt: null, renewalOutcome: null, createdAt: clock.now() }));
      return [await contract('HT2026RN01', zhou), await contract('HT2026RN02', wu)];
    });
    await bot.bot.jobs.runNow('renewal-prompts');
    const task = await eventually(() => db().reader.findOneBy(CallTask, { contractId: phoneOnly.id, purpose: 'renewal' }));
    const sales = await db().reader.findOneByOrFail(Staff, { wecomUserId: 'sales01' });
    expect(task).toMatchObject({ status: 'open', role: 'consultant', assigneeId: sales.id });
    const card = await eventually(() => cardsFor('sales01').find((c) => c.task_id === task!.taskId));
    expect(card.main_title.title).toBe(say('contracts.call.title.renewal'));
    expect(JSON.stringify(card)).toContain('HT2026RN01');
    // the customer the OA can reach gets no call; a second run opens no second one
    expect(await db().reader.countBy(CallTask, { contractId: reachable.id })).toBe(0);
    await db().write(async (m) => m.update(Contract, { id: phoneOnly.id }, { renewalPromptAt: null }));
    await bot.bot.jobs.runNow('renewal-prompts');
    expect(await db().reader.countBy(CallTask, { contractId: phoneOnly.id })).toBe(1);
    // 已回访 HT… records the consultant's call as contact made
    expect(await staffSays(bot, 'sales01', '已回访 HT2026RN01 客户考虑续签')).toBe(say('contracts.call.recorded', { reference: 'HT2026RN01' }));
    expect((await db().reader.findOneByOrFail(Contract, { id: phoneOnly.id })).renewalOutcome).toBe('contacted');
  });
});
