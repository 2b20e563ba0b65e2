import { Approval, Customer, Housekeeper, Penalty, Ticket, TicketEvent } from '../../src/entities';
import { phoneHash } from '../../src/handlers/customers';
import { CHAOYANG, HAIDIAN, HEAD_OFFICE, startFlow, THURSDAY_10_AM } from '../support/flow';
import { describeEachDatabase } from '../support/databases';
import { customerSays, staffClicks, staffSays } from '../support/chat';
import { nextMsgId, WECOM, wecomRequest } from '../support/wx';
import { eventually, type RunningBot } from '../support/harness';

/**
 * Store scoping (issue 19, item 3): a store's people act on their own store's cases only. Store A's
 * case and penalty slip, store B's manager trying to write progress to A's customer and to sign A's
 * slip (refused, nothing changed, nothing sent), A's manager doing both; and a card click whose
 * TaskId is not the card of the step it names.
 */

describeEachDatabase('store scoping of steps and progress notes', ({ db, skipped }) => {
  let bot: RunningBot;
  let storeA: number;
  let ticket: Ticket;

  const customerTexts = () => (bot.platform.delivered('/cgi-bin/message/custom/send') as any[]).filter((b) => b.touser === 'o_store_a').map((b) => b.text.content as string);
  const idle = () => eventually(async () => (await bot.bot.outbox.backlog()).pending === 0);
  const progressNotes = () => db().reader.countBy(TicketEvent, { ticketId: ticket.id, type: 'progress' });

  beforeAll(async () => {
    if (skipped()) return;
    const flow = await startFlow(db(), {
      stores: [CHAOYANG, HAIDIAN],
      staff: [
        ...HEAD_OFFICE,
        ['mgrA', '王店长', 'store_manager', 'CY01'],
        ['mgrB', '钱店长', 'store_manager', 'HD01'],
      ],
      seed: async (m, { CY01: a }) => {
        await m.save(m.create(Housekeeper, { code: 'A0123', name: '李阿姨', phone: '13600001234', idNumber: null, emergencyContacts: [], skills: '保洁', storeId: a.id, status: 'on_duty', createdAt: THURSDAY_10_AM }));
        await m.save(
          m.create(Customer, { platform: 'wechat', externalId: 'o_store_a', unionId: null, name: '陈女士', phone: '13800001111', phoneHash: phoneHash('13800001111'), address: null, district: '朝阳区', channel: 'wechat', isMajor: false, storeId: a.id, subscribed: true, lastInboundAt: null, createdAt: THURSDAY_10_AM }),
        );
      },
    });
    bot = flow.bot;
    storeA = flow.stores.CY01.id;
    await customerSays(bot, 'o_store_a', '阿姨态度很差，说她两句还顶嘴');
    await customerSays(bot, 'o_store_a', '没有');
    const customer = await db().reader.findOneByOrFail(Customer, { externalId: 'o_store_a' });
    ticket = await db().reader.findOneByOrFail(Ticket, { customerId: customer.id });
    expect(ticket.storeId).toBe(storeA);
  });
  afterAll(async () => bot?.stop());

  it('records the store on the steps of a store’s case', async () => {
    if (skipped()) return;
    expect(await db().reader.findOneByOrFail(Approval, { ticketId: ticket.id, step: 'apology' })).toMatchObject({ storeId: storeA });
  });

  it('进展 from another store’s manager is refused: nothing recorded, nothing sent to the customer', async () => {
    if (skipped()) return;
    await idle();
    const told = customerTexts().length;
    expect(await staffSays(bot, 'mgrB', `进展 ${ticket.number} 已和阿姨谈过，会赔偿您`)).toBe(`${ticket.number} 不是本门店的工单，您不能记录它的进展。`);
    expect(bot.logs.lines.some((l) => l.audit === 'approval_refused' && l.reason === 'other_store' && l.user === 'mgrB')).toBe(true);
    expect(await progressNotes()).toBe(0);
    await idle();
    expect(customerTexts()).toHaveLength(told);
    expect((await db().reader.findOneByOrFail(Ticket, { id: ticket.id })).feedbackDueAt).toBe(ticket.feedbackDueAt);
  });

  it('进展 from the case’s own store manager is recorded and told to the customer', async () => {
    if (skipped()) return;
    expect(await staffSays(bot, 'mgrA', `进展 ${ticket.number} 门店已约阿姨明天上午当面道歉`)).toContain('已记录');
    expect(await progressNotes()).toBe(1);
    await eventually(() => customerTexts().find((t) => t.includes('门店已约阿姨明天上午当面道歉')));
  });

  it('a penalty slip of store A: B’s manager and a forged card click are refused, A’s manager witnesses it', async () => {
    if (skipped()) return;
    expect(await staffSays(bot, 'csm', `处罚 ${ticket.number} A0123 200 服务态度差被投诉`)).toContain('已开具处罚单');
    const penalty = await db().reader.findOneByOrFail(Penalty, { ticketId: ticket.id });
    // the seed's order: the CS manager first goes through the slip with the housekeeper
    const discuss = await db().reader.findOneByOrFail(Approval, { penaltyId: penalty.id, step: 'penalty_discuss' });
    await staffClicks(bot, 'csm', discuss.taskId, `ap:${discuss.id}:done`);
    const ack = await db().reader.findOneByOrFail(Approval, { penaltyId: penalty.id, step: 'penalty_ack' });
    expect(ack).toMatchObject({ storeId: storeA, recipients: 'mgrA' });
    const unchanged = async () => {
      expect(await db().reader.findOneByOrFail(Approval, { id: ack.id })).toMatchObject({ status: 'pending', decision: null, decidedBy: null });
      expect(await db().reader.findOneByOrFail(Penalty, { id: penalty.id })).toMatchObject({ status: 'discussed', acknowledgedBy: null });
      expect(await db().reader.countBy(Approval, { penaltyId: penalty.id })).toBe(2);
    };

    // B's manager presses the button of A's card (key and TaskId as on the card)
    expect(await staffClicks(bot, 'mgrB', ack.taskId, `ap:${ack.id}:ack`)).toBe('这一步属于其他门店，只有该门店的门店经理可以处理，您没有权限。');
    expect(bot.logs.lines.some((l) => l.audit === 'approval_refused' && l.reason === 'other_store' && l.user === 'mgrB' && l.approvalId === ack.id)).toBe(true);
    await unchanged();

    // a click carrying another card's TaskId with this step's key decides nothing, even from A's manager
    const apology = await db().reader.findOneByOrFail(Approval, { ticketId: ticket.id, step: 'apology' });
    expect(await staffClicks(bot, 'mgrA', apology.taskId, `ap:${ack.id}:ack`)).toBe('这张卡片与该事项不符，请在最新的卡片上操作。');
    expect(await staffClicks(bot, 'mgrA', 'forged-task-id', `ap:${ack.id}:ack`)).toBe('这张卡片与该事项不符，请在最新的卡片上操作。');
    expect(bot.logs.lines.filter((l) => l.audit === 'approval_refused' && l.reason === 'task_mismatch').length).toBe(2);
    await unchanged();

    // A's manager on A's card: asked for the photo of the signed slip; the photo completes the step and the GM's opens
    expect(await staffClicks(bot, 'mgrA', ack.taskId, `ap:${ack.id}:ack`)).toContain('拍照');
    const picture = `<xml><ToUserName><![CDATA[${WECOM.corpId}]]></ToUserName><FromUserName><![CDATA[mgrA]]></FromUserName><CreateTime>1764122400</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://example.invalid/p.jpg]]></PicUrl><MediaId><![CDATA[MEDIA_SLIP_A]]></MediaId><MsgId>${nextMsgId()}</MsgId><AgentID>${WECOM.agentId}</AgentID></xml>`;
    const request = wecomRequest(picture);
    expect((await bot.post(request.path, request.body)).status).toBe(200);
    expect(await db().reader.findOneByOrFail(Approval, { id: ack.id })).toMatchObject({ status: 'decided', decision: 'ack', decidedBy: 'mgrA' });
    expect(await db().reader.findOneByOrFail(Penalty, { id: penalty.id })).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'A0123', witnessedBy: 'mgrA' });
    expect(await db().reader.findOneByOrFail(Approval, { penaltyId: penalty.id, step: 'penalty_approve' })).toMatchObject({ status: 'pending', storeId: storeA });
  });
});
