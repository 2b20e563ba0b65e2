import { Approval, Contract, Customer, Housekeeper, JobRun, Survey, Ticket, Visit } from '../../src/entities';
import { addStaff, addStore } from '../support/seed';
import { describeEachDatabase } from '../support/databases';
import { customerSays, staffClicks, staffSays } from '../support/chat';
import { eventually, outboxDrained, startBot, TestClock, type RunningBot } from '../support/harness';
import { FakePlatform } from '../../src/simulator/fake-platform';

/**
 * Archives and the scheduled jobs (R-CT-2, R-FU-1, R-FU-2): renewal prompts exactly once (job run
 * twice, on two instances at once), a button that renews, hand-over before arrival, visits from
 * the arrival date, a survey answered in chat, a missed run caught up, the shift digest.
 */

const THURSDAY_10_AM = Date.parse('2026-11-26T02:00:00Z'); // 2026-11-26 10:00 Shanghai

describeEachDatabase('archives and scheduled jobs', ({ db, skipped }) => {
  let platform: FakePlatform;
  let clock: TestClock;
  let a: RunningBot;
  let b: RunningBot;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    if (skipped()) return;
    platform = new FakePlatform();
    await platform.start();
    clock = new TestClock(THURSDAY_10_AM);
    a = await startBot(db(), { clock, platform });
    b = await startBot(db(), { clock, platform });
    await db().write(async (m) => {
      const store = await addStore(m, 'CY01', '朝阳门店', '朝阳区', true);
      const person = (wecomUserId: string, name: string, roles: string) => addStaff(m, wecomUserId, name, roles, store.id);
      ids.consultant = (await person('sales_li', '李顾问', 'consultant')).id;
      await person('mgr_wang', '王店长', 'store_manager');
      await person('cs01', '刘专员', 'cs_specialist');
      await person('sales_other', '别的顾问', 'consultant');
      const customer = await m.save(
        m.create(Customer, { platform: 'wechat', externalId: 'o_arch_1', unionId: null, name: '陈女士', phone: '13800009999', phoneHash: null, address: null, district: '朝阳区', channel: 'wechat', isMajor: false, storeId: store.id, subscribed: true, lastInboundAt: clock.now(), createdAt: clock.now() }),
      );
      const housekeeper = await m.save(m.create(Housekeeper, { code: 'A0200', name: '赵阿姨', phone: '13500001111', idNumber: null, emergencyContacts: null, skills: '育儿嫂', storeId: store.id, status: 'new', createdAt: clock.now() }));
      const contract = (number: string, startDate: string, arrivalDate: string | null, endDate: string) =>
        m.save(
          m.create(Contract, { number, customerId: customer.id, housekeeperId: housekeeper.id, storeId: store.id, consultantId: ids.consultant, serviceType: '育儿嫂', startDate, arrivalDate, endDate, amountFen: 800000, status: 'active', previousId: null, renewalPromptAt: null, renewalReminderAt: null, renewalOutcome: null, createdAt: clock.now() }),
        );
      ids.ending = (await contract('HT2026-001', '2026-06-12', '2026-06-12', '2026-12-11')).id; // ends in 15 days
      ids.soon = (await contract('HT2026-002', '2026-06-03', '2026-06-03', '2026-12-03')).id; // ends in 7 days, nothing recorded
      ids.arrived = (await contract('HT2026-003', '2026-11-23', '2026-11-23', '2027-05-22')).id; // arrived 3 days ago
      ids.tomorrow = (await contract('HT2026-004', '2026-11-27', '2026-11-27', '2027-11-26')).id; // arrives tomorrow
      ids.later = (await contract('HT2026-005', '2026-10-01', '2026-10-01', '2027-09-30')).id; // far from its end
    });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await platform?.stop();
  });

  const cards = () => (platform.delivered('/cgi-bin/message/send') as any[]).filter((m) => m.msgtype === 'template_card');
  const texts = (user: string) => (platform.delivered('/cgi-bin/message/send') as any[]).filter((m) => m.msgtype === 'text' && m.touser === user).map((m) => m.text.content as string);
  const toCustomer = () => (platform.delivered('/cgi-bin/message/custom/send') as any[]).map((m) => m.text.content as string);
  const renewalCards = (number: string) => cards().filter((c) => c.template_card.horizontal_content_list.some((f: any) => f.value === number));

  it('a contract 15 days from its end gets exactly one prompt, even run twice on two instances at once', async () => {
    if (skipped()) return;
    const outcomes = await Promise.all([a.bot.jobs.runNow('renewal-prompts'), b.bot.jobs.runNow('renewal-prompts'), a.bot.jobs.runNow('renewal-prompts')]);
    // same instant, same manual period: the period lock lets one of them run it; the others skip
    expect(outcomes.filter((o) => o.status === 'done').length).toBeGreaterThanOrEqual(1);
    expect(outcomes.every((o) => o.status !== 'failed')).toBe(true);
    clock.advance(1);
    await Promise.all([a.bot.jobs.runNow('renewal-prompts'), b.bot.jobs.runNow('renewal-prompts')]);
    await eventually(() => renewalCards('HT2026-001').length > 0);
    await outboxDrained(db());
    const prompt = renewalCards('HT2026-001');
    expect(prompt).toHaveLength(1);
    expect(prompt[0].touser.split('|').sort()).toEqual(['mgr_wang', 'sales_li']);
    expect(prompt[0].template_card.button_list.map((x: any) => x.text)).toEqual(['已联系', '已续签', '不续签']);
    expect(prompt[0].template_card.main_title.title).toContain('还有15天到期');
    expect(await db().reader.countBy(Approval, { contractId: ids.ending, step: 'renewal' })).toBe(1);
    expect(renewalCards('HT2026-005')).toHaveLength(0);
  });

  it('7 days before the end with nothing recorded, a reminder goes out once', async () => {
    if (skipped()) return;
    await eventually(() => texts('sales_li').find((t) => t.includes('HT2026-002') && t.startsWith('提醒')));
    await a.bot.jobs.runNow('renewal-prompts');
    await outboxDrained(db());
    expect(texts('sales_li').filter((t) => t.includes('HT2026-002') && t.startsWith('提醒'))).toHaveLength(1);
    expect(texts('sales_li').filter((t) => t.includes('HT2026-001') && t.startsWith('提醒'))).toHaveLength(0);
  });

  it('the buttons record the outcome; 已续签 asks for the real new term, 续签 HT… creates it linked to this one', async () => {
    if (skipped()) return;
    const approval = await db().reader.findOneByOrFail(Approval, { contractId: ids.ending, step: 'renewal' });
    expect(await staffClicks(a, 'sales_other', approval.taskId, `ap:${approval.id}:renewed`)).toContain('没有权限');
    expect(await staffClicks(a, 'sales_li', approval.taskId, `ap:${approval.id}:contacted`)).toContain('已联系');
    expect((await db().reader.findOneByOrFail(Contract, { id: ids.ending })).renewalOutcome).toBe('contacted');
    // 已续签 asks for the real new term (issue 16): nothing is invented, the step stays open until it is written
    expect(await staffClicks(a, 'mgr_wang', approval.taskId, `ap:${approval.id}:renewed`)).toContain('续签 HT2026-001 起始日 结束日 金额');
    expect(await db().reader.countBy(Contract, { previousId: ids.ending })).toBe(0);
    expect(await staffSays(a, 'mgr_wang', '续签 HT2026-001 2026-12-12 2027-12-11 好的')).toContain('格式');
    expect(await staffSays(a, 'sales_other', '续签 HT2026-001 2026-12-12 2027-12-11 52000')).toContain('没有权限');
    expect(await staffSays(a, 'mgr_wang', '续签 HT2026-001 2026-12-12 2027-12-11 52000')).toContain('新合同 HT2026-001-R');
    const old = await db().reader.findOneByOrFail(Contract, { id: ids.ending });
    expect(old).toMatchObject({ status: 'renewed', renewalOutcome: 'renewed' });
    const next = await db().reader.findOneByOrFail(Contract, { previousId: ids.ending });
    expect(next).toMatchObject({ startDate: '2026-12-12', endDate: '2027-12-11', amountFen: 5_200_000, status: 'active', housekeeperId: old.housekeeperId, renewalPromptAt: null });
    expect(await staffClicks(a, 'sales_li', approval.taskId, `ap:${approval.id}:not_renewing`)).toContain('无需重复操作');
  });

  it('the day before arrival: a hand-over task for the specialist and a notice to the customer', async () => {
    if (skipped()) return;
    await a.bot.jobs.runNow('arrivals-and-visits');
    const task = await eventually(() => cards().find((c) => c.touser === 'cs01' && c.template_card.main_title.title.includes('阿姨上户')));
    expect(task.template_card.horizontal_content_list).toEqual(expect.arrayContaining([{ keyname: '合同', value: 'HT2026-004' }]));
    await eventually(() => toCustomer().find((t) => t.includes('赵阿姨') && t.includes('明天（11月27日）')));
  });

  it('visits are scheduled from the arrival date: day 3, day 30, then monthly within the term', async () => {
    if (skipped()) return;
    const visits = await db().reader.find(Visit, { where: { contractId: ids.arrived, subject: 'customer' }, order: { sequence: 'ASC' } });
    expect(visits.map((v) => v.dueDate)).toEqual(['2026-11-26', '2026-12-23', '2027-01-22', '2027-02-21', '2027-03-23', '2027-04-22', '2027-05-22']);
    expect(await db().reader.countBy(Visit, { contractId: ids.arrived, subject: 'housekeeper' })).toBe(7);
    // day 3 is today: the customer's visit went out as a survey, the housekeeper's as a task card
    expect(visits[0].status).toBe('sent');
    await eventually(() => cards().find((c) => c.touser === 'cs01' && c.template_card.main_title.title.includes('阿姨回访')));
    await eventually(() => toCustomer().find((t) => t.includes('做个回访（第1次）')));
    // running again schedules and sends nothing new
    await b.bot.jobs.runNow('arrivals-and-visits');
    expect(await db().reader.countBy(Visit, { contractId: ids.arrived })).toBe(14);
    await outboxDrained(db());
    expect(toCustomer().filter((t) => t.includes('做个回访（第1次）'))).toHaveLength(1);
  });

  it('the survey is answered in chat; a low score opens a ticket', async () => {
    if (skipped()) return;
    expect(await customerSays(a, 'o_arch_1', '5分')).toContain('专业技能');
    expect(await customerSays(a, 'o_arch_1', '非常满意')).toContain('整体服务');
    const last = await customerSays(a, 'o_arch_1', '不满意，门店一直没人回电话');
    expect(last).toMatch(/已安排客服在24小时内回访了解情况（编号 TS\d{12}）/);
    const survey = await db().reader.findOneByOrFail(Survey, { source: 'visit' });
    expect(survey).toMatchObject({ status: 'answered', score: 4 });
    expect((survey.answers as any[]).map((x) => x.score)).toEqual([5, 5, 2]);
    const visit = await db().reader.findOneByOrFail(Visit, { id: survey.sourceId });
    expect(visit).toMatchObject({ status: 'done', score: 4 });
    const ticket = await db().reader.findOneByOrFail(Ticket, { category: 'quality' });
    expect(ticket.summary).toContain('满意度回访低分');
  });

  it('the housekeeper visit is recorded from the specialist’s written answer', async () => {
    if (skipped()) return;
    // two things wait for cs01 now (this visit, and the low-score ticket's apology): the reply names which
    expect(await staffSays(a, 'cs01', '阿姨说一切顺利，客户很配合')).toContain('请在回复前写上编号');
    expect(await staffSays(a, 'cs01', 'HT2026-003 阿姨说一切顺利，客户很配合')).toContain('已记录（HT2026-003）');
    const visit = await db().reader.findOneByOrFail(Visit, { contractId: ids.arrived, subject: 'housekeeper', sequence: 1 });
    expect(visit).toMatchObject({ status: 'done', recordedBy: 'cs01' });
    expect((visit.answers as any).record).toBe('阿姨说一切顺利，客户很配合');
  });

  it('the shift digest lists what is open for each customer-service member', async () => {
    if (skipped()) return;
    await a.bot.jobs.runNow('shift-digest');
    const digest = await eventually(() => texts('cs01').find((t) => t.startsWith('【交接班】')));
    expect(digest).toContain('未结投诉 1 件');
    expect(digest).toMatch(/待您处理的审批\/任务 \d+ 件/);
  });

  it('a run missed while the bot was down is caught up at start', async () => {
    if (skipped()) return;
    expect(await db().reader.existsBy(JobRun, { job: 'renewal-prompts', period: '20261126' })).toBe(false);
    const c = await startBot(db(), { clock, platform, jobs: true });
    try {
      await c.bot.jobs.caughtUp; // the catch-up runs in the background after the start
      expect(await db().reader.findOneByOrFail(JobRun, { job: 'renewal-prompts', period: '20261126' })).toMatchObject({ status: 'done' });
      expect(await db().reader.findOneByOrFail(JobRun, { job: 'arrivals-and-visits', period: '20261126' })).toMatchObject({ status: 'done' });
    } finally {
      await c.stop();
    }
  });
});
