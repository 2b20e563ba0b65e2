import { Staff } from '../../src/entities';
import { describeEachDatabase } from '../support/databases';
import { adminGet, customerSays, staffSays } from '../support/chat';
import { startBot, type RunningBot } from '../support/harness';

describeEachDatabase('admin API: leads, tickets, customers', ({ db, skipped }) => {
  let bot: RunningBot;
  beforeAll(async () => {
    if (skipped()) return;
    bot = await startBot(db());
    await db().write((m) => m.insert(Staff, { wecomUserId: 'cs01', name: '客服小李', roles: 'cs_specialist', storeId: null, active: true, workingHours: '09:00-18:00', lastAssignedAt: null }));
    await customerSays(bot, 'o_api_1', '阿姨把我家的相机摔坏了，电话13811112222');
    await customerSays(bot, 'o_api_2', "我想找月嫂'); DROP TABLE lead; -- <script>alert(1)</script>");
  });
  afterAll(async () => bot?.stop());

  it('refuses without the bearer token, and with a wrong one', async () => {
    if (skipped()) return;
    expect((await adminGet(bot, '/api/tickets', '')).status).toBe(401);
    expect((await adminGet(bot, '/api/tickets', 'wrong')).status).toBe(401);
  });

  it('is disabled without ADMIN_TOKEN', async () => {
    if (skipped()) return;
    const other = await startBot(db(), { env: { ADMIN_TOKEN: '' }, background: false });
    try {
      const res = await adminGet(other, '/api/tickets');
      expect(res).toEqual({ status: 503, body: { error: 'the admin API is disabled: set ADMIN_TOKEN' } });
    } finally {
      await other.stop();
    }
  });

  it('lists tickets with filters and shows one with its timeline, personal fields decrypted', async () => {
    if (skipped()) return;
    const { body } = await adminGet(bot, '/api/tickets?kind=complaint&severity=serious&openid=o_api_1');
    expect(body.tickets).toHaveLength(1);
    const [ticket] = body.tickets;
    expect(ticket).toMatchObject({ kind: 'complaint', severity: 'serious', category: 'property_damage', status: 'accepted' });
    expect(ticket.number).toMatch(/^TS/);
    const detail = await adminGet(bot, `/api/tickets/${ticket.id}`);
    expect(detail.body.summary).toContain('13811112222');
    expect(detail.body.timeline[0]).toMatchObject({ type: 'created', actor: 'customer' });
    const customer = await adminGet(bot, `/api/customers/${ticket.customerId}`);
    expect(customer.body).toMatchObject({ openid: 'o_api_1', phone: '13811112222', channel: 'wechat' });
  });

  it('returns SQL-ish and script-ish text verbatim, and nothing was executed', async () => {
    if (skipped()) return;
    const { body } = await adminGet(bot, '/api/leads?openid=o_api_2');
    expect(body.leads).toHaveLength(1);
    expect(body.leads[0]).toMatchObject({ serviceType: '月嫂', channel: 'wechat', status: 'draft' });
    expect(body.leads[0].need).toBe("我想找月嫂'); DROP TABLE lead; -- <script>alert(1)</script>");
    const detail = await adminGet(bot, `/api/leads/${body.leads[0].id}`);
    expect(detail.body.timeline.map((e: { type: string }) => e.type)).toContain('created');
  });

  it('answers 400 for bad ids and filters, 404 for what does not exist', async () => {
    if (skipped()) return;
    expect((await adminGet(bot, '/api/tickets/abc')).status).toBe(400);
    expect((await adminGet(bot, '/api/tickets?kind=rumour')).status).toBe(400);
    expect((await adminGet(bot, '/api/leads?limit=100000')).status).toBe(400);
    expect((await adminGet(bot, '/api/tickets/999999')).status).toBe(404);
    expect((await adminGet(bot, '/api/customers/999999')).status).toBe(404);
  });

  it('staff log a phone inquiry by message, with its channel (R-IN-2)', async () => {
    if (skipped()) return;
    const reply = await staffSays(bot, 'cs01', '登记 张女士 13800138000 朝阳区 需要月嫂 来源电话');
    expect(reply).toMatch(/已登记咨询 XS\d{12}：张女士 138\*\*\*\*8000，月嫂，朝阳区，来源电话/);
    const { body } = await adminGet(bot, '/api/leads?channel=phone');
    expect(body.leads[0]).toMatchObject({ serviceType: '月嫂', district: '朝阳区', channel: 'phone', loggedBy: 'cs01', status: 'new' });
    const complaint = await staffSays(bot, 'cs01', '登记 李先生 13900001111 投诉阿姨态度不好 来源QQ');
    expect(complaint).toMatch(/已登记投诉 TS\d{12}（普通）/);
    const { body: tickets } = await adminGet(bot, '/api/tickets?kind=complaint');
    expect(tickets.tickets.find((t: { channel: string }) => t.channel === 'qq')).toMatchObject({ loggedBy: 'cs01', category: 'attitude' });
  });

  it('refuses logging from someone who is not customer-service staff', async () => {
    if (skipped()) return;
    const before = (await adminGet(bot, '/api/leads')).body.leads.length;
    expect(await staffSays(bot, 'stranger', '登记 王女士 13700001111 需要保姆')).toContain('只有客服或门店人员可以登记');
    expect((await adminGet(bot, '/api/leads')).body.leads.length).toBe(before);
    expect(bot.logs.text()).toContain('logging refused');
  });
});
