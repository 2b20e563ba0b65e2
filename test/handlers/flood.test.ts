import { Approval, Customer, InboundMessage, Lead, OutboxMessage, Ticket, TicketEvent } from '../../src/entities';
import { RATE_LIMITED_TEXT } from '../../src/bot/dispatcher';
import { wechatyInstalled } from '../../src/bot/wechaty/channel';
import { phoneHash } from '../../src/handlers/customers';
import { addStaff, addStore } from '../support/seed';
import { describeEachDatabase } from '../support/databases';
import { customerSays } from '../support/chat';
import { eventually, startBot, TestClock, type RunningBot } from '../support/harness';

/**
 * One customer must not page the managers without limit (issue 19, item 5): further complaints
 * within COMPLAINT_MERGE_MINUTES join the open case (a serious one upgrades it, paging once), and
 * a sender past RATE_LIMIT_PER_MINUTE is answered politely once and leaves nothing more behind.
 * Real OA callbacks; the managers' group through wechaty-puppet-mock when it is installed.
 */

const THURSDAY_10_AM = Date.parse('2026-11-26T02:00:00Z');
const ROOM_TOPIC = '售后经理群';
const withGroup = wechatyInstalled('wechaty-puppet-mock');

interface MockConversation {
  id: string;
  on(event: 'message', listener: (message: { text(): string | undefined; talker(): { id: string } }) => void): void;
}
interface Mocker {
  createContact(payload?: { name?: string }): MockConversation;
  createRoom(payload?: { topic?: string; memberIdList?: string[] }): MockConversation;
  login(user: MockConversation): void;
}

describeEachDatabase('a customer flooding the bot', ({ db, skipped }) => {
  let bot: RunningBot;
  let clock: TestClock;
  const groupPosts: string[] = [];

  const cards = () => (bot.platform.delivered('/cgi-bin/message/send') as any[]).filter((b) => b.msgtype === 'template_card');
  const cardsOf = async (user: string, ticket: Ticket, step: string) => {
    const taskIds = (await db().reader.findBy(Approval, { ticketId: ticket.id, step })).map((a) => a.taskId);
    return cards().filter((b) => b.touser.split('|').includes(user) && taskIds.includes(b.template_card.task_id));
  };
  /** The GM's page of a serious case: a WeCom text to know (【知悉】), not yet a step to decide. */
  const gmPages = (ticket: Ticket) =>
    (bot.platform.delivered('/cgi-bin/message/send') as any[]).filter((b) => b.msgtype === 'text' && b.touser === 'gm01' && b.text.content.includes(ticket.number));
  const idle = () => eventually(async () => (await bot.bot.outbox.backlog()).pending === 0);
  const customerWithPhone = (openid: string, phone: string) =>
    db().write((m) =>
      m.save(m.create(Customer, { platform: 'wechat', externalId: openid, unionId: null, name: '陈女士', phone, phoneHash: phoneHash(phone), address: null, district: '朝阳区', channel: 'wechat', isMajor: false, storeId: null, subscribed: true, lastInboundAt: null, createdAt: clock.now() })),
    );
  const complaintsOf = (customer: Customer) => db().reader.findBy(Ticket, { customerId: customer.id, kind: 'complaint' });

  beforeAll(async () => {
    if (skipped()) return;
    clock = new TestClock(THURSDAY_10_AM);
    bot = await startBot(db(), { clock, env: withGroup ? { WECHATY_PUPPET: 'wechaty-puppet-mock', WECHATY_MANAGERS_ROOM: ROOM_TOPIC } : {} });
    await db().write(async (m) => {
      await addStore(m, 'CY01', '朝阳门店', '朝阳区', true);
      await addStaff(m, 'cs01', '刘专员', 'cs_specialist', null);
      await addStaff(m, 'csm', '张经理', 'cs_manager', null);
      await addStaff(m, 'gm01', '周总', 'gm', null);
    });
    if (withGroup) {
      const channel = bot.bot.wechaty!;
      const mocker = (channel.puppet as { mocker: Mocker }).mocker;
      const self = mocker.createContact({ name: '售后助手' });
      const room = mocker.createRoom({ topic: ROOM_TOPIC, memberIdList: [self.id, mocker.createContact({ name: '张经理' }).id] });
      room.on('message', (message) => {
        if (message.talker().id === self.id) groupPosts.push(message.text() ?? '');
      });
      mocker.login(self);
      await eventually(() => channel.loggedIn && channel.describe().includes(room.id));
    }
  });
  afterAll(async () => bot?.stop());

  it('five serious complaints in a minute make one case; the CS manager, the GM and the group are paged once', async () => {
    if (skipped()) return;
    const customer = await customerWithPhone('o_flood_1', '13800002222');
    const texts = ['阿姨走后家里的金手镯不见了，我要报警', '家里抽屉里的两千块现金也不见了', '阿姨把我家孩子摔伤了，额头流血', '我的笔记本电脑被阿姨摔坏了', '家里的名表也找不到了，只有阿姨来过'];
    const answers: string[] = [];
    for (const text of texts) answers.push(await customerSays(bot, 'o_flood_1', text));
    const [ticket, ...others] = await complaintsOf(customer);
    expect(others).toEqual([]);
    expect(ticket.severity).toBe('serious');
    expect(answers[0]).toContain(`编号 ${ticket.number}`);
    for (const answer of answers.slice(1)) expect(answer).toContain(`您补充的情况已记入投诉 ${ticket.number}`);
    expect(await db().reader.countBy(TicketEvent, { ticketId: ticket.id, type: 'customer_message' })).toBe(4);
    // the seed's order (issue 16): the CS manager convenes, the call-taker reassures, the GM is paged to know
    // (his instruction step opens only after the CS manager's first report)
    expect(await db().reader.countBy(Approval, { ticketId: ticket.id, step: 'serious_ack' })).toBe(1);
    expect(await db().reader.countBy(Approval, { ticketId: ticket.id, step: 'reassure' })).toBe(1);
    expect(await db().reader.countBy(Approval, { ticketId: ticket.id, step: 'gm_instruction' })).toBe(0);
    await idle();
    expect(await cardsOf('csm', ticket, 'serious_ack')).toHaveLength(1);
    expect(await cardsOf('cs01', ticket, 'reassure')).toHaveLength(1);
    expect(gmPages(ticket)).toHaveLength(1);
    expect(cards().filter((b) => b.template_card.main_title?.title?.includes('严重投诉'))).toHaveLength(2);
    if (withGroup) {
      await eventually(() => groupPosts.filter((t) => t.includes(ticket.number)).length >= 2);
      expect(groupPosts.filter((t) => t.includes(ticket.number))).toHaveLength(2);
    }
  });

  it('an ordinary complaint followed by a serious one: the case becomes serious and pages once; later ones only add to it', async () => {
    if (skipped()) return;
    const customer = await customerWithPhone('o_flood_3', '13800003333');
    await customerSays(bot, 'o_flood_3', '阿姨态度很差，说她两句还顶嘴');
    await customerSays(bot, 'o_flood_3', '没有');
    const [ticket] = await complaintsOf(customer);
    expect(ticket.severity).toBe('ordinary');
    clock.advance(10 * 60_000);
    expect(await customerSays(bot, 'o_flood_3', '阿姨走后我发现家里的金项链不见了')).toContain(`已记入投诉 ${ticket.number}，我们已提高处理级别`);
    expect(await customerSays(bot, 'o_flood_3', '我的金戒指也不见了，我要报警')).toContain(`已记入投诉 ${ticket.number}`);
    expect(await complaintsOf(customer)).toHaveLength(1);
    expect((await db().reader.findOneByOrFail(Ticket, { id: ticket.id })).severity).toBe('serious');
    await idle();
    expect(await cardsOf('csm', ticket, 'serious_ack')).toHaveLength(1);
    expect(await cardsOf('cs01', ticket, 'reassure')).toHaveLength(1);
    expect(gmPages(ticket)).toHaveLength(1);
    // past the window a complaint is a new case again
    clock.advance(61 * 60_000);
    await customerSays(bot, 'o_flood_3', '另一位阿姨今天上门又迟到了一个小时，态度也不好');
    expect(await complaintsOf(customer)).toHaveLength(2);
  });

  it('25 messages in a minute: the 21st is answered politely once, the rest leave nothing; the next minute is served again', async () => {
    if (skipped()) return;
    // 15:00, inside customer-service hours (at lunch or at night 转人工 is registered for later)
    clock.set(THURSDAY_10_AM + 5 * 3600_000);
    const customer = await customerWithPhone('o_flood_2', '13800004444');
    const answers: string[] = [];
    for (let i = 0; i < 20; i++) answers.push(await customerSays(bot, 'o_flood_2', '你好'));
    expect(answers.every((a) => a !== '' && a !== RATE_LIMITED_TEXT)).toBe(true);
    const outbox = await db().reader.count(OutboxMessage);
    // past the limit: what would each open a case or a lead
    const past = ['我要转人工', '我要投诉，阿姨把我家花瓶打碎了', '想找个月嫂，朝阳区，预产期下个月', '我要退款', '我要转人工'];
    const limited: string[] = [];
    for (const text of past) limited.push(await customerSays(bot, 'o_flood_2', text));
    expect(limited).toEqual([RATE_LIMITED_TEXT, '', '', '', '']);
    const rows = await db().reader.findBy(InboundMessage, { sender: 'o_flood_2' });
    expect(rows).toHaveLength(21);
    const marker = rows.filter((r) => r.kind === 'rate_limited');
    expect(marker).toHaveLength(1);
    expect(JSON.stringify(marker[0].event)).not.toContain('转人工');
    expect(await db().reader.countBy(Ticket, { customerId: customer.id })).toBe(0);
    expect(await db().reader.countBy(Lead, { customerId: customer.id })).toBe(0);
    expect(await db().reader.count(OutboxMessage)).toBe(outbox);
    expect(bot.logs.lines.filter((l) => String(l.msg).startsWith('sender past the rate limit'))).toHaveLength(1);
    expect(bot.logs.text()).not.toContain('转人工');
    // a minute later the same customer is served again
    clock.advance(61_000);
    expect(await customerSays(bot, 'o_flood_2', '我要转人工')).toContain('已为您转接人工客服');
    expect(await db().reader.countBy(Ticket, { customerId: customer.id })).toBe(1);
  });
});
