import { Lead, Staff, Store, TicketEvent } from '../../src/entities';
import { addStaff, addStore } from '../support/seed';
import { describeEachDatabase } from '../support/databases';
import { adminGet, customerSays, staffClicks } from '../support/chat';
import { eventually, outboxDrained, startBot, TestClock, type RunningBot } from '../support/harness';

/**
 * Lead dispatch end to end (R-LD-2/3): a customer's inquiry becomes a lead, the right consultant
 * gets the card (the JSON sent to the fake WeCom API is asserted), real encrypted button clicks
 * move it through accept → contacted → signed with card updates, time-outs reassign and remind,
 * and the monthly report counts it.
 */

const THURSDAY_10_AM = Date.parse('2026-11-26T02:00:00Z'); // 10:00 in Shanghai

describeEachDatabase('lead dispatch', ({ db, skipped }) => {
  let bot: RunningBot;
  let clock: TestClock;
  const staffIds: Record<string, number> = {};

  beforeAll(async () => {
    if (skipped()) return;
    clock = new TestClock(THURSDAY_10_AM);
    bot = await startBot(db(), { clock });
    await db().write(async (m) => {
      const east = await m.save(m.create(Store, { code: 'CY01', name: '朝阳门店', districts: '朝阳区,东城区', isDefault: false }));
      const west = await m.save(m.create(Store, { code: 'HD01', name: '海淀门店', districts: '海淀区', isDefault: true }));
      const person = (wecomUserId: string, name: string, roles: string, storeId: number) => addStaff(m, wecomUserId, name, roles, storeId);
      staffIds.c1 = (await person('sales_li', '李顾问', 'consultant', east.id)).id;
      staffIds.c2 = (await person('sales_zhao', '赵顾问', 'consultant', east.id)).id;
      staffIds.m1 = (await person('mgr_wang', '王店长', 'store_manager', east.id)).id;
      staffIds.c3 = (await person('sales_sun', '孙顾问', 'consultant', west.id)).id;
      await person('sales_off', '休假顾问', 'consultant', east.id).then((s) => m.update(Staff, { id: s.id }, { active: false }));
    });
  });
  afterAll(async () => bot?.stop());

  const cardsTo = (user: string) => bot.platform.delivered('/cgi-bin/message/send').filter((b) => b.touser === user && b.msgtype === 'template_card') as any[];
  const textsTo = (user: string) => bot.platform.delivered('/cgi-bin/message/send').filter((b) => b.touser === user && b.msgtype === 'text').map((b: any) => b.text.content as string);
  const updatesFor = (taskId: string) => bot.platform.delivered('/cgi-bin/message/update_template_card').filter((b: any) => b.template_card.task_id === taskId) as any[];
  const lead = (number: string) => db().reader.findOneByOrFail(Lead, { number });

  async function bookMaternityNurse(openid: string, district: string, phone: string): Promise<{ reply: string; number: string }> {
    await customerSays(bot, openid, `想找个月嫂，${district}`);
    await customerSays(bot, openid, phone);
    const reply = await customerSays(bot, openid, '陈女士');
    const number = /XS\d{12}/.exec(reply)![0];
    return { reply, number };
  }

  let first: { number: string; taskId: string };

  it('a completed inquiry goes to the consultant of the store serving the district, as a card with a masked phone', async () => {
    if (skipped()) return;
    const { reply, number } = await bookMaternityNurse('o_lead_1', '朝阳区', '13800138000');
    expect(reply).toContain('李顾问'); // fewest open leads, then longest idle, then first
    const card = await eventually(() => cardsTo('sales_li')[0]);
    const template = card.template_card;
    expect(card).toMatchObject({ msgtype: 'template_card', agentid: 1000002 });
    expect(template).toMatchObject({ card_type: 'button_interaction', main_title: { title: '月嫂 · 朝阳区' } });
    expect(template.button_list.map((b: any) => [b.text, b.key])).toEqual([
      ['接单', expect.stringMatching(/^lead:\d+:accept$/)],
      ['已联系', expect.stringMatching(/:contacted$/)],
      ['已签单', expect.stringMatching(/:signed$/)],
      ['未成交', expect.stringMatching(/:lost$/)],
      ['退回', expect.stringMatching(/:handback$/)],
    ]);
    expect(template.horizontal_content_list).toEqual(expect.arrayContaining([{ keyname: '电话', value: '138****8000' }, { keyname: '渠道', value: '公众号' }]));
    expect(JSON.stringify(card)).not.toContain('13800138000');
    first = { number, taskId: template.task_id };
    expect(await lead(number)).toMatchObject({ status: 'assigned', consultantId: staffIds.c1 });
  });

  it('a click by someone else is refused politely, logged, and changes nothing', async () => {
    if (skipped()) return;
    const l = await lead(first.number);
    expect(await staffClicks(bot, 'sales_zhao', first.taskId, `lead:${l.id}:accept`)).toContain('不是分配给您的');
    expect(await staffClicks(bot, 'visitor_x', first.taskId, `lead:${l.id}:accept`)).toContain('不在员工名单');
    expect(await staffClicks(bot, 'sales_li', first.taskId, 'lead:999999:accept')).toContain('已不存在');
    expect(await staffClicks(bot, 'sales_li', first.taskId, 'lead:abc:launch')).toContain('无法识别');
    expect((await lead(first.number)).status).toBe('assigned');
    expect(bot.logs.lines.filter((line) => line.audit === 'lead_button_refused').map((line) => line.reason)).toEqual(
      expect.arrayContaining(['not_assigned', 'not_staff', 'no_lead', 'bad_key']),
    );
  });

  it('accept → contacted → signed: the lead moves, the timeline records who, every card update is sent', async () => {
    if (skipped()) return;
    const l = await lead(first.number);
    await staffClicks(bot, 'sales_li', first.taskId, `lead:${l.id}:accept`, 'RC-accept');
    expect((await lead(first.number)).status).toBe('accepted');
    const accepted = await eventually(() => updatesFor(first.taskId)[0]);
    expect(accepted).toMatchObject({ response_code: 'RC-accept', userids: ['sales_li'] });
    expect(accepted.template_card.sub_title_text).toMatch(/^已接单 · 李顾问 · 11月26日 10:00$/);
    expect(accepted.template_card.horizontal_content_list).toEqual(expect.arrayContaining([{ keyname: '电话', value: '13800138000' }]));
    expect(accepted.template_card.button_list.map((b: any) => b.text)).toEqual(['已联系', '已签单', '未成交', '退回']);
    const notice = await eventually(() => (bot.platform.delivered('/cgi-bin/message/custom/send') as any[]).find((m) => m.touser === 'o_lead_1'));
    expect(notice.text.content).toBe(`您的预约 ${first.number} 已由顾问李顾问接单，李顾问会尽快与您联系，请留意来电。`);

    // a double click is answered and ignored
    expect(await staffClicks(bot, 'sales_li', first.taskId, `lead:${l.id}:accept`, 'RC-again')).toContain('无需重复操作');

    clock.advance(20 * 60_000);
    await staffClicks(bot, 'sales_li', first.taskId, `lead:${l.id}:contacted`, 'RC-contacted');
    clock.advance(60 * 60_000);
    await staffClicks(bot, 'sales_li', first.taskId, `lead:${l.id}:signed`, 'RC-signed');
    const done = await lead(first.number);
    expect(done).toMatchObject({ status: 'signed' });
    expect(done.closedAt).toBe(clock.now());
    const updates = (await eventually(() => (updatesFor(first.taskId).length === 3 ? updatesFor(first.taskId) : undefined)))!;
    expect(updates.map((u) => u.response_code)).toEqual(['RC-accept', 'RC-contacted', 'RC-signed']);
    expect(updates[2].template_card.button_list).toEqual([expect.objectContaining({ style: 4, text: expect.stringContaining('已签单') })]);
    const timeline = await db().reader.find(TicketEvent, { where: { leadId: l.id, type: 'status' }, order: { id: 'ASC' } });
    expect(timeline.map((e) => [e.actor, JSON.parse(e.data!).to])).toEqual([
      ['customer', 'new'],
      ['sales_li', 'accepted'],
      ['sales_li', 'contacted'],
      ['sales_li', 'signed'],
    ]);
  });

  it('load balancing: the next lead of the store goes to the consultant with fewer open leads', async () => {
    if (skipped()) return;
    await bookMaternityNurse('o_lead_2', '东城区', '13900139000');
    const { number } = await bookMaternityNurse('o_lead_3', '朝阳区', '13700137000');
    // sales_li closed her lead (signed); both now have 0 open, zhao got o_lead_2 → li gets o_lead_3
    expect((await lead(number)).consultantId).toBe(staffIds.c1);
    await eventually(() => cardsTo('sales_zhao')[0]);
  });

  it('a district no store serves goes to the default store', async () => {
    if (skipped()) return;
    const { reply } = await bookMaternityNurse('o_lead_4', '丰台区', '13600136000');
    expect(reply).toContain('孙顾问');
  });

  it('not accepted within 30 working minutes: reassigned to the next consultant, the manager told, once', async () => {
    if (skipped()) return;
    const waiting = await db().reader.findOneByOrFail(Lead, { consultantId: staffIds.c2, status: 'assigned' });
    const oldTask = cardsTo('sales_zhao')[0].template_card.task_id;
    clock.advance(29 * 60_000);
    await bot.bot.jobs.runNow('lead-timeouts');
    expect((await db().reader.findOneByOrFail(Lead, { id: waiting.id })).consultantId).toBe(staffIds.c2);
    clock.advance(2 * 60_000);
    const outcome = await bot.bot.jobs.runNow('lead-timeouts');
    expect(outcome.status).toBe('done');
    const moved = await db().reader.findOneByOrFail(Lead, { id: waiting.id });
    expect(moved).toMatchObject({ status: 'assigned', consultantId: staffIds.c1 });
    await eventually(() => textsTo('mgr_wang').find((t) => t.includes(waiting.number) && t.includes('已改派给 李顾问')));
    const stale = await eventually(() => updatesFor(oldTask)[0]);
    expect(stale.template_card.sub_title_text).toBe('超时未接单，已改派给李顾问');
    await eventually(() => cardsTo('sales_li').find((c) => c.template_card.task_id !== first.taskId && c.template_card.horizontal_content_list.some((f: any) => f.value === waiting.number)));
    // the job runs again: nothing more happens
    await bot.bot.jobs.runNow('lead-timeouts');
    await outboxDrained(db());
    expect(textsTo('mgr_wang').filter((t) => t.includes(waiting.number))).toHaveLength(1);
    // the old card's button is refused as stale
    expect(await staffClicks(bot, 'sales_zhao', oldTask, `lead:${waiting.id}:accept`)).toContain('不是分配给您的');
  });

  it('accepted but not contacted: the consultant is reminded after 24 h, the manager after 48 h, once each', async () => {
    if (skipped()) return;
    const l = await db().reader.findOneByOrFail(Lead, { consultantId: staffIds.c1, status: 'assigned' });
    const taskId = cardsTo('sales_li').map((c) => c.template_card.task_id).find((t: string) => t.startsWith(`lead-${l.id}-`));
    await staffClicks(bot, 'sales_li', taskId, `lead:${l.id}:accept`);
    clock.advance(25 * 3600_000);
    await bot.bot.jobs.runNow('lead-timeouts');
    await bot.bot.jobs.runNow('lead-timeouts');
    await eventually(() => textsTo('sales_li').find((t) => t.includes(l.number) && t.startsWith('提醒')));
    expect(textsTo('mgr_wang').filter((t) => t.includes(l.number) && t.startsWith('提醒'))).toHaveLength(0);
    clock.advance(24 * 3600_000);
    await bot.bot.jobs.runNow('lead-timeouts');
    await eventually(() => textsTo('mgr_wang').find((t) => t.includes(l.number) && t.startsWith('提醒')));
    await bot.bot.jobs.runNow('lead-timeouts');
    await outboxDrained(db());
    expect(textsTo('sales_li').filter((t) => t.includes(l.number) && t.startsWith('提醒'))).toHaveLength(1);
    expect(textsTo('mgr_wang').filter((t) => t.includes(l.number) && t.startsWith('提醒'))).toHaveLength(1);
  });

  it('hand back: the lead goes to another consultant of the store and the manager is told', async () => {
    if (skipped()) return;
    const l = await db().reader.findOneByOrFail(Lead, { consultantId: staffIds.c1, status: 'accepted' });
    const taskId = cardsTo('sales_li').map((c) => c.template_card.task_id).find((t: string) => t.startsWith(`lead-${l.id}-`));
    await staffClicks(bot, 'sales_li', taskId, `lead:${l.id}:handback`);
    expect(await db().reader.findOneByOrFail(Lead, { id: l.id })).toMatchObject({ status: 'assigned', consultantId: staffIds.c2 });
    await eventually(() => textsTo('mgr_wang').find((t) => t.includes(l.number) && t.includes('退回')));
  });

  it('the monthly inquiry analysis counts by channel, store and consultant', async () => {
    if (skipped()) return;
    const { status, body } = await adminGet(bot, '/api/reports/leads?month=2026-11');
    expect(status).toBe(200);
    expect(body.totals).toEqual({ inquiries: 4, signed: 1, lost: 0, open: 3, conversionRate: 0.25 });
    expect(body.byChannel.wechat.inquiries).toBe(4);
    expect(body.byStore['朝阳门店']).toMatchObject({ inquiries: 3, signed: 1 });
    expect(body.byStore['海淀门店']).toMatchObject({ inquiries: 1, signed: 0 });
    expect(body.byConsultant['李顾问']).toMatchObject({ signed: 1 });
    expect(body.medianMinutesToAccept).not.toBeNull();
    expect((await adminGet(bot, '/api/reports/leads?month=2026-13')).status).toBe(400);
    expect((await adminGet(bot, '/api/reports/leads?month=2026-10')).body.totals.inquiries).toBe(0);
  });
});

/**
 * "30 working minutes" on the business calendar (README, R-LD-2): the nights, a weekend, a public
 * holiday and a 调休 Sunday (2026-09-20, worked for National Day) as chinese-days knows them.
 */
describeEachDatabase('lead accept time-out on the business calendar', ({ db, skipped }) => {
  let bot: RunningBot;
  let clock: TestClock;
  const ids: Record<string, number> = {};
  const shanghai = (local: string) => Date.parse(`${local}+08:00`);
  let n = 0;

  beforeAll(async () => {
    if (skipped()) return;
    clock = new TestClock(shanghai('2026-11-27T17:50:00'));
    bot = await startBot(db(), { clock });
    await db().write(async (m) => {
      const store = await addStore(m, 'TZ01', '通州门店', '通州区', true);
      ids.a = (await addStaff(m, 'cal_a', '甲顾问', 'consultant', store.id)).id; // 09:00-18:00
      ids.b = (await addStaff(m, 'cal_b', '乙顾问', 'consultant', store.id)).id;
      await addStaff(m, 'cal_mgr', '通州店长', 'store_manager', store.id);
    });
  });
  afterAll(async () => bot?.stop());

  /** A complete inquiry submitted at `local` Shanghai time; returns the assigned lead. */
  async function leadAt(local: string): Promise<Lead> {
    clock.set(shanghai(local));
    const me = `o_cal_${n++}`;
    await customerSays(bot, me, '想找个钟点工，通州区');
    await customerSays(bot, me, '13700137000');
    const reply = await customerSays(bot, me, '周女士');
    const lead = await db().reader.findOneByOrFail(Lead, { number: /XS\d{12}/.exec(reply)![0] });
    expect(lead).toMatchObject({ status: 'assigned', assignedAt: clock.now() });
    return lead;
  }

  async function consultantAt(local: string, lead: Lead): Promise<number | null> {
    clock.set(shanghai(local));
    await bot.bot.jobs.runNow('lead-timeouts');
    return (await db().reader.findOneByOrFail(Lead, { id: lead.id })).consultantId;
  }

  it('a lead assigned on Friday 17:50 waits over the weekend: 10 minutes Friday + 20 Monday', async () => {
    if (skipped()) return;
    const lead = await leadAt('2026-11-27T17:50:00'); // Friday
    const first = lead.consultantId;
    expect(await consultantAt('2026-11-28T12:00:00', lead)).toBe(first); // Saturday: 18 h of wall time, 10 working minutes
    expect(await consultantAt('2026-11-30T09:19:00', lead)).toBe(first); // Monday: 29 working minutes
    expect(await consultantAt('2026-11-30T09:21:00', lead)).not.toBe(first); // 31
  });

  it('a public holiday does not count, a 调休 Sunday does', async () => {
    if (skipped()) return;
    // Wednesday 2026-09-30 17:50; Oct 1-7 are 国庆节 holidays, Thursday Oct 8 is the next workday
    const holiday = await leadAt('2026-09-30T17:50:00');
    expect(await consultantAt('2026-10-05T10:00:00', holiday)).toBe(holiday.consultantId);
    expect(await consultantAt('2026-10-08T09:19:00', holiday)).toBe(holiday.consultantId);
    expect(await consultantAt('2026-10-08T09:21:00', holiday)).not.toBe(holiday.consultantId);
    // Friday 2026-09-18 17:50; Saturday the 19th is off, Sunday the 20th is worked (调休)
    const madeUp = await leadAt('2026-09-18T17:50:00');
    expect(await consultantAt('2026-09-19T17:00:00', madeUp)).toBe(madeUp.consultantId);
    expect(await consultantAt('2026-09-20T09:19:00', madeUp)).toBe(madeUp.consultantId);
    expect(await consultantAt('2026-09-20T09:21:00', madeUp)).not.toBe(madeUp.consultantId);
    const timeouts = await db().reader.find(TicketEvent, { where: { type: 'accept_timeout' } });
    expect(timeouts.filter((e) => e.leadId === holiday.id || e.leadId === madeUp.id)).toHaveLength(2);
  });
});
