import { Conversation, Customer, Lead, Ticket, TicketEvent } from '../../../src/entities';
import { describeEachDatabase } from '../../support/databases';
import { adminGet, customerEvent, customerSays } from '../../support/chat';
import { startBot, TestClock, type RunningBot } from '../../support/harness';

/**
 * The customer's conversation end to end: real encrypted OA callbacks in, the passive reply out,
 * and the records and timeline left behind — on SQLite and on MariaDB.
 */

/** A fixed Thursday 10:00 in Shanghai: replies that quote dates or working hours never depend on today. */
const THURSDAY_10_AM = Date.parse('2026-11-26T02:00:00Z');

describeEachDatabase('customer dialogue', ({ db, skipped }) => {
  let bot: RunningBot;
  let clock: TestClock;
  let n = 0;
  const openid = () => `o_dialogue_${n++}`;

  beforeAll(async () => {
    if (skipped()) return;
    clock = new TestClock(THURSDAY_10_AM);
    bot = await startBot(db(), { clock });
  });
  afterAll(async () => bot?.stop());

  const customerOf = (externalId: string) => db().reader.findOneByOrFail(Customer, { externalId });
  const ticketsOf = async (externalId: string) => db().reader.find(Ticket, { where: { customerId: (await customerOf(externalId)).id }, order: { id: 'ASC' } });
  const leadsOf = async (externalId: string) => db().reader.find(Lead, { where: { customerId: (await customerOf(externalId)).id }, order: { id: 'ASC' } });

  it('subscribe greets and says what the bot can do', async () => {
    if (skipped()) return;
    const reply = await customerEvent(bot, openid(), 'subscribe');
    expect(reply).toContain('售后服务助手');
    expect(reply).toContain('查进度');
  });

  it('an inquiry becomes a lead at once, asks for one missing fact at a time, and is submitted when complete', async () => {
    if (skipped()) return;
    const me = openid();
    const first = await customerSays(bot, me, '你好，我想找个月嫂，预产期是下个月');
    expect(first).toContain('月嫂');
    expect(first).toContain('哪个区');
    const [draft] = await leadsOf(me);
    expect(draft).toMatchObject({ status: 'draft', serviceType: '月嫂', channel: 'wechat' });
    expect(draft.number).toMatch(/^XS\d{12}$/);

    expect(await customerSays(bot, me, '朝阳区')).toContain('手机号');
    expect(await customerSays(bot, me, '138 0013 8000')).toContain('怎么称呼');
    const done = await customerSays(bot, me, '王女士');
    expect(done).toContain(draft.number);
    expect(done).toContain('138****8000');
    expect(done).toContain('24小时');

    const [lead] = await leadsOf(me);
    expect(lead).toMatchObject({ status: 'new', district: '朝阳区', serviceType: '月嫂' });
    const customer = await customerOf(me);
    expect(customer).toMatchObject({ name: '王女士', phone: '13800138000', district: '朝阳区' });
    const timeline = await db().reader.find(TicketEvent, { where: { leadId: lead.id }, order: { id: 'ASC' } });
    expect(timeline.map((e) => e.type)).toEqual(['created', 'customer_message', 'customer_message', 'customer_message', 'status']);
    expect(await db().reader.findOneByOrFail(Conversation, { customerId: customer.id })).toMatchObject({ flow: 'idle' });
  });

  it('a customer can correct a fact while the dialogue runs', async () => {
    if (skipped()) return;
    const me = openid();
    await customerSays(bot, me, '需要一个钟点工，每周打扫两次');
    await customerSays(bot, me, '海淀区');
    await customerSays(bot, me, '不对，是西城区');
    const [lead] = await leadsOf(me);
    expect(lead.district).toBe('西城区');
  });

  it('a customer can cancel a half-finished booking; what was said is kept', async () => {
    if (skipped()) return;
    const me = openid();
    await customerSays(bot, me, '想请个住家保姆照顾孩子');
    expect(await customerSays(bot, me, '算了，不用了')).toContain('已取消');
    const [lead] = await leadsOf(me);
    expect(lead.status).toBe('cancelled');
    expect(lead.need).toContain('住家保姆');
  });

  it('an ordinary complaint: case number, the 24-hour promises, a safety question, then the phone', async () => {
    if (skipped()) return;
    const me = openid();
    const reply = await customerSays(bot, me, '你们的阿姨态度太差了，说她两句就顶嘴，还总玩手机');
    const [ticket] = await ticketsOf(me);
    expect(ticket).toMatchObject({ kind: 'complaint', severity: 'ordinary', category: 'attitude', status: 'accepted' });
    expect(ticket.number).toMatch(/^TS\d{12}$/);
    expect(reply).toContain(ticket.number);
    expect(reply).toContain('24小时内与您联系');
    expect(reply).toContain('每24小时');
    expect(reply).toContain('财物');
    expect(ticket.replyDueAt! - ticket.createdAt).toBe(24 * 3600_000);
    expect(ticket.feedbackDueAt! - ticket.createdAt).toBe(24 * 3600_000);
    expect(await customerSays(bot, me, '没有')).toContain('手机号');
    expect(await customerSays(bot, me, '13912345678')).toContain('139****5678');
    expect((await ticketsOf(me))[0].severity).toBe('ordinary');
  });

  it('the safety question catches a theft the first message did not say', async () => {
    if (skipped()) return;
    const me = openid();
    await customerSays(bot, me, '对你们服务很不满意，阿姨做事很不靠谱');
    const reply = await customerSays(bot, me, '有，我放在抽屉里的两千块钱不见了');
    expect(reply).toContain('紧急上报客服部经理');
    const [ticket] = await ticketsOf(me);
    expect(ticket.severity).toBe('serious');
    const events = await db().reader.find(TicketEvent, { where: { ticketId: ticket.id } });
    expect(events.map((e) => e.type)).toContain('severity');
  });

  it('a serious incident is recorded as serious and the customer is told a manager is on it now', async () => {
    if (skipped()) return;
    const me = openid();
    const reply = await customerSays(bot, me, '家里的金项链不见了，阿姨走后才发现的，我们准备报警');
    const [ticket] = await ticketsOf(me);
    expect(ticket).toMatchObject({ kind: 'complaint', severity: 'serious', category: 'theft' });
    expect(reply).toContain('紧急上报客服部经理');
    expect(reply).toContain('经理');
    expect(reply).toContain(ticket.number);
    expect(ticket.replyDueAt! - ticket.createdAt).toBeLessThanOrEqual(3600_000);
  });

  it('"我要投诉" alone asks what happened before opening the case', async () => {
    if (skipped()) return;
    const me = openid();
    expect(await customerSays(bot, me, '我要投诉')).toContain('具体发生了什么');
    expect(await ticketsOf(me)).toHaveLength(0);
    const reply = await customerSays(bot, me, '阿姨今天又迟到了一个小时');
    const [ticket] = await ticketsOf(me);
    expect(ticket).toMatchObject({ kind: 'complaint', category: 'lateness' });
    expect(reply).toContain(ticket.number);
  });

  it('a mixed message: the complaint is recorded and the question answered too', async () => {
    if (skipped()) return;
    const me = openid();
    const reply = await customerSays(bot, me, '阿姨做饭太难吃了，另外你们的服务承诺是什么？');
    const [ticket] = await ticketsOf(me);
    expect(ticket).toMatchObject({ kind: 'complaint', category: 'quality' });
    expect(reply).toContain(ticket.number);
    // the question about the service promise is answered in the same reply, with the configured figures
    expect(reply).toContain('另外，关于您的问题：我们的服务承诺');
    expect(reply).toContain('15天内可申请无理由退换');
    expect(await ticketsOf(me)).toHaveLength(1);
  });

  it.each([
    ['想换个阿姨，现在这个不太合适', 'replacement', '更换阿姨', '24小时内与您联系，安排合适的阿姨'],
    ['能不能派个人上门来看看，阿姨说洗衣机用不了', 'on_site', '上门服务', '小时内安排人员到场'],
    ['阿姨下周请假三天，需要安排一个替班的', 'leave_cover', '替班', '安排合适的阿姨'],
    ['服务才开始一周，我想退款', 'refund', '退款/退换', '15天内可申请无理由退换'],
  ])('a service request "%s" opens a ticket of kind %s with the commitment that applies', async (text, kind, name, promise) => {
    if (skipped()) return;
    const me = openid();
    const reply = await customerSays(bot, me, text);
    const [ticket] = await ticketsOf(me);
    expect(ticket).toMatchObject({ kind: 'service_request', category: kind, status: 'open' });
    expect(reply).toContain(`您的${name}申请已受理，编号 ${ticket.number}`);
    expect(reply).toContain(promise);
  });

  it('damage to the home with a request to come and look is a serious property-damage complaint', async () => {
    if (skipped()) return;
    const me = openid();
    const reply = await customerSays(bot, me, '家里水管被阿姨弄坏了，能派人上门看看吗');
    const tickets = await ticketsOf(me);
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({ kind: 'complaint', severity: 'serious', category: 'property_damage' });
    expect(reply).toContain(tickets[0].number);
    expect(reply).toContain('紧急上报客服部经理');
  });

  it('status query lists open cases in plain Chinese', async () => {
    if (skipped()) return;
    const me = openid();
    expect(await customerSays(bot, me, '我的工单进度怎么样了')).toContain('没有进行中');
    await customerSays(bot, me, '想换个阿姨');
    const [ticket] = await ticketsOf(me);
    const reply = await customerSays(bot, me, '查进度');
    expect(reply).toContain(ticket.number);
    expect(reply).toContain('售后服务');
  });

  it('转人工 opens a hand-off ticket; FAQ and greeting are answered without records', async () => {
    if (skipped()) return;
    const me = openid();
    expect(await customerSays(bot, me, '转人工')).toContain('人工客服');
    expect((await ticketsOf(me))[0]).toMatchObject({ kind: 'question', category: 'human' });
    expect(await customerSays(bot, me, '你们都提供哪些服务')).toContain('月嫂');
    expect(await customerSays(bot, me, '你好')).toContain('可以帮您');
    expect(await ticketsOf(me)).toHaveLength(1);
  });

  it('menu clicks map to the same intents', async () => {
    if (skipped()) return;
    const me = openid();
    expect(await customerEvent(bot, me, 'CLICK', 'MENU_COMPLAIN')).toContain('具体发生了什么');
    expect(await customerEvent(bot, me, 'CLICK', 'MENU_STATUS')).toContain('进行中');
  });

  it('a photo goes with the open case; without one it is acknowledged', async () => {
    if (skipped()) return;
    const me = openid();
    const { oaSafeRequest } = await import('../../support/wx');
    const image = (mediaId: string) =>
      `<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[${me}]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://mmbiz/x]]></PicUrl><MediaId><![CDATA[${mediaId}]]></MediaId><MsgId>${Date.now()}${n}</MsgId></xml>`;
    const { contentOf } = await import('../../support/chat');
    const { openReply } = await import('../../support/wx');
    const send = async (mediaId: string) => contentOf(openReply((await bot.post(...Object.values(oaSafeRequest(image(mediaId))) as [string, string])).text, 'wechat'));
    expect(await send('MEDIA_A')).toContain('请问需要什么帮助');
    await customerSays(bot, me, '阿姨把我家的花瓶打碎了');
    const [ticket] = await ticketsOf(me);
    expect(await send('MEDIA_B')).toContain(ticket.number);
    const { body } = await adminGet(bot, `/api/tickets/${ticket.id}`);
    expect(body.timeline).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'media', data: { mediaType: 'image', mediaId: 'MEDIA_B' } })]));
  });

  it('an idle dialogue times out: the next message starts fresh, the draft is kept', async () => {
    if (skipped()) return;
    const me = openid();
    await customerSays(bot, me, '我想找个育儿嫂');
    clock.advance(31 * 60_000);
    expect(await customerSays(bot, me, '你好')).toContain('可以帮您');
    const [lead] = await leadsOf(me);
    expect(lead).toMatchObject({ status: 'draft', serviceType: '育儿嫂' });
    // asking again continues the same draft rather than starting a second lead
    expect(await customerSays(bot, me, '还是想找育儿嫂')).toContain('哪个区');
    expect(await leadsOf(me)).toHaveLength(1);
  });

  describe('bad input gets a sensible answer and no garbage records', () => {
    it.each([
      ['empty text', ''],
      ['emoji only', '😀😀👍'],
      ['English', 'Hello, do you speak English?'],
      ['2,000 characters', '的'.repeat(2000)],
    ])('%s', async (_name, text) => {
      if (skipped()) return;
      const me = openid();
      const reply = await customerSays(bot, me, text);
      expect(reply.length).toBeGreaterThan(0);
      expect(await ticketsOf(me)).toHaveLength(0);
      expect(await leadsOf(me)).toHaveLength(0);
    });

    it('only a phone number: remembered on the customer, the bot asks what they need', async () => {
      if (skipped()) return;
      const me = openid();
      expect(await customerSays(bot, me, '13700001111')).toContain('137****1111');
      expect((await customerOf(me)).phone).toBe('13700001111');
      expect(await leadsOf(me)).toHaveLength(0);
    });

    it('a complaint in the middle of a booking opens the complaint and keeps the booking draft', async () => {
      if (skipped()) return;
      const me = openid();
      await customerSays(bot, me, '想找个保洁阿姨');
      const reply = await customerSays(bot, me, '对了，上次来的保洁把我的手机摔坏了');
      const [ticket] = await ticketsOf(me);
      expect(ticket.severity).toBe('serious');
      expect(reply).toContain(ticket.number);
      expect((await leadsOf(me))[0].status).toBe('draft');
    });

    it('an invalid phone number is questioned, not stored', async () => {
      if (skipped()) return;
      const me = openid();
      await customerSays(bot, me, '需要老人陪护，在浦东新区');
      expect(await customerSays(bot, me, '1380013')).toContain('11位手机号');
      expect((await customerOf(me)).phone).toBeNull();
    });
  });
});
