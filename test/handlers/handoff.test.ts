import { Customer, Evidence, Handoff, HandoffMessage, Survey, Ticket, TicketEvent } from '../../src/entities';
import { CHAOYANG, startFlow, THURSDAY_10_AM } from '../support/flow';
import { describeEachDatabase } from '../support/databases';
import { adminSend, customerSays, staffClicks, staffSays } from '../support/chat';
import { eventually, type RunningBot, type TestClock } from '../support/harness';
import { oaSafeRequest } from '../support/wx';

/**
 * Hand-off to a person and the live conversation through the bot (issue 13, R-HO): each trigger,
 * 接入 → two-way messages → 结束, the escalation when nobody takes it, out of hours, the OA's
 * 48-hour window and message allowance with nothing lost, two members of staff each holding
 * customers without crossing, and a refused 接入. Real bot, real encrypted callbacks, real DBs.
 */

const THURSDAY_9_PM = Date.parse('2026-11-26T13:00:00Z');
const MINUTE = 60_000;

describeEachDatabase('hand-off to a person', ({ db, skipped }) => {
  let bot: RunningBot;
  let clock: TestClock;

  beforeAll(async () => {
    if (skipped()) return;
    ({ bot, clock } = await startFlow(db(), {
      stores: [CHAOYANG],
      staff: [
        ['cs01', '刘专员', 'cs_specialist', 'CY01'],
        ['cs02', '陈专员', 'cs_specialist', 'CY01'],
        ['csm', '张经理', 'cs_manager', 'CY01'],
        ['sales', '李顾问', 'consultant', 'CY01'],
      ],
    }));
  });
  afterAll(async () => bot?.stop());
  beforeEach(() => clock?.set(THURSDAY_10_AM));

  const toCustomer = (openid: string) => (bot.platform.delivered('/cgi-bin/message/custom/send') as any[]).filter((b) => b.touser === openid).map((b) => b.text.content as string);
  const toStaff = (userId: string) => (bot.platform.delivered('/cgi-bin/message/send') as any[]).filter((b) => String(b.touser).split('|').includes(userId));
  const textsTo = (userId: string) => toStaff(userId).filter((b) => b.msgtype === 'text').map((b) => b.text.content as string);
  const cardsTo = (userId: string) => toStaff(userId).filter((b) => b.msgtype === 'template_card').map((b) => b.template_card);
  const customerOf = (openid: string) => db().reader.findOneByOrFail(Customer, { externalId: openid });
  const handoffOf = async (openid: string) => db().reader.findOneOrFail(Handoff, { where: { customerId: (await customerOf(openid)).id }, order: { id: 'DESC' } });
  const take = async (userId: string, openid: string) => staffClicks(bot, userId, `handoff-${(await handoffOf(openid)).id}-new`, `ho:${(await handoffOf(openid)).id}:take`);

  it('转人工: a case, a card to the specialists on duty, and the customer told who comes and by when (no more 「已通知门店」)', async () => {
    if (skipped()) return;
    const reply = await customerSays(bot, 'o_ask', '转人工');
    expect(reply).toMatch(/已为您转接人工客服（编号 TS\d+），客服会在5分钟内接入/);
    const handoff = await handoffOf('o_ask');
    expect(handoff).toMatchObject({ status: 'waiting', reason: 'asked', urgent: false });
    expect((await db().reader.findOneByOrFail(Ticket, { id: handoff.ticketId! })).kind).toBe('question');
    const card = await eventually(() => cardsTo('cs01').find((c) => c.task_id === `handoff-${handoff.id}-new`));
    expect(card.button_list.map((b: any) => b.text)).toEqual(['接入', '转给…', '无需处理']);
    expect(JSON.stringify(card)).toContain('转人工');
    expect(cardsTo('cs02').some((c) => c.task_id === card.task_id)).toBe(true);
  });

  it('not understood twice in a row: the second time a person is asked to help', async () => {
    if (skipped()) return;
    expect(await customerSays(bot, 'o_lost', '蓝色的月亮在唱歌')).toContain('没太明白');
    expect(await customerSays(bot, 'o_lost', '嗯嗯那个啥')).toContain('连续两次没能理解');
    expect(await handoffOf('o_lost')).toMatchObject({ status: 'waiting', reason: 'not_understood' });
  });

  it('an upset customer: the complaint is still recorded, and a person is told as well', async () => {
    if (skipped()) return;
    const reply = await customerSays(bot, 'o_fire', '阿姨做饭的时候把厨房烧了，损失很大，你们必须给个说法');
    const handoff = await handoffOf('o_fire');
    expect(handoff).toMatchObject({ reason: 'upset', urgent: true, status: 'waiting' });
    const ticket = await db().reader.findOneByOrFail(Ticket, { id: handoff.ticketId! });
    expect(ticket.kind).toBe('complaint');
    expect(reply).toContain('客服专员亲自跟进');
    expect(reply).toContain(ticket.number);
    const angry = await customerSays(bot, 'o_angry', '我很生气，上门服务的人没穿工服也没带工具');
    expect(angry).not.toContain('没太明白');
    expect(await handoffOf('o_angry')).toMatchObject({ reason: 'upset', urgent: true });
  });

  it('upset after a hand-off is already open, or while the rules hand off themselves: the customer is told of the person once', async () => {
    if (skipped()) return;
    const handoffLines = (reply: string) => reply.split('\n').filter((line) => /转接人工客服|转人工请求|请人工客服|值班同事/.test(line));
    await customerSays(bot, 'o_twice', '转人工');
    const waiting = await customerSays(bot, 'o_twice', '气死我了，到底有没有人管！');
    expect(handoffLines(waiting)).toHaveLength(1);
    expect(await handoffOf('o_twice')).toMatchObject({ reason: 'asked', urgent: true, status: 'waiting' });
    expect(await customerSays(bot, 'o_muddle', '蓝色的月亮在唱歌')).toContain('没太明白');
    const second = await customerSays(bot, 'o_muddle', '气死我了！！！');
    expect(handoffLines(second)).toHaveLength(1);
    expect(await handoffOf('o_muddle')).toMatchObject({ urgent: true, status: 'waiting' });
  });

  it('接入 refused to someone who is not CS staff; nothing changes', async () => {
    if (skipped()) return;
    await customerSays(bot, 'o_refuse', '人工客服');
    const handoff = await handoffOf('o_refuse');
    expect(await staffClicks(bot, 'sales', `handoff-${handoff.id}-new`, `ho:${handoff.id}:take`)).toContain('只有客服专员');
    expect(await handoffOf('o_refuse')).toMatchObject({ status: 'waiting', staffId: null });
    expect(JSON.stringify(bot.logs.lines)).toContain('handoff_refused');
  });

  it('接入 → two-way messages → 结束: the customer back with the bot and asked how it went; the case keeps the exchange', async () => {
    if (skipped()) return;
    await customerSays(bot, 'o_live', '我很生气，阿姨把我家花瓶打碎了');
    const handoff = await handoffOf('o_live');
    expect(await take('cs01', 'o_live')).toContain('已接入 [A]');
    await eventually(() => toCustomer('o_live').find((t) => t.includes('客服刘专员已接入')));
    // the customer's words reach the member of staff, the bot stays quiet
    expect(await customerSays(bot, 'o_live', '花瓶是我奶奶留下的')).toBe('');
    await eventually(() => textsTo('cs01').find((t) => t.startsWith('[A]') && t.includes('花瓶是我奶奶留下的')));
    // plain text from the holder goes to the customer
    await staffSays(bot, 'cs01', '非常抱歉，我们会照价赔偿，请问花瓶大概多少钱？');
    await eventually(() => toCustomer('o_live').find((t) => t.includes('照价赔偿')));
    // commands still work while holding a conversation
    expect(await staffSays(bot, 'cs01', '列表')).toContain('[A]');
    const ended = await staffSays(bot, 'cs01', '结束');
    expect(ended).toContain('已结束与 [A]');
    await eventually(() => toCustomer('o_live').find((t) => t.includes('请为本次客服的服务打分')));
    expect(await handoffOf('o_live')).toMatchObject({ status: 'closed' });
    expect(await customerSays(bot, 'o_live', '5分')).toContain('感谢您的评价');
    expect(await db().reader.findOneByOrFail(Survey, { source: 'handoff', sourceId: handoff.id })).toMatchObject({ status: 'answered', score: 5 });
    const timeline = await db().reader.find(TicketEvent, { where: { ticketId: handoff.ticketId! }, order: { id: 'ASC' } });
    expect(timeline.map((e) => e.note)).toEqual(expect.arrayContaining(['花瓶是我奶奶留下的', '非常抱歉，我们会照价赔偿，请问花瓶大概多少钱？']));
    // back with the bot: a new message is answered by it again
    expect(await customerSays(bot, 'o_live', '查进度')).not.toBe('');
  });

  it('a picture during the conversation is kept as evidence and shown to the member of staff as a picture', async () => {
    if (skipped()) return;
    await customerSays(bot, 'o_pic', '转人工');
    await take('cs02', 'o_pic');
    const xml = `<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[o_pic]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://x/p.jpg]]></PicUrl><MediaId><![CDATA[photo_handoff_1]]></MediaId><MsgId>${Date.now()}01</MsgId></xml>`;
    const request = oaSafeRequest(xml);
    const response = await bot.post(request.path, request.body);
    expect(response.status).toBe(200);
    // the bot says nothing itself: the picture went to the member of staff
    expect(['', 'success']).toContain(response.text);
    const evidence = await eventually(() => db().reader.findOneBy(Evidence, { mediaId: 'photo_handoff_1', status: 'stored' }));
    expect(evidence!.ticketId).toBe((await handoffOf('o_pic')).ticketId);
    // the picture is sent once its download is stored: the download (media lane) and the sending
    // (message lane) run side by side, so a try before the file is there is retried after the
    // outbox's backoff — which only passes on the bot's clock, stopped in this test: let it run on
    await eventually(() => {
      const picture = toStaff('cs02').find((b) => b.msgtype === 'image');
      if (!picture) clock.advance(1_000);
      return picture;
    }, 20_000);
    expect(bot.platform.delivered('/cgi-bin/media/upload').length).toBeGreaterThan(0);
    await staffSays(bot, 'cs02', '结束');
  });

  it('two members of staff each hold customers: tags, @tag, 切换, and nothing crosses', async () => {
    if (skipped()) return;
    for (const openid of ['o_x1', 'o_x2', 'o_y1']) await customerSays(bot, openid, '找客服');
    await take('cs01', 'o_x1');
    await take('cs01', 'o_x2');
    await take('cs02', 'o_y1');
    expect(await handoffOf('o_x1')).toMatchObject({ tag: 'A' });
    expect(await handoffOf('o_x2')).toMatchObject({ tag: 'B' });
    await customerSays(bot, 'o_x1', '我是X1');
    await customerSays(bot, 'o_y1', '我是Y1');
    await eventually(() => textsTo('cs01').find((t) => t.includes('我是X1')));
    await eventually(() => textsTo('cs02').find((t) => t.includes('我是Y1')));
    expect(textsTo('cs01').some((t) => t.includes('我是Y1'))).toBe(false);
    expect(textsTo('cs02').some((t) => t.includes('我是X1'))).toBe(false);
    // default: the last customer who wrote to cs01 (X1); @B names the other
    await staffSays(bot, 'cs01', '给X1的回复');
    await staffSays(bot, 'cs01', '@B 给X2的回复');
    await staffSays(bot, 'cs02', '给Y1的回复');
    await eventually(() => toCustomer('o_y1').find((t) => t === '给Y1的回复'));
    await eventually(() => toCustomer('o_x2').find((t) => t === '给X2的回复'));
    await eventually(() => toCustomer('o_x1').find((t) => t === '给X1的回复'));
    // @B moved the focus to X2; 切换 A moves it back
    expect(await staffSays(bot, 'cs01', '切换 A')).toContain('已切换到 [A]');
    await staffSays(bot, 'cs01', '又给X1');
    await eventually(() => toCustomer('o_x1').find((t) => t === '又给X1'));
    for (const openid of ['o_x1', 'o_x2', 'o_y1']) {
      const others = toCustomer(openid).filter((t) => t.startsWith('给') || t.startsWith('又'));
      expect(others.every((t) => t.includes(openid === 'o_x1' ? 'X1' : openid === 'o_x2' ? 'X2' : 'Y1'))).toBe(true);
    }
    await staffSays(bot, 'cs01', '结束 A');
    await staffSays(bot, 'cs01', '结束 B');
    await staffSays(bot, 'cs02', '结束');
  });

  it('the allowance: 5 replies per customer message, staff told when few are left, the 6th held and sent with the next customer message', async () => {
    if (skipped()) return;
    await customerSays(bot, 'o_quota', '转人工');
    await take('cs01', 'o_quota'); // the bot's 「已接入」 is the first of the 5
    await customerSays(bot, 'o_quota', '你好'); // a new allowance of 5
    const answers: string[] = [];
    for (let i = 1; i <= 6; i++) answers.push(await staffSays(bot, 'cs01', `第${i}条`));
    expect(answers[2]).toContain('还可再发 2 条');
    expect(answers[4]).toContain('还可再发 0 条');
    expect(answers[5]).toContain('额度已用完');
    await eventually(() => toCustomer('o_quota').find((t) => t === '第5条'));
    expect(toCustomer('o_quota')).not.toContain('第6条');
    const held = await db().reader.find(HandoffMessage, { where: { customerId: (await customerOf('o_quota')).id, status: 'held' } });
    expect(held.map((m) => m.text)).toEqual(['第6条']);
    await customerSays(bot, 'o_quota', '收到');
    await eventually(() => toCustomer('o_quota').find((t) => t === '第6条'));
    await eventually(() => textsTo('cs01').find((t) => t.includes('之前保存的 1 条消息已发出')));
    await staffSays(bot, 'cs01', '结束');
  });

  it('the 48-hour window: a late reply is not lost — staff told at once, sent when the customer writes again', async () => {
    if (skipped()) return;
    await customerSays(bot, 'o_late', '转人工');
    await take('cs02', 'o_late');
    clock.advance(49 * 3600_000);
    // idle close would end it: keep it alive as if both sides had just been talking
    const late = await customerOf('o_late');
    await db().write((m) => m.update(Handoff, { customerId: late.id }, { lastActivityAt: clock.now() }));
    expect(await staffSays(bot, 'cs02', '久等了，这是处理结果')).toContain('超过48小时');
    expect(toCustomer('o_late')).not.toContain('久等了，这是处理结果');
    await customerSays(bot, 'o_late', '我回来了');
    await eventually(() => toCustomer('o_late').find((t) => t === '久等了，这是处理结果'));
    await staffSays(bot, 'cs02', '结束');
  });

  it('not taken within HANDOFF_ACCEPT_MINUTES of working time → the CS manager gets the card', async () => {
    if (skipped()) return;
    await customerSays(bot, 'o_wait', '转人工');
    const handoff = await handoffOf('o_wait');
    clock.advance(4 * MINUTE);
    await bot.bot.jobs.runNow('handoffs');
    expect((await handoffOf('o_wait')).escalatedAt).toBeNull();
    clock.advance(2 * MINUTE);
    await bot.bot.jobs.runNow('handoffs');
    expect((await handoffOf('o_wait')).escalatedAt).not.toBeNull();
    const card = await eventually(() => cardsTo('csm').find((c) => String(c.task_id).startsWith(`handoff-${handoff.id}-esc`)));
    expect(card.main_title.title).toContain('超时未接入');
    await eventually(() => textsTo('csm').find((t) => t.includes('无人接入')));
    // the manager may take it from the escalated card
    expect(await staffClicks(bot, 'csm', card.task_id, `ho:${handoff.id}:take`)).toContain('已接入');
    await staffSays(bot, 'csm', '结束');
  });

  it('out of hours: an upset customer pages the person on call (值班); an ordinary one waits for the morning, told so', async () => {
    if (skipped()) return;
    expect(await staffSays(bot, 'sales', '值班 陈专员 2026-11-26')).toContain('只有客服经理');
    expect(await staffSays(bot, 'csm', '值班 陈专员 2026-11-26')).toContain('已安排陈专员值班');
    const listed = await adminSend(bot, 'POST', '/api/oncall', { staff: 'nobody', startsAt: '2026-11-27T10:00:00Z', endsAt: '2026-11-27T12:00:00Z' });
    expect(listed.status).toBe(404);
    clock.set(THURSDAY_9_PM);
    const urgent = await customerSays(bot, 'o_night1', '你们的阿姨偷了我的东西，我要报警，必须给个说法');
    expect(urgent).toContain('值班同事陈专员');
    const paged = await handoffOf('o_night1');
    expect(paged.pagedAt).toBe(THURSDAY_9_PM);
    await eventually(() => cardsTo('cs02').find((c) => String(c.task_id).startsWith(`handoff-${paged.id}-paged`)));
    const calm = await customerSays(bot, 'o_night2', '转人工');
    expect(calm).toContain('下班时间');
    expect(calm).toContain('11月27日 09:00');
    expect(await handoffOf('o_night2')).toMatchObject({ status: 'waiting', pagedAt: null });
    // the morning clock: due five working minutes after opening, not five minutes after 21:00
    expect((await handoffOf('o_night2')).dueAt).toBe(Date.parse('2026-11-27T01:05:00Z'));
  });
});
