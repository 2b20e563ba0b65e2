import { Approval, AuditEntry, Contract, Customer, CustomerLink, Housekeeper, Lead, Ticket } from '../../src/entities';
import { phoneHash } from '../../src/handlers/customers';
import { CHAOYANG, HAIDIAN, HEAD_OFFICE, startFlow, THURSDAY_10_AM } from '../support/flow';
import { describeEachDatabase } from '../support/databases';
import { adminSend, customerEvent, customerSays, staffClicks, staffSays } from '../support/chat';
import { eventually, TEST_ADMIN_TOKEN, type RunningBot, type TestClock } from '../support/harness';
import { say } from '../../config/say';

/**
 * One customer, one record (issue 15, R-ID-1, R-ID-2): a contract customer scanning the QR code
 * handed out at signing (as a new follower and as an existing one), the links that are refused
 * (expired, reused, another openid, three wrong answers), linking by phone confirmed with the
 * contract number, a complaint that reaches only its store with the housekeeper's details on the
 * serious card, and merging two records.
 */

const SIGNING_DAY = THURSDAY_10_AM;

describeEachDatabase('one customer, one record', ({ db, skipped }) => {
  let bot: RunningBot;
  let clock: TestClock;
  let storeA: number;
  const ids: Record<string, number> = {};

  const sent = () => bot.platform.delivered('/cgi-bin/message/send') as any[];
  const textsFor = (user: string) => sent().filter((b) => b.msgtype === 'text' && b.touser === user).map((b) => b.text.content as string);
  const cardsFor = (user: string) => sent().filter((b) => b.msgtype === 'template_card' && b.touser.split('|').includes(user)).map((b) => b.template_card);
  const qrImage = (customerId: number) => fetch(`${bot.url}/api/customers/${customerId}/qrcode`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  /** Asks the bot for the customer's code and reads back the scene the platform was given (what the printed code holds). */
  const sceneOf = async (customerId: number) => {
    const response = await qrImage(customerId);
    expect(response.status).toBe(200);
    const create = bot.platform.callsTo('/cgi-bin/qrcode/create').at(-1)!;
    return (create.body as any).action_info.scene.scene_str as string;
  };
  const customerOf = (openid: string) => db().reader.findOneByOrFail(Customer, { platform: 'wechat', externalId: openid });

  beforeAll(async () => {
    if (skipped()) return;
    const flow = await startFlow(db(), {
      at: SIGNING_DAY,
      stores: [CHAOYANG, HAIDIAN],
      staff: [
        ...HEAD_OFFICE,
        ['mgrA', '王店长', 'store_manager', 'CY01'],
        ['mgrB', '钱店长', 'store_manager', 'HD01'],
      ],
      seed: async (m, { CY01: a, HD01: b }) => {
        const li = await m.save(m.create(Housekeeper, { code: 'A0123', name: '李阿姨', phone: '13600001234', idNumber: null, emergencyContacts: [{ name: '李强', relation: '儿子', phone: '13600005678' }], skills: '保洁', storeId: a.id, status: 'on_duty', createdAt: SIGNING_DAY }));
        const wang = await m.save(m.create(Housekeeper, { code: 'A0456', name: '王阿姨', phone: '13600004567', idNumber: null, emergencyContacts: [], skills: '育儿嫂', storeId: b.id, status: 'on_duty', createdAt: SIGNING_DAY }));
        const contractCustomer = async (key: string, name: string, phone: string, number: string, housekeeperId: number, storeId: number) => {
          const customer = await m.save(m.create(Customer, { platform: null, externalId: null, unionId: null, name, phone, phoneHash: phoneHash(phone), address: null, district: null, channel: 'walk_in', isMajor: false, storeId: null, subscribed: false, lastInboundAt: null, createdAt: SIGNING_DAY }));
          await m.save(m.create(Contract, { number, customerId: customer.id, housekeeperId, storeId, consultantId: null, serviceType: '保洁', startDate: '2026-11-26', arrivalDate: null, endDate: '2027-11-25', amountFen: 600000, status: 'active', previousId: null, renewalPromptAt: null, renewalReminderAt: null, renewalOutcome: null, createdAt: SIGNING_DAY }));
          ids[key] = customer.id;
        };
        await contractCustomer('chen', '陈女士', '13800001111', 'HT20261234', li.id, a.id);
        await contractCustomer('zhou', '周先生', '13800003333', 'HT20263333', li.id, a.id);
        await contractCustomer('wu', '吴女士', '13800002222', 'HT20265678', wang.id, b.id);
      },
    });
    ({ bot, clock } = flow);
    storeA = flow.stores.CY01.id;
  });
  afterAll(async () => bot?.stop());

  it('a new follower scanning the code given at signing is linked and welcomed in the passive reply', async () => {
    if (skipped()) return;
    const response = await qrImage(ids.chen);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await response.arrayBuffer()).subarray(1, 4).toString('latin1')).toBe('PNG');
    const create = bot.platform.callsTo('/cgi-bin/qrcode/create')[0].body as any;
    expect(create).toMatchObject({ action_name: 'QR_STR_SCENE', expire_seconds: 2_592_000 });
    const scene = create.action_info.scene.scene_str as string;
    expect(scene).toMatch(/^c_[A-Za-z0-9_-]{22}$/);
    expect(scene).not.toContain('13800001111');
    // a reprinted sheet shows the same code
    expect(await sceneOf(ids.chen)).toBe(scene);
    expect(bot.platform.callsTo('/cgi-bin/qrcode/create')).toHaveLength(1);

    const reply = await customerEvent(bot, 'o_chen', 'subscribe', `qrscene_${scene}`);
    expect(reply).toBe(say('customers.link.welcome', { name: '陈女士', contractNo: 'HT20261234', housekeeper: '李阿姨（A0123）' }));
    const linked = await customerOf('o_chen');
    expect(linked.id).toBe(ids.chen);
    expect(await db().reader.countBy(Customer, { externalId: 'o_chen' })).toBe(1);
    expect(await db().reader.findOneByOrFail(CustomerLink, { scene })).toMatchObject({ status: 'used' });
  });

  it('an existing follower (SCAN) is linked: what they did before moves to the contract customer', async () => {
    if (skipped()) return;
    await customerSays(bot, 'o_zhou', '我想再找个钟点工，朝阳区');
    const before = await customerOf('o_zhou');
    expect(await db().reader.countBy(Lead, { customerId: before.id })).toBe(1);
    const scene = await sceneOf(ids.zhou);
    expect(await customerEvent(bot, 'o_zhou', 'SCAN', scene)).toBe(say('customers.link.welcome', { name: '周先生', contractNo: 'HT20263333', housekeeper: '李阿姨（A0123）' }));
    expect((await customerOf('o_zhou')).id).toBe(ids.zhou);
    expect(await db().reader.findOneByOrFail(Customer, { id: before.id })).toMatchObject({ mergedIntoId: ids.zhou, externalId: null });
    expect(await db().reader.countBy(Lead, { customerId: ids.zhou })).toBe(1);
    expect(await db().reader.findOneBy(AuditEntry, { action: 'customer.merged', subjectId: ids.zhou })).not.toBeNull();
  });

  it('refuses a reused code, a customer linked to another openid and an expired code, telling staff', async () => {
    if (skipped()) return;
    const used = (await db().reader.findOneByOrFail(CustomerLink, { customerId: ids.chen, kind: 'qr' })).scene!;
    expect(await customerEvent(bot, 'o_stranger', 'subscribe', `qrscene_${used}`)).toBe(say('customers.link.usedByOther'));
    await eventually(() => textsFor('cs01').find((t) => t.includes('二维码已被其他微信使用') && t.includes('HT20261234')));

    // a fresh code for a customer who is already linked to o_chen
    const fresh = await db().write(async (m) => {
      await m.update(CustomerLink, { customerId: ids.chen }, { status: 'refused' });
      return null;
    });
    expect(fresh).toBeNull();
    const second = await sceneOf(ids.chen);
    expect(await customerEvent(bot, 'o_stranger', 'SCAN', second)).toBe(say('customers.link.otherOpenid'));
    expect((await customerOf('o_chen')).id).toBe(ids.chen);

    const wuScene = await sceneOf(ids.wu);
    clock.advance(31 * 24 * 3600_000);
    expect(await customerEvent(bot, 'o_late', 'subscribe', `qrscene_${wuScene}`)).toBe(say('customers.link.expired'));
    expect(await db().reader.findOneByOrFail(Customer, { id: ids.wu })).toMatchObject({ externalId: null });
    await eventually(() => textsFor('cs01').find((t) => t.includes('二维码已过期') && t.includes('HT20265678')));
    clock.set(SIGNING_DAY + 32 * 24 * 3600_000);
  });

  it('a phone number alone links nothing: three wrong answers stop it and tell customer service', async () => {
    if (skipped()) return;
    const ask = await customerSays(bot, 'o_guess', '我的电话是13800002222');
    void ask;
    // the question comes as the second answer (through the outbox) when the first one was the dialogue's
    const asked = say('customers.phone.ask', { phone: '138****2222' });
    const customerTexts = () => (bot.platform.delivered('/cgi-bin/message/custom/send') as any[]).filter((b) => b.touser === 'o_guess').map((b) => b.text.content as string);
    await eventually(() => ask === asked || customerTexts().includes(asked));
    expect(await customerSays(bot, 'o_guess', '1111')).toBe(say('customers.phone.wrong', { left: 2 }));
    expect(await customerSays(bot, 'o_guess', '李')).toBe(say('customers.phone.wrong', { left: 1 }));
    expect(await customerSays(bot, 'o_guess', '9999')).toBe(say('customers.phone.blocked'));
    await eventually(() => textsFor('cs01').find((t) => t.includes('三次未通过') && t.includes('HT20265678')));
    expect(await db().reader.findOneByOrFail(Customer, { id: ids.wu })).toMatchObject({ externalId: null, mergedIntoId: null });
    // nothing is asked again, and a fourth guess is just a message
    expect(await customerSays(bot, 'o_guess', '5678')).not.toBe(say('customers.phone.linked', { contractNo: 'HT20265678', housekeeper: '王阿姨（A0456）' }));
    expect(await db().reader.findOneByOrFail(Customer, { id: ids.wu })).toMatchObject({ externalId: null });
  });

  it('the right answer (last 4 digits of the contract number) links the follower', async () => {
    if (skipped()) return;
    await customerSays(bot, 'o_wu', '13800002222');
    expect(await customerSays(bot, 'o_wu', '5678')).toBe(say('customers.phone.linked', { contractNo: 'HT20265678', housekeeper: '王阿姨（A0456）' }));
    expect((await customerOf('o_wu')).id).toBe(ids.wu);
  });

  it('a complaint of a linked customer reaches only its store, and the serious card shows the housekeeper and her relatives', async () => {
    if (skipped()) return;
    await customerSays(bot, 'o_chen', '阿姨走后家里的金手镯不见了，我要报警');
    const ticket = await db().reader.findOneByOrFail(Ticket, { customerId: ids.chen });
    const li = await db().reader.findOneByOrFail(Housekeeper, { code: 'A0123' });
    expect(ticket).toMatchObject({ severity: 'serious', storeId: storeA, housekeeperId: li.id });
    const step = async (name: string) => db().reader.findOneByOrFail(Approval, { ticketId: ticket.id, step: name });
    // walks the case's steps as their holders would, until `target` opens (the serious path's steps are the complaints room's)
    const walkUntil = async (target: string) => {
      for (let i = 0; i < 12 && !(await db().reader.findOneBy(Approval, { ticketId: ticket.id, step: target })); i++) {
        const pending = await db().reader.find(Approval, { where: { ticketId: ticket.id, status: 'pending' }, order: { id: 'ASC' } });
        const next = pending.find((a) => a.step !== 'compensation')!;
        const who = next.recipients.split(',')[0];
        if (next.needsText) {
          await staffSays(bot, who, `${ticket.number} 立即联系阿姨核实，安抚客户，交门店调查`);
          continue;
        }
        const card = await eventually(() => cardsFor(who).find((c) => c.task_id === next.taskId));
        const keys = card.button_list.map((b: any) => b.key as string);
        const key = ['accountability', 'done', 'approve'].map((k) => keys.find((x: string) => x.endsWith(`:${k}`))).find(Boolean) ?? keys[0];
        await staffClicks(bot, who, next.taskId, key);
      }
      return step(target);
    };
    const contact = await walkUntil('housekeeper_contact');
    const card = await eventually(() => cardsFor('csm').find((c) => c.task_id === contact.taskId));
    expect(card.horizontal_content_list).toEqual(expect.arrayContaining([{ keyname: '阿姨', value: '李阿姨 13600001234' }, { keyname: '儿子', value: '李强 13600005678' }]));
    // a store step of this case goes to store A's manager only
    const investigation = await walkUntil('investigation');
    expect(investigation).toMatchObject({ storeId: storeA, recipients: 'mgrA' });
    await eventually(() => cardsFor('mgrA').find((c) => c.task_id === investigation.taskId));
    expect(cardsFor('mgrB').some((c) => c.task_id === investigation.taskId)).toBe(false);
  });

  it('staff set a case’s housekeeper with 关联, and the CS manager merges two records (refused without 强制 when both have contracts)', async () => {
    if (skipped()) return;
    const phoneOnly = await db().write((m) => m.save(m.create(Customer, { platform: null, externalId: null, unionId: null, name: '陈女士', phone: '13900009999', phoneHash: phoneHash('13900009999'), address: '朝阳区某小区', district: '朝阳区', channel: 'phone', isMajor: true, storeId: null, subscribed: false, lastInboundAt: null, createdAt: SIGNING_DAY })));
    const logged = await staffSays(bot, 'cs01', '登记 陈女士 13900009999 朝阳区 阿姨做饭太咸了我要投诉 来源电话');
    expect(logged).toContain('已登记投诉');
    const ticket = await db().reader.findOneByOrFail(Ticket, { customerId: phoneOnly.id });
    expect(ticket.housekeeperId).toBeNull();
    expect(await staffSays(bot, 'cs01', `关联 ${ticket.number} A0456`)).toBe(say('cases.link.done', { caseNo: ticket.number, housekeeper: '王阿姨（A0456）' }));
    expect((await db().reader.findOneByOrFail(Ticket, { id: ticket.id })).housekeeperId).toBe((await db().reader.findOneByOrFail(Housekeeper, { code: 'A0456' })).id);

    expect(await staffSays(bot, 'cs01', `合并 ${ids.chen} ${phoneOnly.id}`)).toBe(say('customers.merge.notAllowed'));
    expect(await staffSays(bot, 'csm', `合并 ${ids.chen} ${phoneOnly.id}`)).toBe(say('customers.merge.done', { from: phoneOnly.id, into: ids.chen, tickets: 1, leads: 0, contracts: 0, surveys: 0 }));
    expect(await db().reader.findOneByOrFail(Ticket, { id: ticket.id })).toMatchObject({ customerId: ids.chen });
    expect(await db().reader.findOneByOrFail(Customer, { id: ids.chen })).toMatchObject({ isMajor: true, externalId: 'o_chen' });

    // two contract customers with different phones: refused unless forced (the admin API)
    const refused = await adminSend(bot, 'POST', `/api/customers/${ids.zhou}/merge`, { from: ids.wu });
    expect(refused.status).toBe(409);
    expect(await db().reader.countBy(Contract, { customerId: ids.zhou })).toBe(1);
    expect((await adminSend(bot, 'POST', `/api/customers/${ids.zhou}/merge`, { from: 'x' })).status).toBe(400);
    const link = await adminSend(bot, 'POST', `/api/tickets/${ticket.id}/link`, { contract: 'HT20265678' });
    expect(link.status).toBe(400);
    expect(link.body.error).toBe('other_customer');
  });
});
