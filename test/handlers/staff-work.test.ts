import { Approval, AuditEntry, Customer, Housekeeper, HousekeeperMovement, Lead, Penalty, Ticket, TicketEvent } from '../../src/entities';
import { addHousekeeperLi, CHAOYANG, HAIDIAN, HEAD_OFFICE, startFlow } from '../support/flow';
import { describeEachDatabase } from '../support/databases';
import { customerSays, staffClicks, staffSays } from '../support/chat';
import { nextMsgId, WECOM, wecomRequest } from '../support/wx';
import { eventually, type RunningBot, type TestClock } from '../support/harness';

/**
 * Staff work with the case in front of them (issue 16): each card shows what its reader needs,
 * 待办 and 查 with their scoping and audit, 备注 kept from the customer, the seed's order of roles
 * for an ordinary and a serious complaint, the penalty slip's path, and no accidental decisions
 * (「好的」, 「待办」, 「查 TS…」 are never recorded as a step's answer).
 */

describeEachDatabase('staff work with the case in front of them', ({ db, skipped }) => {
  let bot: RunningBot;
  let clock: TestClock;

  beforeAll(async () => {
    if (skipped()) return;
    ({ bot, clock } = await startFlow(db(), {
      stores: [CHAOYANG, HAIDIAN],
      staff: [
        ...HEAD_OFFICE,
        ['mgr', '王店长', 'store_manager', 'CY01'],
        ['mgr2', '赵店长', 'store_manager', 'HD01'],
        ['adm', '孙行政', 'admin', null],
        ['hr01', '钱人资', 'hr', null],
        ['fin01', '吴财务', 'finance', null],
        ['sales01', '陈顾问', 'consultant', 'CY01'],
      ],
      seed: async (m, stores) => void (await addHousekeeperLi(m, stores.CY01.id)),
    }));
  });
  afterAll(async () => bot?.stop());

  const sent = () => bot.platform.delivered('/cgi-bin/message/send') as any[];
  const cardsFor = (user: string) => sent().filter((b) => b.msgtype === 'template_card' && b.touser.split('|').includes(user)).map((b) => b.template_card);
  const textsFor = (user: string) => sent().filter((b) => b.msgtype === 'text' && b.touser === user).map((b) => b.text.content as string);
  const customerTexts = (openid: string) => (bot.platform.delivered('/cgi-bin/message/custom/send') as any[]).filter((b) => b.touser === openid).map((b) => b.text.content as string);
  const fieldsOf = (card: any) => Object.fromEntries(card.horizontal_content_list.map((f: any) => [f.keyname, f.value]));
  const cardOfStep = async (user: string, ticket: Ticket, step: string) => {
    const approval = await eventually(() => db().reader.findOneBy(Approval, { ticketId: ticket.id, step, status: 'pending' }));
    const card = await eventually(() => cardsFor(user).find((c) => c.task_id === approval!.taskId));
    return { approval: approval!, card, fields: fieldsOf(card), key: (choice: string) => `ap:${approval!.id}:${choice}` };
  };
  const reload = (ticket: Ticket) => db().reader.findOneByOrFail(Ticket, { id: ticket.id });

  let ordinary: Ticket;

  it('an ordinary complaint through every role: each card carries what its reader needs; stray words decide nothing', async () => {
    if (skipped()) return;
    await customerSays(bot, 'o_sw_1', '阿姨态度很差，说她两句还顶嘴');
    await customerSays(bot, 'o_sw_1', '没有');
    await customerSays(bot, 'o_sw_1', '13800002222');
    ordinary = await db().reader.findOneByOrFail(Ticket, { kind: 'complaint', customerId: (await db().reader.findOneByOrFail(Customer, { externalId: 'o_sw_1' })).id });
    await db().write((m) => m.update(Ticket, { id: ordinary.id }, { housekeeperId: 1, storeId: 1 }));

    const apology = await cardOfStep('cs01', ordinary, 'apology');
    expect(apology.fields['投诉内容']).toContain('阿姨态度很差');
    expect(apology.card.button_list.map((b: any) => b.text)).toEqual(['回复意见']);
    // regression: 「待办」 is a command, never the apology's answer
    const todo = await staffSays(bot, 'cs01', '待办');
    expect(todo).toContain(ordinary.number);
    expect(todo).toContain('致歉');
    expect((await reload(ordinary)).status).toBe('accepted');
    // plain words with no number, without being asked: explained, not recorded
    expect(await staffSays(bot, 'cs01', '好的')).toContain('没有记录');
    expect((await reload(ordinary)).status).toBe('accepted');
    // the number alone: the bot asks; the next reply answers, and is confirmed back
    expect(await staffSays(bot, 'cs01', ordinary.number)).toContain('请回复您对');
    expect(await staffSays(bot, 'cs01', '已电话致歉，承诺11月28日前处理完毕')).toContain('已记录');
    expect((await reload(ordinary)).status).toBe('contacted');

    const instruction = await cardOfStep('csm', ordinary, 'instruction');
    expect(instruction.fields['致歉情况']).toContain('已电话致歉');
    // regression: 「查 TS…」 is a look-up, never the CS manager's instruction
    const look = await staffSays(bot, 'csm', `查 ${ordinary.number}`);
    expect(look).toContain(ordinary.number);
    expect(look).toContain('待客服部经理处理');
    expect((await reload(ordinary)).status).toBe('contacted');
    expect(await staffSays(bot, 'csm', `${ordinary.number} 请门店调查核实，找阿姨了解情况`)).toContain('请门店调查核实');

    // the store's investigation card shows the CS manager's instruction
    const investigation = await cardOfStep('mgr', ordinary, 'investigation');
    expect(investigation.fields['客服部意见']).toContain('请门店调查核实');
    expect(investigation.card.main_title.desc).toContain('请门店调查核实');
    await staffSays(bot, 'mgr', `${ordinary.number} 调查属实，责任人A0123李阿姨，已批评教育`);

    // the decision card: the complaint and the store's findings
    const decision = await cardOfStep('csm', ordinary, 'decision');
    expect(decision.fields['投诉内容']).toContain('阿姨态度很差');
    expect(decision.fields['门店调查']).toContain('调查属实');
    await staffSays(bot, 'csm', `${ordinary.number} 向客户道歉，减免一周服务费，阿姨参加服务培训`);
    // the customer hears the store will tell them, not the decision word for word
    const toCustomer = customerTexts('o_sw_1');
    expect(toCustomer.some((t) => t.includes('减免一周服务费'))).toBe(false);
    await eventually(() => toCustomer.concat(customerTexts('o_sw_1')).find((t) => t.includes('门店负责人会在')));

    // the store delivers it and records how
    const deliver = await cardOfStep('mgr', ordinary, 'communicated');
    expect(deliver.fields['处理决定']).toContain('减免一周服务费');
    expect(deliver.card.button_list.map((b: any) => b.text)).toEqual(['电话告知', '上门告知', '上门告知并赠送小礼品']);
    expect(await staffClicks(bot, 'mgr', deliver.approval.taskId, deliver.key('visit_gift'))).toContain('上门告知并赠送小礼品');

    // both sign-off cards show the filled 门店问题处理详情表
    const signCs = await cardOfStep('csm', ordinary, 'sign_cs');
    expect(signCs.card.main_title.desc).toContain('门店问题处理详情表');
    expect(signCs.fields['事情经过']).toContain('阿姨态度很差');
    expect(signCs.fields['责任人']).toContain('A0123');
    expect(signCs.fields['处理结果']).toContain('减免一周服务费');
    expect(signCs.fields['客户意见']).toContain('上门告知并赠送小礼品');
    expect(signCs.fields['赔偿']).toBe('无');
    await staffClicks(bot, 'csm', signCs.approval.taskId, signCs.key('approve'));
    const signGm = await cardOfStep('gm01', ordinary, 'sign_gm');
    expect(signGm.fields['处理结果']).toContain('减免一周服务费');
    await staffClicks(bot, 'gm01', signGm.approval.taskId, signGm.key('approve'));
    expect((await reload(ordinary)).status).toBe('archived');
  });

  it('查 and 待办 keep to the asker’s role and store; each look at personal data is audited', async () => {
    if (skipped()) return;
    expect(await staffSays(bot, 'mgr', `查 ${ordinary.number}`)).toContain(ordinary.number);
    expect(await staffSays(bot, 'mgr2', `查 ${ordinary.number}`)).toContain('没有找到您可以查看的');
    expect(await staffSays(bot, 'mgr2', '查 13800002222')).toContain('没有找到您可以查看的');
    const byPhone = await staffSays(bot, 'cs01', '查 13800002222');
    expect(byPhone).toContain(ordinary.number);
    expect(byPhone).not.toContain('13800002222');
    expect(await staffSays(bot, 'cs01', '查 A0123')).toContain('李阿姨');
    expect(await staffSays(bot, 'mgr2', '查 A0123')).toContain('没有找到您可以查看的');
    const views = await db().reader.find(AuditEntry, { where: { actor: 'cs01' } });
    expect(views.map((v) => v.action)).toEqual(expect.arrayContaining(['customer.view', 'housekeeper.view']));
    expect(await staffSays(bot, 'mgr2', '待办')).toContain('没有等待您处理');
  });

  let serious: Ticket;

  it('a serious complaint in the seed’s order: GM paged at once, 行政 and 人资 convened, the first report, then the GM decides', async () => {
    if (skipped()) return;
    await customerSays(bot, 'o_sw_2', '阿姨走后家里的金手镯不见了，我要报警');
    serious = (await eventually(async () => {
      const customer = await db().reader.findOneBy(Customer, { externalId: 'o_sw_2' });
      return customer ? db().reader.findOneBy(Ticket, { customerId: customer.id, kind: 'complaint' }) : null;
    }))!;
    await db().write(async (m) => {
      await m.update(Ticket, { id: serious.id }, { housekeeperId: 1, storeId: 1 });
      await m.update(Customer, { id: serious.customerId }, { isMajor: true });
    });
    await eventually(() => textsFor('gm01').find((t) => t.includes('【知悉】') && t.includes(serious.number)));
    expect(await db().reader.countBy(Approval, { ticketId: serious.id, step: 'gm_instruction' })).toBe(0);

    const convene = await cardOfStep('csm', serious, 'serious_ack');
    expect(await staffClicks(bot, 'csm', convene.approval.taskId, convene.key('done'))).toContain('孙行政');
    await eventually(() => textsFor('adm').find((t) => t.includes(serious.number)));
    await eventually(() => textsFor('hr01').find((t) => t.includes(serious.number)));
    await cardOfStep('csm', serious, 'serious_report');
    await staffSays(bot, 'csm', `${serious.number} 已与客户通话，金手镯约8000元，阿姨否认，建议报警并先行赔付`);

    // the GM's card: the CS manager's first report and the housekeeper's record
    const gm = await cardOfStep('gm01', serious, 'gm_instruction');
    expect(gm.fields['首次汇报']).toContain('金手镯约8000元');
    expect(gm.fields['阿姨记录']).toContain('李阿姨（A0123）');
    expect(gm.fields['阿姨记录']).toContain('投诉2次');
    await staffSays(bot, 'gm01', `${serious.number} 配合警方调查，安抚客户`);

    // regression: 「好的」 is never the compensation amount; an amount must be a number
    const compensation = await cardOfStep('gm01', serious, 'compensation');
    expect(compensation.fields['总经理指示']).toContain('配合警方调查');
    expect(await staffSays(bot, 'gm01', '好的')).toContain('没有记录');
    expect(await staffSays(bot, 'gm01', `${serious.number} 好的`)).toContain('必须是数字');
    expect((await db().reader.findOneByOrFail(Approval, { id: compensation.approval.id })).status).toBe('pending');
    expect(await staffSays(bot, 'gm01', `${serious.number} 先行赔付 8000元`)).toContain('已记录');

    // a police case: the CS manager sets the feedback rhythm; 备注 never reaches the customer
    await cardOfStep('csm', serious, 'housekeeper_contact').then((c) => staffClicks(bot, 'csm', c.approval.taskId, c.key('done')));
    const handling = await cardOfStep('csm', serious, 'serious_handling');
    expect(await staffClicks(bot, 'csm', handling.approval.taskId, handling.key('police'))).toContain('反馈周期');
    expect(await staffSays(bot, 'cs01', `反馈周期 ${serious.number} 72小时`)).toContain('只有客服部经理');
    expect(await staffSays(bot, 'csm', `反馈周期 ${serious.number} 72小时`)).toContain('每72小时');
    await staffSays(bot, 'csm', `进展 ${serious.number} 警方已立案，正在调取监控`);
    expect(await staffSays(bot, 'csm', `备注 ${serious.number} 阿姨家属情绪激动，暂不要透露`)).toContain('客户看不到');
    // the customer wrote within WeChat's 48 hours, so the feedback reaches them in chat (not as a call task)
    clock.advance(50 * 3600_000);
    await customerSays(bot, 'o_sw_2', '请问我的投诉有进展吗');
    const before = customerTexts('o_sw_2').length;
    clock.advance(23 * 3600_000);
    await bot.bot.jobs.runNow('sla-checks');
    const feedback = await eventually(() => customerTexts('o_sw_2').slice(before).find((t) => t.includes('我们仍在跟进')));
    expect(feedback).toContain('警方已立案');
    expect(feedback).not.toContain('家属情绪激动');
    expect((await reload(serious)).feedbackDueAt).toBe(clock.now() + 72 * 3600_000);
  });

  it('the penalty slip: the specialist fills it, the CS manager discusses, the housekeeper signs before the store manager with a photo, the GM signs', async () => {
    if (skipped()) return;
    expect(await staffSays(bot, 'cs01', `处罚 ${ordinary.number} A0123 200 服务态度差被投诉`)).toContain('200.00');
    const penalty = await db().reader.findOneByOrFail(Penalty, { ticketId: ordinary.id });
    const step = async (user: string, name: string) => {
      const approval = await eventually(() => db().reader.findOneBy(Approval, { penaltyId: penalty.id, step: name, status: 'pending' }));
      return { approval: approval!, card: await eventually(() => cardsFor(user).find((c) => c.task_id === approval!.taskId)) };
    };
    const discuss = await step('csm', 'penalty_discuss');
    await staffClicks(bot, 'csm', discuss.approval.taskId, `ap:${discuss.approval.id}:done`);
    const sign = await step('mgr', 'penalty_ack');
    expect(await staffClicks(bot, 'mgr', sign.approval.taskId, `ap:${sign.approval.id}:ack`)).toContain('拍照');
    expect((await db().reader.findOneByOrFail(Approval, { id: sign.approval.id })).status).toBe('pending');
    // the photo of the signed slip, as WeCom delivers a picture sent to the app
    const picture = `<xml><ToUserName><![CDATA[${WECOM.corpId}]]></ToUserName><FromUserName><![CDATA[mgr]]></FromUserName><CreateTime>${Math.floor(clock.now() / 1000)}</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://example.invalid/p.jpg]]></PicUrl><MediaId><![CDATA[MEDIA_SIGNED_SLIP]]></MediaId><MsgId>${nextMsgId()}</MsgId><AgentID>${WECOM.agentId}</AgentID></xml>`;
    const request = wecomRequest(picture);
    expect((await bot.post(request.path, request.body)).status).toBe(200);
    const gm = await step('gm01', 'penalty_approve');
    expect((await db().reader.findOneByOrFail(Penalty, { id: penalty.id })).witnessedBy).toBe('mgr');
    expect(await db().reader.countBy(TicketEvent, { ticketId: ordinary.id, type: 'penalty_signed' })).toBe(1);
    await staffClicks(bot, 'gm01', gm.approval.taskId, `ap:${gm.approval.id}:approve`);
    expect((await db().reader.findOneByOrFail(Penalty, { id: penalty.id })).status).toBe('approved');
  });

  it('settable in chat: 大客户 and a housekeeper’s movement, each for the roles that may', async () => {
    if (skipped()) return;
    expect(await staffSays(bot, 'cs01', `大客户 ${ordinary.number}`)).toContain('只有客服部经理或总经理');
    expect(await staffSays(bot, 'csm', `大客户 ${ordinary.number}`)).toContain('已设为大客户');
    expect((await db().reader.findOneByOrFail(Customer, { id: ordinary.customerId })).isMajor).toBe(true);
    expect(await staffSays(bot, 'mgr2', '阿姨 A0123 返回')).toContain('找不到您可以登记的阿姨');
    expect(await staffSays(bot, 'mgr', '阿姨 A0123 返回 客户家暂停服务')).toContain('李阿姨（A0123）返回');
    expect((await db().reader.findOneByOrFail(Housekeeper, { code: 'A0123' })).status).toBe('returned');
    expect(await db().reader.countBy(HousekeeperMovement, { kind: 'returned' })).toBe(1);
  });

  it('month end: 人资 gets the signed slips with the deductions, 财务 the attendance sheet', async () => {
    if (skipped()) return;
    // into December: the report and the payroll sheets are for November
    clock.advance(4 * 24 * 3600_000);
    await bot.bot.jobs.runNow('monthly-report');
    const files = () => sent().filter((b) => b.msgtype === 'file');
    await eventually(() => textsFor('hr01').find((t) => t.includes('月绩效扣款明细表') && t.includes('200.00')));
    await eventually(() => textsFor('fin01').find((t) => t.includes('出勤表')));
    await eventually(() => files().filter((f) => f.touser === 'hr01' || f.touser === 'fin01').length === 2);
    expect((await db().reader.findOneByOrFail(Penalty, { status: 'approved' })).hrSentAt).not.toBeNull();
  });

  it('a signed lead: the consultant and the store manager match a housekeeper, CS gets the arrival date, the archive clerk registers', async () => {
    if (skipped()) return;
    const lead = await db().write(async (m) => {
      const customer = await m.save(m.create(Customer, { platform: null, externalId: null, channel: 'phone', name: '林女士', phone: '13800003333', district: '朝阳区', storeId: 1, isMajor: false, createdAt: clock.now() } as Partial<Customer>));
      return m.save(m.create(Lead, { number: 'XS202611260099', customerId: customer.id, need: '需要住家保姆，照顾两岁孩子', serviceType: '育儿嫂', district: '朝阳区', startDate: '2026-12-20', channel: 'phone', status: 'contacted', storeId: 1, consultantId: (await m.findOneByOrFail((await import('../../src/entities')).Staff, { wecomUserId: 'sales01' })).id, loggedBy: null, createdAt: clock.now(), updatedAt: clock.now(), assignedAt: clock.now() } as Partial<Lead>));
    });
    await staffClicks(bot, 'sales01', `lead-${lead.id}-${lead.assignedAt}`, `lead:${lead.id}:signed`);
    const match = await eventually(() => db().reader.findOneBy(Approval, { leadId: lead.id, step: 'sign_match' }));
    expect(match!.recipients.split(',').sort()).toEqual(['mgr', 'sales01']);
    const card = await eventually(() => cardsFor('mgr').find((c) => c.task_id === match!.taskId));
    expect(fieldsOf(card)['客户需求']).toContain('住家保姆');
    const register = await eventually(() => db().reader.findOneBy(Approval, { leadId: lead.id, step: 'sign_register' }));
    await eventually(() => cardsFor('cs01').find((c) => c.task_id === register!.taskId));
    expect(await staffSays(bot, 'sales01', `${lead.number} 好的`)).toContain('阿姨编号和到岗日期');
    expect(await staffSays(bot, 'sales01', `${lead.number} A0123 12月20日`)).toContain('已通知客服安排交接回访');
    const handover = await eventually(() => db().reader.findOneBy(Approval, { leadId: lead.id, step: 'sign_handover' }));
    const visit = await eventually(() => cardsFor('cs01').find((c) => c.task_id === handover!.taskId));
    expect(fieldsOf(visit)['到岗日期']).toBe('2026年12月20日');
    expect(fieldsOf(visit)['阿姨']).toContain('李阿姨');
    expect(await staffClicks(bot, 'cs01', register!.taskId, `ap:${register!.id}:done`)).toContain('合同已登记');
    // the decision is in the audit trail under the lead it belongs to
    expect(await db().reader.findOneBy(AuditEntry, { action: 'approval.sign_register' })).toMatchObject({ subject: 'lead', subjectId: lead.id, actor: 'cs01' });
  });
});
