import { Contract, Customer, Housekeeper, HousekeeperMovement, Staff, Store } from '../../src/entities';
import { ROLES } from '../../src/entities/staff';
import { DAY_MS, isoDay } from '../../src/handlers/calendar';
import { isEmpty, seedDemo } from '../../src/simulator/demo-data';
import { describeEachDatabase } from '../support/databases';

/** `npm run seed:demo`: every role staffed, the two contracts the scheduled flows need, idempotent. */

const NOW = Date.parse('2026-11-27T02:00:00Z'); // 10:00 in Shanghai

describeEachDatabase('demo data', ({ db, skipped }) => {
  it('loads stores, staff for every role, housekeepers with encrypted fields and a movement log, customers, contracts', async () => {
    if (skipped()) return;
    expect(await isEmpty(db())).toBe(true);
    const { added } = await seedDemo(db(), { now: NOW });
    expect(added).toEqual({ stores: 2, staff: 11, housekeepers: 4, movements: 7, customers: 3, contracts: 2 });
    expect(await isEmpty(db())).toBe(false);

    const stores = await db().reader.find(Store, { order: { code: 'ASC' } });
    expect(stores.map((s) => [s.name, s.districts, Boolean(s.isDefault)])).toEqual([
      ['朝阳门店', '朝阳区,东城区', true],
      ['海淀门店', '海淀区', false],
    ]);
    const roles = new Set((await db().reader.find(Staff)).flatMap((s) => s.roles.split(',')));
    for (const role of ROLES) expect(roles).toContain(role);

    const keeper = await db().reader.findOneByOrFail(Housekeeper, { code: 'A0002' });
    expect(keeper).toMatchObject({ name: '李桂兰', status: 'on_duty', phone: '13700001002' });
    const [raw] = await db().reader.query(`SELECT name, phone FROM housekeeper WHERE code = 'A0002'`);
    expect(raw.name).toMatch(/^g2:/);
    expect(raw.phone).not.toContain('13700001002');
    const moves = await db().reader.find(HousekeeperMovement, { where: { housekeeperId: keeper.id }, order: { at: 'ASC' } });
    expect(moves.map((m) => m.kind)).toEqual(['new', 'on_duty']);

    const day = (offset: number) => isoDay(NOW + offset * DAY_MS, 'Asia/Shanghai');
    const ending = await db().reader.findOneByOrFail(Contract, { number: 'HTDEMO0001' });
    expect(ending).toMatchObject({ endDate: day(15), status: 'active' });
    const arrived = await db().reader.findOneByOrFail(Contract, { number: 'HTDEMO0002' });
    expect(arrived).toMatchObject({ arrivalDate: day(-3), housekeeperId: keeper.id });
    const customer = await db().reader.findOneByOrFail(Customer, { id: ending.customerId });
    expect(customer).toMatchObject({ platform: 'wechat', externalId: 'o_demo_1', name: '陈女士' });
  });

  it('running it again adds nothing', async () => {
    if (skipped()) return;
    const before = await Promise.all([Store, Staff, Housekeeper, HousekeeperMovement, Customer, Contract].map((e) => db().reader.count(e)));
    const { added } = await seedDemo(db(), { now: NOW + 5 * DAY_MS });
    expect(Object.values(added).every((n) => n === 0)).toBe(true);
    const after = await Promise.all([Store, Staff, Housekeeper, HousekeeperMovement, Customer, Contract].map((e) => db().reader.count(e)));
    expect(after).toEqual(before);
  });
});
