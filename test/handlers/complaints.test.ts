import { Approval, Customer, Housekeeper, Ticket, TicketEvent } from '../../src/entities';
import { addHousekeeperLi, CHAOYANG, HEAD_OFFICE, startFlow } from '../support/flow';
import { describeEachDatabase } from '../support/databases';
import { adminGet, customerSays, staffClicks, staffSays } from '../support/chat';
import { eventually, outboxDrained, type RunningBot, type TestClock } from '../support/harness';
import { nextMsgId, oaSafeRequest, WECOM, wecomRequest } from '../support/wx';
import { say } from '../../config/say';

/**
 * Complaints from the customer's first message to the archive (R-CP-1…5, R-AP-1, R-SL-1/2):
 * every card sent to the fake WeCom API, every click a real encrypted callback, the refused
 * click of a wrong person, the 24-hour progress message on a controllable clock, an SLA breach
 * escalation, a penalty slip, evidence kept, and the monthly analysis.
 */

describeEachDatabase('complaints end to end', ({ db, skipped }) => {
  let bot: RunningBot;
  let clock: TestClock;

  beforeAll(async () => {
    if (skipped()) return;
    ({ bot, clock } = await startFlow(db(), {
      stores: [CHAOYANG],
      staff: [
        ...HEAD_OFFICE,
        ['mgr', '王店长', 'store_manager', 'CY01'],
      ],
      seed: async (m, stores) => void (await addHousekeeperLi(m, stores.CY01.id)),
    }));
  });
  afterAll(async () => bot?.stop());

  const sent = () => bot.platform.delivered('/cgi-bin/message/send') as any[];
  const cardsFor = (user: string) => sent().filter((b) => b.msgtype === 'template_card' && b.touser.split('|').includes(user)).map((b) => b.template_card);
  const textsFor = (user: string) => sent().filter((b) => b.msgtype === 'text' && b.touser === user).map((b) => b.text.content as string);
  const customerTexts = (openid: string) => (bot.platform.delivered('/cgi-bin/message/custom/send') as any[]).filter((b) => b.touser === openid).map((b) => b.text.content as string);
  const updates = () => bot.platform.delivered('/cgi-bin/message/update_template_card') as any[];
  const cardOfStep = async (user: string, ticket: Ticket, step: string) => {
    const approval = await db().reader.findOneByOrFail(Approval, { ticketId: ticket.id, step });
    const card = await eventually(() => cardsFor(user).find((c) => c.task_id === approval.taskId));
    return { approval, card, key: (choice: string) => `ap:${approval.id}:${choice}` };
  };
  const reload = (ticket: Ticket) => db().reader.findOneByOrFail(Ticket, { id: ticket.id });

  let ordinary: Ticket;

  it('an ordinary complaint goes through every step of the seed, each a card, each decision shown on every copy', async () => {
    if (skipped()) return;
    await customerSays(bot, 'o_cp_1', '阿姨态度很差，说她两句还顶嘴');
    await customerSays(bot, 'o_cp_1', '没有');
    await customerSays(bot, 'o_cp_1', '13800001111');
    ordinary = await db().reader.findOneByOrFail(Ticket, { kind: 'complaint', customerId: (await db().reader.findOneByOrFail(Customer, { externalId: 'o_cp_1' })).id });
    expect(ordinary).toMatchObject({ status: 'accepted', severity: 'ordinary', category: 'attitude' });

    // 1. the specialist apologises and promises a time
    const apology = await cardOfStep('cs01', ordinary, 'apology');
    expect(apology.card.main_title.title).toContain('致歉');
    expect(apology.card.quote_area.quote_text).toContain(ordinary.number);
    expect(await staffSays(bot, 'cs01', `${ordinary.number} 已电话致歉，承诺11月28日前处理完毕`)).toContain('已记录');
    expect((await reload(ordinary)).status).toBe('contacted');
    await eventually(() => updates().find((u) => u.template_card.task_id === apology.approval.taskId && u.template_card.sub_title_text.startsWith('已回复')));

    // 2. the CS manager's handling instruction
    await cardOfStep('csm', ordinary, 'instruction');
    await staffSays(bot, 'csm', `${ordinary.number} 请门店调查核实，找阿姨了解情况`);
    expect((await reload(ordinary)).status).toBe('instructed');

    // 3. the store investigates with the responsible person
    await cardOfStep('mgr', ordinary, 'investigation');
    await staffSays(bot, 'mgr', `${ordinary.number} 调查属实，责任人A0123李阿姨，已批评教育`);
    expect((await reload(ordinary)).status).toBe('investigated');

    // 4. the CS manager's final decision: the customer hears the store will tell them (seed order), not the words
    await cardOfStep('csm', ordinary, 'decision');
    await staffSays(bot, 'csm', `${ordinary.number} 向客户道歉，减免一周服务费，阿姨参加服务培训`);
    expect((await reload(ordinary)).status).toBe('decided');
    await eventually(() => customerTexts('o_cp_1').find((t) => t === say('cases.complaint.decided', { caseNo: ordinary.number, replyHours: 24 })));

    // 5. the store tells the customer, by phone, and records how
    const told = await cardOfStep('mgr', ordinary, 'communicated');
    await staffClicks(bot, 'mgr', told.approval.taskId, told.key('phone'));
    expect((await reload(ordinary)).status).toBe('communicated');

    // 6. the CS manager signs — a click by the GM at this step is refused and changes nothing
    const signCs = await cardOfStep('csm', ordinary, 'sign_cs');
    expect(signCs.card.button_list.map((b: any) => b.text)).toEqual(['签字确认', '驳回']);
    expect(await staffClicks(bot, 'gm01', signCs.approval.taskId, signCs.key('approve'))).toContain('需要客服部经理处理');
    expect((await reload(ordinary)).status).toBe('communicated');
    expect(bot.logs.lines.some((l) => l.audit === 'approval_refused' && l.reason === 'wrong_role')).toBe(true);
    await staffClicks(bot, 'csm', signCs.approval.taskId, signCs.key('approve'), 'RC-sign-cs');
    expect((await reload(ordinary)).status).toBe('signed_cs');
    const signedCard = await eventually(() => updates().find((u) => u.response_code === 'RC-sign-cs'));
    expect(signedCard.template_card.sub_title_text).toMatch(/^签字确认 · 张经理 · 11月26日 10:00$/);
    // approving the same step twice is answered, not applied
    expect(await staffClicks(bot, 'csm', signCs.approval.taskId, signCs.key('approve'))).toContain('无需重复操作');
  });

  it('the customer gets progress at least every 24 hours until closure, written or not', async () => {
    if (skipped()) return;
    const before = customerTexts('o_cp_1').length;
    clock.advance(25 * 3600_000);
    await bot.bot.jobs.runNow('sla-checks');
    await bot.bot.jobs.runNow('sla-checks');
    const feedback = await eventually(() => customerTexts('o_cp_1').slice(before).find((t) => t.includes('我们仍在跟进')));
    expect(feedback).toContain(ordinary.number);
    // the status in words and when the next feedback comes, no doubled 。
    expect(feedback).toContain(`：${say('cases.status.signed_cs')}。下次反馈不晚于`);
    expect(feedback).not.toContain('。。');
    await outboxDrained(db());
    expect(customerTexts('o_cp_1').slice(before).filter((t) => t.includes('我们仍在跟进'))).toHaveLength(1);
    const next = (await reload(ordinary)).feedbackDueAt!;
    expect(next).toBe(clock.now() + 24 * 3600_000);
  });

  it('the GM signs and the case is archived; the customer is told; later clicks are refused', async () => {
    if (skipped()) return;
    const signGm = await cardOfStep('gm01', ordinary, 'sign_gm');
    await staffClicks(bot, 'gm01', signGm.approval.taskId, signGm.key('approve'));
    const archived = await reload(ordinary);
    expect(archived.status).toBe('archived');
    expect(archived.closedAt).toBe(clock.now());
    await eventually(() => customerTexts('o_cp_1').find((t) => t.includes('已处理完毕并归档')));
    expect(await staffClicks(bot, 'gm01', signGm.approval.taskId, signGm.key('approve'))).toContain('无需重复操作');
    expect(await staffSays(bot, 'csm', '同意')).toContain('没有需要回复的待办');
    // the full record (投诉事故处理记录表): every step, who and when
    const { body } = await adminGet(bot, `/api/tickets/${ordinary.id}`);
    expect(body.approvals.map((a: any) => [a.step, a.decidedBy])).toEqual([
      ['apology', 'cs01'],
      ['instruction', 'csm'],
      ['investigation', 'mgr'],
      ['decision', 'csm'],
      ['communicated', 'mgr'],
      ['sign_cs', 'csm'],
      ['sign_gm', 'gm01'],
    ]);
  });

  let serious: Ticket;

  it('a serious incident: urgent cards to the CS manager and the GM at once, the GM instructs, the housekeeper is reached', async () => {
    if (skipped()) return;
    await customerSays(bot, 'o_cp_2', '阿姨走后家里的金手镯不见了，我要报警');
    const customer = await db().reader.findOneByOrFail(Customer, { externalId: 'o_cp_2' });
    serious = await db().reader.findOneByOrFail(Ticket, { customerId: customer.id });
    expect(serious).toMatchObject({ severity: 'serious', category: 'theft', status: 'accepted' });
    await db().write(async (m) => {
      await m.update(Customer, { id: customer.id }, { isMajor: true });
      await m.update(Ticket, { id: serious.id }, { housekeeperId: (await m.findOneByOrFail(Housekeeper, { code: 'A0123' })).id });
    });
    // the seed's order: the GM is paged at once to know; the CS manager convenes 行政/人资, reports, then the GM instructs
    const alert = await cardOfStep('csm', serious, 'serious_ack');
    expect(alert.card.source.desc).toContain('紧急');
    expect(alert.card.quote_area.title).toBe('紧急');
    await eventually(() => textsFor('gm01').find((t) => t.includes(serious.number) && t.includes('【知悉】')));
    await staffClicks(bot, 'csm', alert.approval.taskId, alert.key('done'));
    await cardOfStep('csm', serious, 'serious_report');
    await staffSays(bot, 'csm', `${serious.number} 客户金手镯丢失，阿姨否认，建议报警`);
    expect((await reload(serious)).status).toBe('reported');
    const gmCard = await cardOfStep('gm01', serious, 'gm_instruction');
    expect(gmCard.card.quote_area.title).toBe('紧急');
    await staffSays(bot, 'gm01', `${serious.number} 立即联系阿姨核实，配合警方调查，安抚客户`);
    expect((await reload(serious)).status).toBe('instructed_gm');
    await eventually(() => customerTexts('o_cp_2').find((t) => t === say('cases.complaint.gmInstructed', { caseNo: serious.number, feedbackHours: 24 })));

    // the housekeeper's phone and her relatives come from her archive
    const contact = await cardOfStep('csm', serious, 'housekeeper_contact');
    expect(contact.card.horizontal_content_list).toEqual(expect.arrayContaining([{ keyname: '阿姨', value: '李阿姨 13600001234' }, { keyname: '儿子', value: '李强 13600005678' }]));
    await staffClicks(bot, 'csm', contact.approval.taskId, contact.key('done'));
    expect((await reload(serious)).status).toBe('hk_contacted');
  });

  it('police report, visit and progress log; a major customer can be compensated first; then internal accountability', async () => {
    if (skipped()) return;
    const handling = await cardOfStep('csm', serious, 'serious_handling');
    expect(await staffClicks(bot, 'csm', handling.approval.taskId, handling.key('police'))).toContain('身份证复印件');
    expect(await staffClicks(bot, 'csm', handling.approval.taskId, handling.key('visit'))).toContain('上门探望');
    expect(await staffSays(bot, 'cs01', `进展 ${serious.number} 派出所已受理，正在调取监控`)).toContain('已告知客户');
    await eventually(() => customerTexts('o_cp_2').find((t) => t.includes('派出所已受理')));

    const compensation = await cardOfStep('gm01', serious, 'compensation');
    expect(compensation.card.main_title.title).toContain('先行赔付');
    await staffSays(bot, 'gm01', `${serious.number} 先行赔付 3000元`);
    const paid = await db().reader.findOneByOrFail(TicketEvent, { ticketId: serious.id, type: 'compensation' });
    expect(JSON.parse(paid.data!)).toEqual({ amountFen: 300000, decided: 'pay_first' });

    await staffClicks(bot, 'csm', handling.approval.taskId, handling.key('accountability'));
    expect((await reload(serious)).status).toBe('contacted');
    await cardOfStep('csm', serious, 'instruction');
    const types = (await db().reader.find(TicketEvent, { where: { ticketId: serious.id } })).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['police_report', 'customer_visit', 'progress', 'compensation']));
  });

  it('a penalty slip: filled by the specialist, discussed, signed before the store manager with a photo, approved by the GM, listed for payroll', async () => {
    if (skipped()) return;
    expect(await staffSays(bot, 'mgr', `处罚 ${ordinary.number} A0123 200 服务态度差被投诉`)).toContain('只有');
    expect(await staffSays(bot, 'cs01', `处罚 ${ordinary.number} A0123 200 服务态度差被投诉`)).toContain('已开具处罚单');
    const discuss = await db().reader.findOneByOrFail(Approval, { step: 'penalty_discuss' });
    await staffClicks(bot, 'csm', discuss.taskId, `ap:${discuss.id}:done`);
    const ack = await eventually(() => db().reader.findOneBy(Approval, { step: 'penalty_ack' }));
    await eventually(() => cardsFor('mgr').find((c) => c.task_id === ack!.taskId));
    await staffClicks(bot, 'mgr', ack!.taskId, `ap:${ack!.id}:ack`);
    const picture = `<xml><ToUserName><![CDATA[${WECOM.corpId}]]></ToUserName><FromUserName><![CDATA[mgr]]></FromUserName><CreateTime>1764122400</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://example.invalid/p.jpg]]></PicUrl><MediaId><![CDATA[MEDIA_SLIP]]></MediaId><MsgId>${nextMsgId()}</MsgId><AgentID>${WECOM.agentId}</AgentID></xml>`;
    const photo = wecomRequest(picture);
    await bot.post(photo.path, photo.body);
    const approve = await db().reader.findOneByOrFail(Approval, { step: 'penalty_approve' });
    await eventually(() => cardsFor('gm01').find((c) => c.task_id === approve.taskId));
    await staffClicks(bot, 'gm01', approve.taskId, `ap:${approve.id}:approve`);
    const { body } = await adminGet(bot, '/api/penalties?month=2026-11');
    expect(body.penalties).toEqual([expect.objectContaining({ housekeeperCode: 'A0123', amountYuan: '200.00', status: 'approved', acknowledgedBy: 'A0123', approvedBy: 'gm01' })]);
    const csv = await fetch(`${bot.url}/api/penalties?month=2026-11&format=csv`, { headers: { authorization: 'Bearer test-admin-token-for-the-bot-under-test' } });
    const text = await csv.text();
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(text).toContain('A0123');
    expect(text).toContain('200.00');
  });

  it('a reply breach and an overdue step escalate once to the next role up', async () => {
    if (skipped()) return;
    await customerSays(bot, 'o_cp_3', '保洁阿姨今天又迟到了');
    await customerSays(bot, 'o_cp_3', '没有');
    const late = await db().reader.findOneByOrFail(Ticket, { customerId: (await db().reader.findOneByOrFail(Customer, { externalId: 'o_cp_3' })).id });
    // opened on a Friday morning: the specialist's 8 working hours run out on Monday (weekend skipped),
    // while the customer's 24-hour reply promise counts the clock
    clock.advance(25 * 3600_000);
    await bot.bot.jobs.runNow('sla-checks');
    await eventually(() => textsFor('csm').find((t) => t.includes(late.number) && t.includes('24小时内回复客户')));
    expect(textsFor('csm').filter((t) => t.includes(late.number))).toHaveLength(1);
    clock.advance(3 * 24 * 3600_000);
    await bot.bot.jobs.runNow('sla-checks');
    await bot.bot.jobs.runNow('sla-checks');
    await eventually(() => textsFor('csm').filter((t) => t.includes(late.number) && t.includes('超时提醒')).length === 2);
    await outboxDrained(db());
    const reminders = textsFor('csm').filter((t) => t.includes(late.number));
    expect(reminders).toHaveLength(2); // the 24-hour reply promise, and the specialist's overdue step
    expect(reminders.some((t) => t.includes('24小时内回复客户'))).toBe(true);
    // the overdue step is named as its card says it, with who holds it — never its id
    expect(reminders).toContainEqual(say('cases.sla.overdue', { kind: '投诉处理', reference: late.number, step: say('cases.step.apology'), role: '投诉专员', names: '刘专员' }));
    expect(reminders.join('\n')).not.toMatch(/apology|cs_specialist/);
    const breaches = await db().reader.find(TicketEvent, { where: { ticketId: late.id, type: 'sla_breach' } });
    expect(breaches.map((b) => JSON.parse(b.data!).commitment).sort()).toEqual(['reply', 'step']);
  });

  it('severity: upgrading starts the urgent steps; a downgrade needs a reason', async () => {
    if (skipped()) return;
    await customerSays(bot, 'o_cp_4', '阿姨做饭不好吃');
    const ticket = await db().reader.findOneByOrFail(Ticket, { customerId: (await db().reader.findOneByOrFail(Customer, { externalId: 'o_cp_4' })).id });
    expect(await staffSays(bot, 'cs01', `改为严重 ${ticket.number}`)).toContain('已升级为严重投诉');
    await cardOfStep('csm', ticket, 'serious_ack');
    expect(await staffSays(bot, 'csm', `改为普通 ${ticket.number}`)).toContain('需要说明原因');
    expect((await reload(ticket)).severity).toBe('serious');
    expect(await staffSays(bot, 'csm', `改为普通 ${ticket.number} 经核实只是口味问题`)).toContain('已降为普通投诉');
    expect((await reload(ticket)).severity).toBe('ordinary');
    expect((await db().reader.findOneByOrFail(Approval, { ticketId: ticket.id, step: 'serious_ack' })).decision).toBe('withdrawn');
  });

  it('a photo about the case is downloaded at once and kept encrypted with it', async () => {
    if (skipped()) return;
    const image = `<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[o_cp_2]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://mmbiz/x]]></PicUrl><MediaId><![CDATA[MEDIA_BRACELET]]></MediaId><MsgId>${Date.now()}77</MsgId></xml>`;
    const request = oaSafeRequest(image);
    await bot.post(request.path, request.body);
    const { body } = (await eventually(async () => {
      const detail = await adminGet(bot, `/api/tickets/${serious.id}`);
      return detail.body.evidence?.[0]?.status === 'stored' ? detail : undefined;
    }))!;
    expect(body.evidence[0]).toMatchObject({ mediaType: 'image', contentType: 'image/jpeg', status: 'stored' });
    const file = await fetch(bot.url + body.evidence[0].download, { headers: { authorization: 'Bearer test-admin-token-for-the-bot-under-test' } });
    expect(Buffer.from(await file.arrayBuffer()).toString('latin1')).toContain('fake-jpeg:MEDIA_BRACELET');
    const [raw] = await db().source.query('SELECT data FROM evidence_chunk');
    expect(String(raw.data)).not.toContain('MEDIA_BRACELET');
  });

  it('every decision made in chat is in the audit trail, without personal data', async () => {
    if (skipped()) return;
    const { body } = await adminGet(bot, `/api/audit?subject=ticket&subjectId=${ordinary.id}&limit=50`);
    const decided = body.entries.map((e: any) => [e.action, e.actor]).reverse();
    expect(decided).toEqual(
      expect.arrayContaining([
        ['approval.apology', 'cs01'],
        ['approval.instruction', 'csm'],
        ['approval.investigation', 'mgr'],
        ['approval.decision', 'csm'],
        ['approval.sign_cs', 'csm'],
        ['approval.sign_gm', 'gm01'],
      ]),
    );
    const severity = await adminGet(bot, '/api/audit?action=ticket.severity');
    expect(severity.body.entries.length).toBe(2);
    const everything = JSON.stringify((await adminGet(bot, '/api/audit?limit=500')).body);
    expect(everything).toContain('penalty.raised');
    expect(everything).not.toMatch(/13800001111|13600001234|李阿姨|减免一周服务费|金手镯/);
  });

  it('the monthly complaint analysis has the right numbers', async () => {
    if (skipped()) return;
    const { body } = await adminGet(bot, '/api/reports/complaints?month=2026-11');
    // the clock has moved on: the fourth complaint was made in December
    expect(body.total).toBe(3);
    expect(body.bySeverity).toEqual({ ordinary: 2, serious: 1 });
    expect((await adminGet(bot, '/api/reports/complaints?month=2026-12')).body.total).toBe(1);
    expect(body.byCategory).toMatchObject({ attitude: 1, theft: 1, lateness: 1 });
    expect(body.closed).toBe(1);
    expect(body.byHousekeeper['A0123 李阿姨']).toBe(2);
    expect(body.penalties).toEqual({ count: 1, approvedFen: 20000 });
    expect(body.compensation).toEqual({ count: 1, amountFen: 300000 });
    expect(body.slaBreaches.total).toBeGreaterThanOrEqual(2);
    expect(body.medianHoursToFirstContact).not.toBeNull();
  });
});
