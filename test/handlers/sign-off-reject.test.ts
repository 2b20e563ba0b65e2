import { Approval, Customer, Ticket } from '../../src/entities';
import { CHAOYANG, HEAD_OFFICE, startFlow } from '../support/flow';
import { describeEachDatabase } from '../support/databases';
import { customerSays, staffClicks, staffSays } from '../support/chat';
import { eventually, type RunningBot } from '../support/harness';

/**
 * 驳回 on the sign-off steps of the 门店问题处理详情表 (R-CP-2): a rejected signature, by the CS
 * manager or by the GM, sends the case back to the CS manager's final decision; the new decision
 * is told to the customer and goes through telling and signing again.
 */

describeEachDatabase('sign-off rejected', ({ db, skipped }) => {
  let bot: RunningBot;

  beforeAll(async () => {
    if (skipped()) return;
    ({ bot } = await startFlow(db(), {
      stores: [CHAOYANG],
      staff: [
        ...HEAD_OFFICE,
        ['mgr', '王店长', 'store_manager', 'CY01'],
      ],
    }));
  });
  afterAll(async () => bot?.stop());

  const customerTexts = (openid: string) => (bot.platform.delivered('/cgi-bin/message/custom/send') as any[]).filter((b) => b.touser === openid).map((b) => b.text.content as string);
  const reload = (ticket: Ticket) => db().reader.findOneByOrFail(Ticket, { id: ticket.id });
  /** The newest card of a step (a step sent back is opened again as a new card). */
  const latest = (ticket: Ticket, step: string) => db().reader.findOneOrFail(Approval, { where: { ticketId: ticket.id, step }, order: { id: 'DESC' } });
  /** The newest card of a step once it is open (it is opened after the previous step's commit). */
  const pending = (ticket: Ticket, step: string) =>
    eventually(async () => {
      const approval = await latest(ticket, step);
      if (approval.status !== 'pending') throw new Error(`${step} not open yet`);
      return approval;
    });
  const click = async (user: string, approval: Approval, choice: string) => staffClicks(bot, user, approval.taskId, `ap:${approval.id}:${choice}`);

  /** The CS manager decides, the store tells the customer: the case waits for the CS manager's signature. */
  async function decideAndTell(ticket: Ticket, decision: string): Promise<void> {
    await eventually(async () => (await latest(ticket, 'decision')).status === 'pending');
    await staffSays(bot, 'csm', `${ticket.number} ${decision}`);
    expect((await reload(ticket)).status).toBe('decided');
    // the store delivers the decision (the seed's order): the customer is told it is coming, not its words
    await eventually(() => customerTexts('o_reject').find((t) => t.includes('处理方案已确定') && t.includes(ticket.number)));
    expect(customerTexts('o_reject').some((t) => t.includes(decision))).toBe(false);
    await click('mgr', await pending(ticket, 'communicated'), 'phone');
    expect((await reload(ticket)).status).toBe('communicated');
  }

  it('驳回 by the CS manager, then by the GM, each sends the case back to the final decision', async () => {
    if (skipped()) return;
    await customerSays(bot, 'o_reject', '阿姨总是迟到，说了好几次也不改');
    await customerSays(bot, 'o_reject', '没有');
    await customerSays(bot, 'o_reject', '13800002222');
    const customer = await db().reader.findOneByOrFail(Customer, { externalId: 'o_reject' });
    const ticket = await db().reader.findOneByOrFail(Ticket, { kind: 'complaint', customerId: customer.id });
    await staffSays(bot, 'cs01', `${ticket.number} 已电话致歉，承诺11月28日前处理完毕`);
    await staffSays(bot, 'csm', `${ticket.number} 请门店调查核实`);
    await staffSays(bot, 'mgr', `${ticket.number} 调查属实，阿姨交通原因迟到，已提醒`);
    expect((await reload(ticket)).status).toBe('investigated');

    await decideAndTell(ticket, '向客户道歉，阿姨调整出门时间');
    const firstDecision = await latest(ticket, 'decision');

    // the CS manager will not sign this: 驳回 → back to the decision, the signature card closed
    const signCs = await latest(ticket, 'sign_cs');
    await click('csm', signCs, 'reject');
    expect(await db().reader.findOneByOrFail(Approval, { id: signCs.id })).toMatchObject({ status: 'decided', decision: 'reject' });
    expect((await reload(ticket)).status).toBe('investigated');
    const secondDecision = await latest(ticket, 'decision');
    expect(secondDecision.id).not.toBe(firstDecision.id);
    expect(secondDecision).toMatchObject({ status: 'pending', role: 'cs_manager' });

    await decideAndTell(ticket, '向客户道歉并减免三天服务费');
    const signCsAgain = await latest(ticket, 'sign_cs');
    expect(signCsAgain.id).not.toBe(signCs.id);
    await click('csm', signCsAgain, 'approve');
    expect((await reload(ticket)).status).toBe('signed_cs');

    // the GM will not sign either: 驳回 → back to the decision once more, nothing archived
    const signGm = await pending(ticket, 'sign_gm');
    await click('gm01', signGm, 'reject');
    const afterGm = await reload(ticket);
    expect(afterGm).toMatchObject({ status: 'investigated', closedAt: null });
    expect(await latest(ticket, 'decision')).toMatchObject({ status: 'pending' });
    expect((await latest(ticket, 'decision')).id).not.toBe(secondDecision.id);
    expect(customerTexts('o_reject').some((t) => t.includes('已处理完毕并归档'))).toBe(false);

    // the third decision goes all the way through this time
    await decideAndTell(ticket, '向客户道歉，减免一周服务费，阿姨参加培训');
    await click('csm', await latest(ticket, 'sign_cs'), 'approve');
    await click('gm01', await pending(ticket, 'sign_gm'), 'approve');
    expect((await reload(ticket)).status).toBe('archived');
    await eventually(() => customerTexts('o_reject').find((t) => t.includes('已处理完毕并归档')));
  });
});
