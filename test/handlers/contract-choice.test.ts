import { Contract, Customer, Housekeeper, Penalty, Store, Ticket } from '../../src/entities';
import { phoneHash } from '../../src/handlers/customers';
import { housekeeperRecord } from '../../src/handlers/cases';
import { addStaff, addStore } from '../support/seed';
import { describeEachDatabase } from '../support/databases';
import { adminGet, customerSays, staffSays } from '../support/chat';
import { startBot, TestClock, type RunningBot } from '../support/harness';
import { say } from '../../config/say';

/**
 * A case knows its store and housekeeper (issue 15, item 3): a customer with two running contracts
 * who complains without naming one is asked which (number, service, the housekeeper's surname), and
 * the answer sets the case's store and housekeeper; a complaint that names its contract is not asked.
 * With the housekeeper on the case, penalties and the housekeeper report count per housekeeper.
 */

const THURSDAY_10_AM = Date.parse('2026-11-26T02:00:00Z');

describeEachDatabase('which contract a complaint is about', ({ db, skipped }) => {
  let bot: RunningBot;
  let ids: { cy: number; hd: number; li: number; wang: number };

  beforeAll(async () => {
    if (skipped()) return;
    bot = await startBot(db(), { clock: new TestClock(THURSDAY_10_AM) });
    ids = await db().write(async (m) => {
      const cy = await addStore(m, 'CY01', '朝阳门店', '朝阳区', true);
      const hd = await addStore(m, 'HD01', '海淀门店', '海淀区');
      await addStaff(m, 'cs01', '刘专员', 'cs_specialist', null);
      await addStaff(m, 'csm', '张经理', 'cs_manager', null);
      const housekeeper = (code: string, name: string, store: Store) => m.save(m.create(Housekeeper, { code, name, phone: '13600000000', idNumber: null, emergencyContacts: [], skills: '保洁', storeId: store.id, status: 'on_duty', createdAt: THURSDAY_10_AM }));
      const li = await housekeeper('A0201', '李秀兰', cy);
      const wang = await housekeeper('A0202', '王芳', hd);
      for (const [openid, phone] of [['o_two', '13700001111'], ['o_named', '13700002222'], ['o_number', '13700003333']]) {
        const customer = await m.save(m.create(Customer, { platform: 'wechat', externalId: openid, unionId: null, name: '钱女士', phone, phoneHash: phoneHash(phone), address: null, district: '朝阳区', channel: 'wechat', isMajor: false, storeId: cy.id, subscribed: true, lastInboundAt: THURSDAY_10_AM, createdAt: THURSDAY_10_AM }));
        const contract = (suffix: string, service: string, who: Housekeeper, store: Store) =>
          m.save(m.create(Contract, { number: `HT${openid.toUpperCase().replace('O_', '')}${suffix}`, customerId: customer.id, housekeeperId: who.id, storeId: store.id, consultantId: null, serviceType: service, startDate: '2026-06-01', arrivalDate: '2026-06-01', endDate: '2027-05-31', amountFen: 800000, status: 'active', previousId: null, renewalPromptAt: null, renewalReminderAt: null, renewalOutcome: null, createdAt: THURSDAY_10_AM }));
        await contract('A', '月嫂', li, cy);
        await contract('B', '育儿嫂', wang, hd);
      }
      return { cy: cy.id, hd: hd.id, li: li.id, wang: wang.id };
    });
  });
  afterAll(async () => bot?.stop());

  const caseOf = async (openid: string) => {
    const customer = await db().reader.findOneByOrFail(Customer, { externalId: openid });
    return db().reader.findOneOrFail(Ticket, { where: { customerId: customer.id, kind: 'complaint' }, order: { id: 'DESC' } });
  };

  it('asks which of two contracts, listing number, service and surname; the surname answer sets the store and housekeeper', async () => {
    if (skipped()) return;
    const reply = await customerSays(bot, 'o_two', '阿姨做饭太咸了，说了好几次也不改，我要投诉');
    expect(reply).toContain(say('intake.ask.contract'));
    // the newest first, each on one short line
    expect(reply).toContain('1. HTTWOB 育儿嫂 王阿姨');
    expect(reply).toContain('2. HTTWOA 月嫂 李阿姨');
    expect(reply).not.toContain(say('intake.ask.safety_check'));
    expect(await caseOf('o_two')).toMatchObject({ housekeeperId: null });

    const answer = await customerSays(bot, 'o_two', '王阿姨那个');
    expect(answer).toContain(say('intake.contract.noted', { contractNo: 'HTTWOB', housekeeper: '王阿姨' }));
    // then the dialogue goes on as for any ordinary complaint
    expect(answer).toContain(say('intake.ask.safety_check'));
    expect(await caseOf('o_two')).toMatchObject({ storeId: ids.hd, housekeeperId: ids.wang });
  });

  it('answered by its number in the list; an answer that picks none is asked again once', async () => {
    if (skipped()) return;
    await customerSays(bot, 'o_number', '阿姨总是玩手机不干活，我要投诉');
    expect(await customerSays(bot, 'o_number', '记不清')).toBe(say('intake.contract.again', { count: 2 }));
    expect(await customerSays(bot, 'o_number', '2')).toContain(say('intake.contract.noted', { contractNo: 'HTNUMBERA', housekeeper: '李阿姨' }));
    expect(await caseOf('o_number')).toMatchObject({ storeId: ids.cy, housekeeperId: ids.li });
  });

  it('a complaint that names its contract is not asked', async () => {
    if (skipped()) return;
    const reply = await customerSays(bot, 'o_named', 'HTNAMEDA 的阿姨做饭太咸了，我要投诉');
    expect(reply).not.toContain(say('intake.ask.contract'));
    expect(reply).toContain(say('intake.ask.safety_check'));
    expect(await caseOf('o_named')).toMatchObject({ storeId: ids.cy, housekeeperId: ids.li });
  });

  it('penalties and the housekeeper report count per housekeeper now that the case names her', async () => {
    if (skipped()) return;
    const wangCase = await caseOf('o_two');
    expect(await staffSays(bot, 'cs01', `处罚 ${wangCase.number} A0202 200 做饭屡次不改`)).toContain('A0202');
    expect(await db().reader.countBy(Penalty, { housekeeperId: ids.wang })).toBe(1);
    expect(await db().reader.countBy(Penalty, { housekeeperId: ids.li })).toBe(0);

    const { status, body } = await adminGet(bot, '/api/reports/housekeepers?month=2026-11');
    expect(status).toBe(200);
    const row = (code: string) => body.housekeepers.find((h: any) => h.code === code);
    // 王芳: the complaint she was named in by the customer's answer, and its penalty slip (not yet approved)
    expect(row('A0202')).toMatchObject({ complaints: { total: 1, ordinary: 1, serious: 0 }, penalties: { approved: 0, approvedFen: 0, pending: 1 } });
    // 李秀兰: the complaints of her two contract customers, no penalty
    expect(row('A0201')).toMatchObject({ complaints: { total: 2 }, penalties: { approved: 0, pending: 0 } });
    // the record the cards show counts hers only
    expect(await housekeeperRecord(db().reader, ids.wang)).toContain('投诉1次');
    expect(await housekeeperRecord(db().reader, ids.li)).toContain('投诉2次');
  });
});
