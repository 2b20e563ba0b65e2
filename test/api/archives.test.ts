import { calendarDay, checkIdNumber, dayStart } from '../../src/api/archives';
import { describeEachDatabase } from '../support/databases';
import { adminGet, adminSend } from '../support/chat';
import { startBot, TestClock, type RunningBot } from '../support/harness';

/** The archives admin API (R-AR-1, R-CT-1, R-SC-1, R-SC-2): housekeepers, contracts, imports, audit trail. */

/** An ID number with the right check character (GB 11643, ISO 7064 MOD 11-2). */
function idWithCheck(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((total, weight, i) => total + weight * Number(first17[i]), 0);
  return first17 + '10X98765432'[sum % 11];
}

/** The same ID number with a wrong check character. */
function wrongCheck(id: string): string {
  const right = id[17];
  return id.slice(0, 17) + (right === '0' ? '1' : '0');
}

async function send(bot: RunningBot, path: string, body: string | Buffer, contentType: string, method = 'POST') {
  const response = await fetch(bot.url + path, { method, headers: { authorization: 'Bearer test-admin-token-for-the-bot-under-test', 'content-type': contentType }, body });
  return { status: response.status, body: (await response.json()) as any };
}

const ID_LI = idWithCheck('11010519880214152'); // 1988-02-14
const ID_WANG = idWithCheck('32050219750630042'); // 1975-06-30
const PHONE_LI = '13911112222';
const PHONE_WANG = '13633334444';
const PHONE_CONTACT = '13855556666';
const CUSTOMER_PHONE = '13700001111';
/** 10:00 on 2 March 2026 in Shanghai. */
const NOW = Date.parse('2026-03-02T02:00:00Z');

describe('archive values', () => {
  it('checks a Chinese ID number: format, date of birth and check digit', () => {
    expect(checkIdNumber('11010519491231002X')).toEqual({ idNumber: '11010519491231002X' });
    expect(checkIdNumber('11010519491231002x')).toEqual({ idNumber: '11010519491231002X' });
    expect(checkIdNumber(ID_LI)).toEqual({ idNumber: ID_LI });
    expect(checkIdNumber(wrongCheck(ID_LI))).toEqual({ problem: 'idNumber check digit does not match (mistyped?)' });
    expect(checkIdNumber('1101051949123100')).toEqual({ problem: expect.stringContaining('18 characters') });
    expect(checkIdNumber('11010519491231002Y')).toEqual({ problem: expect.stringContaining('18 characters') });
    expect(checkIdNumber(idWithCheck('11010519490231002'))).toEqual({ problem: 'idNumber does not hold a valid date of birth' }); // 31 February
    expect(checkIdNumber(idWithCheck('11010520300101002'), '2026-03-02')).toEqual({ problem: 'idNumber does not hold a valid date of birth' }); // born in the future
    expect(checkIdNumber(idWithCheck('01010519491231002'))).toEqual({ problem: 'idNumber does not start with a region code' });
  });

  it('reads real calendar days only, in the spellings spreadsheets use', () => {
    expect(calendarDay('2026-03-01')).toBe('2026-03-01');
    expect(calendarDay('2026/3/1')).toBe('2026-03-01');
    expect(calendarDay('2026年3月1日')).toBe('2026-03-01');
    expect(calendarDay('2028-02-29')).toBe('2028-02-29');
    for (const bad of ['2026-02-29', '2026-13-01', '2026-04-31', '2026-00-10', '26-03-01', '2026-03-01T00:00', '', 'tomorrow']) expect(calendarDay(bad)).toBeUndefined();
    expect(calendarDay(20260301)).toBeUndefined();
  });

  it('dates a movement at the start of its day in the business time zone', () => {
    expect(new Date(dayStart('2026-03-02', 'Asia/Shanghai')).toISOString()).toBe('2026-03-01T16:00:00.000Z');
    expect(new Date(dayStart('2026-03-02', 'UTC')).toISOString()).toBe('2026-03-02T00:00:00.000Z');
  });
});

describeEachDatabase('admin API: archives', ({ db, skipped }) => {
  let bot: RunningBot;
  const ids: Record<string, number> = {};

  const auditRows = async () =>
    (await db().source.query('SELECT actor, action, subject, subjectId, changes FROM audit_entry ORDER BY id')) as { actor: string; action: string; subject: string; subjectId: number; changes: string | null }[];

  beforeAll(async () => {
    if (skipped()) return;
    bot = await startBot(db(), { background: false, clock: new TestClock(NOW) });
    for (const store of [
      { code: 'BJ-CY', name: '朝阳店', districts: ['朝阳区'] },
      { code: 'BJ-HD', name: '海淀店', districts: ['海淀区'] },
    ]) {
      ids[store.code] = (await adminSend(bot, 'POST', '/api/stores', store)).body.id;
    }
    ids.zhang = (await adminSend(bot, 'POST', '/api/staff', { wecomUserId: 'zhangsan', name: '张三', roles: ['consultant'], store: 'BJ-CY' })).body.id;
  });
  afterAll(async () => bot?.stop());

  it('refuses without the bearer token', async () => {
    if (skipped()) return;
    expect((await adminGet(bot, '/api/housekeepers', '')).status).toBe(401);
    expect((await adminGet(bot, '/api/contracts', 'wrong')).status).toBe(401);
    expect((await adminGet(bot, '/api/audit', '')).status).toBe(401);
    expect((await adminSend(bot, 'POST', '/api/import/contracts', 'number,startDate,endDate\r\n', 'nope')).status).toBe(401);
  });

  it('creates, shows, lists and patches housekeepers; a new archive starts with 新到', async () => {
    if (skipped()) return;
    const created = await adminSend(bot, 'POST', '/api/housekeepers', {
      code: 'a0001',
      name: '李秀英',
      phone: '139 1111 2222',
      idNumber: ID_LI,
      emergencyContacts: [{ name: '王强', relation: '丈夫', phone: PHONE_CONTACT }, '李娜|女儿|010-62345678'],
      skills: ['月嫂', '育儿嫂'],
      store: 'BJ-CY',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(Number),
      code: 'A0001',
      name: '李秀英',
      phone: PHONE_LI,
      idNumber: ID_LI,
      emergencyContacts: [
        { name: '王强', relation: '丈夫', phone: PHONE_CONTACT },
        { name: '李娜', relation: '女儿', phone: '01062345678' },
      ],
      skills: ['月嫂', '育儿嫂'],
      storeId: ids['BJ-CY'],
      storeCode: 'BJ-CY',
      status: 'new',
      createdAt: new Date(NOW).toISOString(),
      movements: [{ id: expect.any(Number), kind: 'new', label: '新到', date: '2026-03-02', note: null }],
    });
    ids.li = created.body.id;
    const wang = await adminSend(bot, 'POST', '/api/housekeepers', { code: 'A0002', name: '王桂芳', phone: PHONE_WANG, idNumber: ID_WANG, skills: '保姆，钟点工' });
    expect(wang.body).toMatchObject({ skills: ['保姆', '钟点工'], storeId: null, storeCode: null, emergencyContacts: [], status: 'new' });
    ids.wang = wang.body.id;

    expect((await adminGet(bot, `/api/housekeepers/${ids.li}`)).body).toEqual(created.body);
    const list = await adminGet(bot, '/api/housekeepers');
    expect(list.body).toEqual({
      housekeepers: [
        { id: ids.li, code: 'A0001', name: '李秀英', phone: PHONE_LI, skills: ['月嫂', '育儿嫂'], storeId: ids['BJ-CY'], storeCode: 'BJ-CY', status: 'new' },
        expect.objectContaining({ id: ids.wang, code: 'A0002' }),
      ],
      total: 2,
    });
    const codes = async (query: string) => (await adminGet(bot, `/api/housekeepers${query}`)).body.housekeepers.map((h: { code: string }) => h.code);
    expect(await codes('?store=BJ-CY')).toEqual(['A0001']);
    expect(await codes('?skill=钟点工')).toEqual(['A0002']);
    expect(await codes('?skill=月')).toEqual([]);
    expect(await codes('?status=new&limit=1&offset=1')).toEqual(['A0002']);

    const patched = await adminSend(bot, 'PATCH', `/api/housekeepers/${ids.wang}`, { store: 'bj-hd', skills: ['保姆'], emergencyContacts: '赵六 13800138000' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ storeCode: 'BJ-HD', skills: ['保姆'], emergencyContacts: [{ name: '赵六', phone: '13800138000' }], name: '王桂芳', phone: PHONE_WANG });
    const cleared = await adminSend(bot, 'PATCH', `/api/housekeepers/${ids.wang}`, { emergencyContacts: null, store: null });
    expect(cleared.body).toMatchObject({ storeCode: null, emergencyContacts: [] });
    // the same values again change nothing and write no audit entry
    const before = (await auditRows()).length;
    expect((await adminSend(bot, 'PATCH', `/api/housekeepers/${ids.wang}`, { skills: '保姆', store: null })).status).toBe(200);
    expect((await auditRows()).length).toBe(before);

    expect(await adminSend(bot, 'POST', '/api/housekeepers', { code: 'A0001', name: '重名' })).toEqual({ status: 409, body: { error: 'a housekeeper with code A0001 already exists' } });
    expect((await adminSend(bot, 'PATCH', `/api/housekeepers/${ids.wang}`, { code: 'a0001' })).status).toBe(409);
  });

  it('keeps personal fields encrypted at rest', async () => {
    if (skipped()) return;
    const [raw] = (await db().source.query('SELECT code, name, phone, idNumber, emergencyContacts FROM housekeeper WHERE id = ?', [ids.li])) as Record<string, string>[];
    expect(raw.code).toBe('A0001');
    for (const column of ['name', 'phone', 'idNumber', 'emergencyContacts']) expect(raw[column]).toMatch(/^g2:/);
    const text = JSON.stringify(raw);
    for (const secret of ['李秀英', PHONE_LI, ID_LI, ID_LI.slice(6, 14), '王强', PHONE_CONTACT, '62345678']) expect(text).not.toContain(secret);
    // a patch writes through the same transformers
    await adminSend(bot, 'PATCH', `/api/housekeepers/${ids.li}`, { phone: '13912345678' });
    const [after] = (await db().source.query('SELECT phone FROM housekeeper WHERE id = ?', [ids.li])) as Record<string, string>[];
    expect(after.phone).toMatch(/^g2:/);
    expect(after.phone).not.toContain('13912345678');
    expect((await adminGet(bot, `/api/housekeepers/${ids.li}`)).body.phone).toBe('13912345678');
  });

  it('keeps the movement log, and the status follows the latest movement by date', async () => {
    if (skipped()) return;
    const move = (id: number, body: object) => adminSend(bot, 'POST', `/api/housekeepers/${id}/movements`, body);
    const onDuty = await move(ids.li, { kind: 'on_duty', date: '2026-03-02', note: '到客户家（朝阳区）上岗' });
    expect(onDuty.status).toBe(201);
    expect(onDuty.body.status).toBe('on_duty');
    expect(onDuty.body.movements).toEqual([
      { id: expect.any(Number), kind: 'new', label: '新到', date: '2026-03-02', note: null },
      { id: expect.any(Number), kind: 'on_duty', label: '上岗', date: '2026-03-02', note: '到客户家（朝阳区）上岗' },
    ]);
    // a movement recorded late, dated before the latest one, joins the log without changing the status
    const late = await move(ids.li, { kind: 'returned', date: '2026-02-20' });
    expect(late.body.status).toBe('on_duty');
    expect(late.body.movements.map((m: { kind: string; date: string }) => `${m.date} ${m.kind}`)).toEqual(['2026-02-20 returned', '2026-03-02 new', '2026-03-02 on_duty']);
    // Chinese kinds are understood
    expect((await move(ids.wang, { kind: '辞职', date: '2026/3/2' })).body).toMatchObject({ status: 'resigned' });
    expect((await adminGet(bot, '/api/housekeepers?status=resigned')).body.housekeepers.map((h: { id: number }) => h.id)).toEqual([ids.wang]);
    expect((await move(ids.wang, { kind: 'new', date: '2026-03-02' })).body.status).toBe('new');

    expect((await move(ids.li, { kind: 'holiday', date: '2026-03-01' })).body.error).toContain('kind must be one of new (新到), on_duty (上岗), returned (返回), resigned (辞职)');
    expect(await move(ids.li, { kind: 'returned', date: '2026-03-03' })).toEqual({ status: 400, body: { error: 'date is in the future: the movement log records what happened' } });
    expect(await move(ids.li, { kind: 'returned', date: '2026-02-30' })).toEqual({ status: 400, body: { error: 'date must be a real date (YYYY-MM-DD)' } });
    expect(await move(ids.li, { kind: 'returned' })).toEqual({ status: 400, body: { error: 'date missing' } });
    expect((await move(999999, { kind: 'returned', date: '2026-03-01' })).status).toBe(404);
    expect((await adminSend(bot, 'PATCH', `/api/housekeepers/${ids.li}`, { status: 'resigned' })).body.error).toBe('status follows the movement log: POST /api/housekeepers/:id/movements');
    expect((await adminGet(bot, `/api/housekeepers/${ids.li}`)).body.status).toBe('on_duty');
  });

  it('answers 400, 404 and 415 for bad housekeeper requests, without repeating personal values', async () => {
    if (skipped()) return;
    const post = (body: object) => adminSend(bot, 'POST', '/api/housekeepers', body);
    expect(await post({ code: 'B1', name: '甲', idNumber: wrongCheck(ID_LI) })).toEqual({ status: 400, body: { error: 'idNumber check digit does not match (mistyped?)' } });
    expect(await post({ code: 'B1', name: '甲', idNumber: idWithCheck('11010520300101002') })).toEqual({ status: 400, body: { error: 'idNumber does not hold a valid date of birth' } });
    expect(await post({ code: 'B1', name: '甲', phone: '1391111' })).toEqual({ status: 400, body: { error: 'phone must be a mobile number (11 digits)' } });
    expect((await post({ code: 'B1', name: '甲', emergencyContacts: [{ name: '乙' }] })).body.error).toBe('emergencyContacts[1].phone must be a mobile number or a landline with its area code');
    expect((await post({ code: 'B1', name: '甲', emergencyContacts: ['乙'] })).body.error).toBe('emergencyContacts[1]: write a contact as name|relation|phone');
    expect((await post({ code: 'B1', name: '甲', store: 'NOPE' })).body.error).toBe('unknown store code: NOPE');
    expect((await post({ code: 'B1', name: '甲', skills: [1] })).body.error).toContain('skills must be');
    expect((await post({ name: '甲' })).body.error).toBe('code missing');
    expect((await post({ code: 'has space', name: '甲' })).body.error).toContain('code must be 1-32 characters');
    expect((await post({ code: 'B1', name: '' })).body.error).toBe('name must be 1-64 characters');
    expect((await post({ code: 'B1', name: '甲', colour: 'red' })).body.error).toBe('unknown field: colour');
    expect((await adminSend(bot, 'PATCH', `/api/housekeepers/${ids.li}`, {})).status).toBe(400);
    expect((await adminSend(bot, 'PATCH', '/api/housekeepers/999999', { name: '甲' })).status).toBe(404);
    expect((await adminGet(bot, '/api/housekeepers/999999')).status).toBe(404);
    expect((await adminGet(bot, '/api/housekeepers/abc')).status).toBe(400);
    expect((await adminGet(bot, '/api/housekeepers?status=happy')).status).toBe(400);
    expect((await adminGet(bot, '/api/housekeepers?store=NOPE')).status).toBe(400);
    expect((await send(bot, '/api/housekeepers', 'code=B1', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await send(bot, '/api/housekeepers', '{"code":', 'application/json')).body.error).toMatch(/^invalid JSON/);
    expect((await adminGet(bot, '/api/housekeepers')).body.total).toBe(2);
  });

  it('creates, shows, lists and patches contracts; a customer is found or created by phone', async () => {
    if (skipped()) return;
    const created = await adminSend(bot, 'POST', '/api/contracts', {
      number: 'ht2026-0001',
      customerPhone: CUSTOMER_PHONE,
      customerName: '陈女士',
      housekeeper: 'a0001',
      store: 'BJ-CY',
      consultant: 'ZhangSan',
      serviceType: '月嫂',
      startDate: '2026-03-01',
      arrivalDate: '2026-03-02',
      endDate: '2026-05-31',
      amountYuan: '¥13,800.50',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(Number),
      number: 'HT2026-0001',
      customerId: expect.any(Number),
      housekeeperId: ids.li,
      housekeeperCode: 'A0001',
      storeId: ids['BJ-CY'],
      storeCode: 'BJ-CY',
      consultantId: ids.zhang,
      consultant: 'zhangsan',
      serviceType: '月嫂',
      startDate: '2026-03-01',
      arrivalDate: '2026-03-02',
      endDate: '2026-05-31',
      amountFen: 1380050,
      amountYuan: '13800.50',
      status: 'active',
      previousId: null,
      renewalOutcome: null,
      renewalPromptAt: null,
      createdAt: new Date(NOW).toISOString(),
      customer: { id: expect.any(Number), name: '陈女士', phone: '137****1111' },
      previous: null,
      next: null,
      terms: [{ id: expect.any(Number), number: 'HT2026-0001', startDate: '2026-03-01', endDate: '2026-05-31', status: 'active' }],
    });
    ids.c1 = created.body.id;
    ids.customer = created.body.customerId;
    const [customerRaw] = (await db().source.query('SELECT name, phone, channel FROM customer WHERE id = ?', [ids.customer])) as Record<string, string>[];
    expect(customerRaw.channel).toBe('walk_in');
    expect(JSON.stringify(customerRaw)).not.toMatch(new RegExp(`陈女士|${CUSTOMER_PHONE}`));

    // the same phone finds the same customer
    const second = await adminSend(bot, 'POST', '/api/contracts', { number: 'HT2026-0002', customerPhone: `+86 ${CUSTOMER_PHONE}`, startDate: '2026-01-01', endDate: '2026-12-31', amountYuan: 6000 });
    expect(second.body).toMatchObject({ customerId: ids.customer, housekeeperCode: null, amountYuan: '6000.00' });
    ids.c2 = second.body.id;
    const third = await adminSend(bot, 'POST', '/api/contracts', { number: 'HT2026-0003', customerId: ids.customer, housekeeper: 'A0002', startDate: '2026-04-01', endDate: '2026-04-30' });
    expect(third.body).toMatchObject({ customerId: ids.customer, housekeeperCode: 'A0002', amountFen: 0 });
    ids.c3 = third.body.id;

    const numbers = async (query: string) => (await adminGet(bot, `/api/contracts${query}`)).body.contracts.map((c: { number: string }) => c.number);
    expect(await numbers('')).toEqual(['HT2026-0001', 'HT2026-0002', 'HT2026-0003']);
    expect(await numbers('?housekeeper=a0001')).toEqual(['HT2026-0001']);
    expect(await numbers(`?customerId=${ids.customer}&status=active`)).toEqual(['HT2026-0001', 'HT2026-0002', 'HT2026-0003']);
    expect(await numbers('?endingBefore=2026-06-01')).toEqual(['HT2026-0003', 'HT2026-0001']);
    expect(await numbers('?endingBefore=2026-05-31')).toEqual(['HT2026-0003']);
    expect(await numbers('?store=BJ-CY')).toEqual(['HT2026-0001']);
    expect(await numbers('?status=ended')).toEqual([]);
    expect((await adminGet(bot, '/api/contracts?limit=1')).body).toMatchObject({ total: 3, contracts: [expect.objectContaining({ number: 'HT2026-0001' })] });

    const patched = await adminSend(bot, 'PATCH', `/api/contracts/${ids.c3}`, { amountYuan: '4500', arrivalDate: '2026-04-03', housekeeper: null, status: 'terminated' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ amountFen: 450000, arrivalDate: '2026-04-03', housekeeperId: null, status: 'terminated' });
    expect((await adminGet(bot, `/api/contracts/${ids.c3}`)).body).toEqual(patched.body);
  });

  it('links a renewal to its previous term and shows the chain of terms', async () => {
    if (skipped()) return;
    const renewal = await adminSend(bot, 'POST', '/api/contracts', { number: 'HT2026-0001-R1', customerPhone: CUSTOMER_PHONE, housekeeper: 'A0001', startDate: '2026-06-01', endDate: '2026-08-31', previousNumber: 'ht2026-0001' });
    expect(renewal.status).toBe(201);
    expect(renewal.body).toMatchObject({ previousId: ids.c1, previous: { id: ids.c1, number: 'HT2026-0001' }, next: null });
    ids.r1 = renewal.body.id;
    const first = (await adminGet(bot, `/api/contracts/${ids.c1}`)).body;
    expect(first).toMatchObject({ status: 'renewed', renewalOutcome: 'renewed', previous: null, next: { id: ids.r1, number: 'HT2026-0001-R1' } });
    const r2 = await adminSend(bot, 'POST', '/api/contracts', { number: 'HT2026-0001-R2', customerId: ids.customer, startDate: '2026-09-01', endDate: '2026-11-30', previousNumber: 'HT2026-0001-R1' });
    expect(r2.body.terms.map((t: { number: string; status: string }) => `${t.number} ${t.status}`)).toEqual(['HT2026-0001 renewed', 'HT2026-0001-R1 renewed', 'HT2026-0001-R2 active']);
    expect((await adminGet(bot, `/api/contracts/${ids.r1}`)).body).toMatchObject({ previous: { number: 'HT2026-0001' }, next: { number: 'HT2026-0001-R2' } });

    const refused = (body: object) => adminSend(bot, 'POST', '/api/contracts', { number: 'HT-X', customerId: ids.customer, startDate: '2026-12-01', endDate: '2026-12-31', ...body });
    expect((await refused({ previousNumber: 'HT2026-0001' })).body.error).toBe('previous term HT2026-0001 already has a next term: HT2026-0001-R1');
    expect((await refused({ previousNumber: 'HT2026-0001-R2', startDate: '2026-09-01' })).body.error).toBe('previous term HT2026-0001-R2 must start before this one');
    expect((await refused({ previousNumber: 'NOPE' })).body.error).toBe('unknown previousNumber: NOPE');
    expect((await refused({ customerId: undefined, customerPhone: '13000000000', previousNumber: 'HT2026-0001-R2' })).body.error).toBe('previous term HT2026-0001-R2 belongs to another customer');
    expect((await adminSend(bot, 'PATCH', `/api/contracts/${ids.c1}`, { status: 'active' })).body.error).toBe('this term was renewed (it has a next term): its status cannot be changed');
    expect((await adminSend(bot, 'PATCH', `/api/contracts/${ids.c2}`, { status: 'renewed' })).body.error).toBe('status renewed comes from a renewal: give previousNumber on the next term');
  });

  it('answers 400, 404 and 409 for bad contract requests, naming the field', async () => {
    if (skipped()) return;
    const base = { number: 'HT-BAD', customerPhone: CUSTOMER_PHONE, startDate: '2026-03-01', endDate: '2026-05-31' };
    const post = (body: object) => adminSend(bot, 'POST', '/api/contracts', { ...base, ...body });
    expect(await post({ startDate: '2026-02-30' })).toEqual({ status: 400, body: { error: 'startDate must be a real date (YYYY-MM-DD)' } });
    expect(await post({ endDate: '2026-02-28' })).toEqual({ status: 400, body: { error: 'endDate must be after startDate' } });
    expect(await post({ endDate: '2026-03-01' })).toEqual({ status: 400, body: { error: 'endDate must be after startDate' } });
    expect(await post({ arrivalDate: '2026-06-01' })).toEqual({ status: 400, body: { error: 'arrivalDate must be within the term (startDate to endDate)' } });
    expect(await post({ housekeeper: 'Z9999' })).toEqual({ status: 400, body: { error: 'unknown housekeeper code: Z9999' } });
    expect((await post({ consultant: 'nobody' })).body.error).toBe('unknown consultant: nobody');
    expect((await post({ store: 'NOPE' })).body.error).toBe('unknown store code: NOPE');
    expect((await post({ customerId: 5 })).body.error).toBe('give customerPhone or customerId, not both');
    expect((await post({ customerPhone: undefined, customerId: 999999 })).body.error).toBe('unknown customerId: 999999');
    expect((await post({ customerPhone: '12345' })).body.error).toBe('customerPhone must be a mobile number (11 digits)');
    expect((await post({ customerPhone: undefined })).body.error).toBe('customerPhone or customerId missing');
    expect((await post({ amountYuan: '-5' })).body.error).toContain('amountYuan must be');
    expect((await post({ amountYuan: 1.234 })).body.error).toContain('amountYuan must be');
    expect((await post({ status: 'lost' })).body.error).toContain('status must be one of');
    expect((await post({ number: undefined })).body.error).toBe('number missing');
    expect((await post({ endDate: undefined, colour: 1 })).body.error).toBe('unknown field: colour; endDate missing');
    expect(await post({ number: 'ht2026-0002' })).toEqual({ status: 409, body: { error: 'a contract with number HT2026-0002 already exists' } });
    expect((await adminSend(bot, 'PATCH', `/api/contracts/${ids.c2}`, { number: 'HT2026-0003' })).status).toBe(409);
    expect((await adminSend(bot, 'PATCH', `/api/contracts/${ids.c2}`, { endDate: '2025-12-31' })).body.error).toBe('endDate must be after startDate');
    expect((await adminSend(bot, 'PATCH', `/api/contracts/${ids.c2}`, {})).status).toBe(400);
    expect((await adminSend(bot, 'PATCH', '/api/contracts/999999', { amountYuan: 1 })).status).toBe(404);
    expect((await adminGet(bot, '/api/contracts/999999')).status).toBe(404);
    expect((await adminGet(bot, '/api/contracts?endingBefore=2026-02-30')).body.error).toBe('endingBefore must be a real date (YYYY-MM-DD)');
    expect((await adminGet(bot, '/api/contracts?housekeeper=Z9999')).body.error).toBe('unknown housekeeper code: Z9999');
    expect((await adminGet(bot, '/api/contracts?status=lost')).status).toBe(400);
    expect((await adminGet(bot, '/api/contracts?customerId=x')).status).toBe(400);
    expect((await adminGet(bot, '/api/contracts')).body.total).toBe(5);
  });

  it('imports housekeepers from CSV: good rows land, bad rows are reported by spreadsheet row, a second import changes nothing', async () => {
    if (skipped()) return;
    const id3 = idWithCheck('44030619900101123');
    const csv =
      '\uFEFF编号,姓名,电话,身份证号,紧急联系人,技能,门店\r\n' +
      `a0101,周敏,13500000001,${id3},"张伟|丈夫|13500000009; 周丽 13500000008","月嫂,育儿嫂",BJ-CY\r\n` +
      `A0102,吴芳,13500000002,${wrongCheck(id3)},,保姆,\r\n` +
      'A0103,郑红,1350000,,,,\r\n' +
      'A0104,,,,,,\r\n' +
      'A0101,周敏（重复）,,,,,\r\n' +
      'A0105,孙丽,,,,钟点工,NOPE\r\n' +
      '\r\n' +
      'A0001,,13911112222,,,月嫂|育儿嫂|催乳师,\r\n' +
      'A0106,钱静,,,,,BJ-HD\r\n';
    const first = await adminSend(bot, 'POST', '/api/import/housekeepers', csv);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      total: 8,
      created: 2,
      updated: 1,
      unchanged: 0,
      rejected: [
        { row: 3, code: 'A0102', reason: 'idNumber check digit does not match (mistyped?)' },
        { row: 4, code: 'A0103', reason: 'phone must be a mobile number (11 digits)' },
        { row: 5, code: 'A0104', reason: 'name missing' },
        { row: 6, code: 'A0101', reason: 'code A0101 already appears in row 2' },
        { row: 7, code: 'A0105', reason: 'unknown store code: NOPE' },
      ],
    });
    const zhou = (await adminGet(bot, '/api/housekeepers?store=BJ-CY')).body.housekeepers.find((h: { code: string }) => h.code === 'A0101');
    expect((await adminGet(bot, `/api/housekeepers/${zhou.id}`)).body).toMatchObject({
      name: '周敏',
      idNumber: id3,
      emergencyContacts: [
        { name: '张伟', relation: '丈夫', phone: '13500000009' },
        { name: '周丽', phone: '13500000008' },
      ],
      skills: ['月嫂', '育儿嫂'],
      status: 'new',
      movements: [expect.objectContaining({ kind: 'new', date: '2026-03-02' })],
    });
    expect((await adminGet(bot, `/api/housekeepers/${ids.li}`)).body).toMatchObject({ name: '李秀英', phone: PHONE_LI, skills: ['月嫂', '育儿嫂', '催乳师'], status: 'on_duty' });

    const before = { list: (await adminGet(bot, '/api/housekeepers')).body, audits: (await auditRows()).length };
    const again = await adminSend(bot, 'POST', '/api/import/housekeepers', csv);
    expect(again.body).toEqual({ ...first.body, created: 0, updated: 0, unchanged: 3 });
    expect((await adminGet(bot, '/api/housekeepers')).body).toEqual(before.list);
    expect((await auditRows()).length).toBe(before.audits);

    const json = await adminSend(bot, 'POST', '/api/import/housekeepers', { rows: [{ code: 'A0107', name: '冯洁', skills: ['保洁'] }, { code: 'A0108' }, 'nonsense'] });
    expect(json.body).toEqual({
      total: 3,
      created: 1,
      updated: 0,
      unchanged: 0,
      rejected: [
        { row: 2, code: 'A0108', reason: 'name missing' },
        { row: 3, reason: 'a housekeeper must be an object' },
      ],
    });
  });

  it('imports contracts from CSV with a per-row report; a second import changes nothing', async () => {
    if (skipped()) return;
    const csv =
      'number,customerPhone,customerName,housekeeper,store,consultant,serviceType,startDate,arrivalDate,endDate,amountYuan\r\n' +
      'HT2026-1001,13600000001,刘女士,A0101,BJ-CY,zhangsan,月嫂,2026-03-01,2026-03-05,2026-04-30,"12,800"\r\n' +
      'HT2026-1002,13600000002,,A0102,,,保姆,2026-03-01,,2026-08-31,5000\r\n' +
      'HT2026-1003,13600000003,,A0106,,,保姆,2026-02-30,,2026-08-31,5000\r\n' +
      'HT2026-1004,13600000004,,,,,育儿嫂,2026-05-01,,2026-04-30,7000\r\n' +
      'HT2026-1001,13600000005,,,,,育儿嫂,2026-05-01,,2026-10-31,7000\r\n' +
      'HT2026-1005,13600000001,,A0106,BJ-HD,,保姆,2026/3/10,2026/3/11,2027/3/9,¥6800.00\r\n' +
      'HT2026-1006,,,,,,保姆,2026-03-01,,2026-08-31,5000\r\n' +
      'HT2026-0002,,,,,,,,,,6500\r\n';
    const first = await adminSend(bot, 'POST', '/api/import/contracts', csv);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      total: 8,
      created: 2,
      updated: 1,
      unchanged: 0,
      rejected: [
        { row: 3, number: 'HT2026-1002', reason: 'unknown housekeeper code: A0102' },
        { row: 4, number: 'HT2026-1003', reason: 'startDate must be a real date (YYYY-MM-DD)' },
        { row: 5, number: 'HT2026-1004', reason: 'endDate must be after startDate' },
        { row: 6, number: 'HT2026-1001', reason: 'number HT2026-1001 already appears in row 2' },
        { row: 8, number: 'HT2026-1006', reason: 'customerPhone or customerId missing' },
      ],
    });
    const all = (await adminGet(bot, '/api/contracts?limit=500')).body.contracts as { number: string; customerId: number; amountYuan: string; startDate: string; arrivalDate: string; housekeeperCode: string }[];
    const byNumber = (n: string) => all.find((c) => c.number === n);
    expect(byNumber('HT2026-1001')).toMatchObject({ housekeeperCode: 'A0101', amountYuan: '12800.00', arrivalDate: '2026-03-05' });
    expect(byNumber('HT2026-1005')).toMatchObject({ startDate: '2026-03-10', arrivalDate: '2026-03-11', amountYuan: '6800.00', customerId: byNumber('HT2026-1001')!.customerId });
    expect(byNumber('HT2026-0002')).toMatchObject({ amountYuan: '6500.00', startDate: '2026-01-01' });
    for (const n of ['HT2026-1002', 'HT2026-1003', 'HT2026-1004', 'HT2026-1006']) expect(byNumber(n)).toBeUndefined();
    const customer = (await adminGet(bot, `/api/contracts/${(all.find((c) => c.number === 'HT2026-1001') as any).id}`)).body.customer;
    expect(customer).toMatchObject({ name: '刘女士', phone: '136****0001' });

    const before = { list: (await adminGet(bot, '/api/contracts?limit=500')).body, audits: (await auditRows()).length };
    const again = await adminSend(bot, 'POST', '/api/import/contracts', csv);
    expect(again.body).toEqual({ ...first.body, created: 0, updated: 0, unchanged: 3 });
    expect((await adminGet(bot, '/api/contracts?limit=500')).body).toEqual(before.list);
    expect((await auditRows()).length).toBe(before.audits);

    const json = await adminSend(bot, 'POST', '/api/import/contracts', {
      rows: [
        { number: 'HT2026-2001', customerId: String(ids.customer), startDate: '2026-06-01', endDate: '2026-06-30', amountYuan: 100 },
        { number: 'HT2026-2002', customerId: ids.customer, startDate: '2026-06-01', endDate: '2026-06-30', arrivalDate: '2026-07-01' },
      ],
    });
    expect(json.body).toEqual({ total: 2, created: 1, updated: 0, unchanged: 0, rejected: [{ row: 2, number: 'HT2026-2002', reason: 'arrivalDate must be within the term (startDate to endDate)' }] });
  });

  it('refuses an import it cannot read as a whole, with 400, 413 or 415', async () => {
    if (skipped()) return;
    const importContracts = (body: string | object) => adminSend(bot, 'POST', '/api/import/contracts', body);
    expect((await importContracts('number,customerPhone,phoneOfCat\r\n')).body.error).toMatch(/^unknown CSV column: phoneOfCat \(expected number,customerPhone,/);
    expect((await importContracts('number,customerPhone\r\nHT1,13600000001\r\n')).body.error).toContain('the CSV header lacks startDate, endDate');
    expect((await importContracts('number,startDate,endDate\r\n"HT1,2026-01-01\r\n')).body.error).toBe('invalid CSV: a quoted cell starting on line 2 is never closed');
    expect((await importContracts('')).body.error).toContain('the CSV is empty');
    expect((await importContracts({ contracts: [] })).body.error).toBe('unknown field: contracts (expected rows)');
    expect((await importContracts({ rows: 'all' })).body.error).toBe('rows must be a list');
    expect((await send(bot, '/api/import/contracts', '<rows/>', 'application/xml')).status).toBe(415);
    const gbk = Buffer.concat([Buffer.from('number,startDate,endDate,customerName\r\nHT1,2026-01-01,2026-02-01,'), Buffer.from([0xbc, 0xd7]), Buffer.from('\r\n')]);
    expect((await send(bot, '/api/import/contracts', gbk, 'text/csv')).body.error).toContain('not UTF-8');
    const huge = 'code,name\r\n' + 'A9,甲\r\n'.repeat(100_001);
    expect((await adminSend(bot, 'POST', '/api/import/housekeepers', huge)).body).toEqual({ error: 'more than 100000 rows: split the file' });
  });

  it('imports a 5,000-row contract CSV in batches and logs a progress line every 1,000 rows', async () => {
    if (skipped()) return;
    const lines = ['合同编号,客户电话,客户姓名,阿姨编号,门店,服务类型,开始日期,到岗日期,结束日期,金额'];
    for (let i = 0; i < 5000; i++) {
      const customer = String(i % 500).padStart(4, '0');
      const housekeeper = i % 2 ? 'A0101' : 'A0106';
      lines.push(`BULK-${String(i).padStart(5, '0')},1330000${customer},客户${customer},${housekeeper},BJ-CY,保姆,2026-03-01,2026-03-02,2027-02-28,${5000 + (i % 7) * 100}`);
    }
    lines.push('BULK-00001,13300000001,,NOPE,,,2026-03-01,,2027-02-28,1');
    const csv = lines.join('\r\n') + '\r\n';
    expect(csv.length).toBeGreaterThan(400_000);
    const started = Date.now();
    const result = await adminSend(bot, 'POST', '/api/import/contracts', csv);
    const elapsed = Date.now() - started;
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      total: 5001,
      created: 5000,
      updated: 0,
      unchanged: 0,
      rejected: [{ row: 5002, number: 'BULK-00001', reason: 'number BULK-00001 already appears in row 3' }],
    });
    const progress = bot.logs.lines.filter((line) => line.import === 'contracts' && line.msg === 'import progress');
    expect(progress.map((line) => line.done)).toEqual([1000, 2000, 3000, 4000, 5000]);
    expect(progress.every((line) => line.total === 5001)).toBe(true);
    expect(bot.logs.find((line) => line.import === 'contracts' && line.msg === 'import finished' && line.total === 5001)).toMatchObject({ created: 5000, rejected: 1 });
    expect((await adminGet(bot, '/api/contracts?housekeeper=A0101&limit=1')).body.total).toBe(2501);
    const [{ customers }] = (await db().source.query("SELECT COUNT(DISTINCT customerId) AS customers FROM contract WHERE number LIKE 'BULK-%'")) as { customers: number | string }[];
    expect(Number(customers)).toBe(500);
    // eslint-disable-next-line no-console
    console.log(`5,000-row contract import on ${db().kind}: ${elapsed} ms`);
    // 5,000 contracts and 500 customers written through the import engine
  }, 90_000);

  it('writes an audit entry for every change, with no personal values, and lists them newest first', async () => {
    if (skipped()) return;
    const rows = await auditRows();
    const actions = (subject: string, subjectId: number) => rows.filter((r) => r.subject === subject && Number(r.subjectId) === subjectId).map((r) => r.action);
    expect(actions('housekeeper', ids.li)).toEqual([
      'housekeeper.create',
      'housekeeper.movement',
      'housekeeper.update',
      'housekeeper.movement',
      'housekeeper.movement',
      'housekeeper.import_update',
    ]);
    expect(actions('contract', ids.c1)).toEqual(['contract.create', 'contract.renewed']);
    expect(actions('contract', ids.c3)).toEqual(['contract.create', 'contract.update']);
    expect(actions('contract', ids.c2)).toEqual(['contract.create', 'contract.import_update']);
    expect(actions('customer', ids.customer)).toEqual(['customer.create']);
    expect(rows.every((r) => r.actor === 'admin')).toBe(true);
    expect(rows.filter((r) => r.action === 'contract.import_create')).toHaveLength(5003);
    expect(rows.filter((r) => r.action === 'customer.import_create')).toHaveLength(501);

    const create = JSON.parse(rows.find((r) => r.subject === 'housekeeper' && Number(r.subjectId) === ids.li)!.changes!);
    expect(create).toEqual({
      code: { from: null, to: 'A0001' },
      name: { from: '[personal]', to: '[personal]' },
      phone: { from: '[personal]', to: '[personal]' },
      idNumber: { from: '[personal]', to: '[personal]' },
      emergencyContacts: { from: '[personal]', to: '[personal]' },
      skills: { from: null, to: '月嫂,育儿嫂' },
      storeId: { from: null, to: ids['BJ-CY'] },
      status: { from: null, to: 'new' },
    });
    const update = JSON.parse(rows.filter((r) => r.subject === 'contract' && Number(r.subjectId) === ids.c3)[1].changes!);
    expect(update).toEqual({
      housekeeperId: { from: ids.wang, to: null },
      arrivalDate: { from: null, to: '2026-04-03' },
      amountFen: { from: 0, to: 450000 },
      status: { from: 'active', to: 'terminated' },
    });

    const everything = JSON.stringify(rows);
    const secrets = ['李秀英', '王桂芳', '周敏', '陈女士', '刘女士', '王强', '张伟', '客户0001', PHONE_LI, PHONE_WANG, PHONE_CONTACT, CUSTOMER_PHONE, '13600000001', '13300000001', '13500000009', '13912345678', ID_LI, ID_WANG, '到客户家'];
    for (const secret of secrets) expect(everything).not.toContain(secret);
    const logs = bot.logs.text();
    for (const secret of secrets) expect(logs).not.toContain(secret);

    const listed = await adminGet(bot, `/api/audit?subject=housekeeper&subjectId=${ids.li}`);
    expect(listed.status).toBe(200);
    expect(listed.body.entries.map((e: { action: string }) => e.action)).toEqual(actions('housekeeper', ids.li).reverse());
    expect(listed.body.entries[0]).toEqual({
      id: expect.any(Number),
      actor: 'admin',
      action: 'housekeeper.import_update',
      subject: 'housekeeper',
      subjectId: ids.li,
      changes: { phone: { from: '[personal]', to: '[personal]' }, skills: { from: '月嫂,育儿嫂', to: '月嫂,育儿嫂,催乳师' } },
      at: new Date(NOW).toISOString(),
    });
    const newest = (await adminGet(bot, '/api/audit?limit=2')).body.entries;
    expect(newest).toHaveLength(2);
    expect(newest[0].id).toBeGreaterThan(newest[1].id);
    expect((await adminGet(bot, '/api/audit?subject=contract&limit=3&offset=1')).body.entries).toHaveLength(3);
    expect((await adminGet(bot, '/api/audit?subjectId=abc')).body.error).toBe('subjectId must be a positive whole number');
    expect((await adminGet(bot, '/api/audit?limit=0')).status).toBe(400);
  });
  it('a row the database refuses mid-batch is reported; the rest of its batch still lands', async () => {
    if (skipped()) return;
    // stands in for a row written at the same moment by someone else, or any other refusal by the database
    const trigger =
      db().kind === 'sqlite'
        ? "CREATE TRIGGER refuse_boom BEFORE INSERT ON contract WHEN NEW.number = 'BOOM-2' OR NEW.number LIKE 'DEAD-%' BEGIN SELECT RAISE(ABORT, 'refused'); END"
        : "CREATE TRIGGER refuse_boom BEFORE INSERT ON contract FOR EACH ROW BEGIN IF NEW.number = 'BOOM-2' OR NEW.number LIKE 'DEAD-%' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused'; END IF; END";
    await db().source.query(trigger);
    try {
      const csv = 'number,customerId,startDate,endDate\r\n' + [1, 2, 3].map((n) => `BOOM-${n},${ids.customer},2026-06-01,2026-06-30`).join('\r\n');
      const result = await adminSend(bot, 'POST', '/api/import/contracts', csv);
      expect(result.body).toEqual({ total: 3, created: 2, updated: 0, unchanged: 0, rejected: [{ row: 3, number: 'BOOM-2', reason: 'could not be saved (database error)' }] });
      // a database that refuses everything stops the import instead of reporting every row
      const dead = 'number,customerId,startDate,endDate\r\n' + Array.from({ length: 30 }, (_, n) => `DEAD-${n},${ids.customer},2026-06-01,2026-06-30`).join('\r\n');
      const stopped = await adminSend(bot, 'POST', '/api/import/contracts', dead);
      expect(stopped.status).toBe(503);
      expect(stopped.body.error).toMatch(/^import stopped at row 21: the database refused 20 rows in a row/);
    } finally {
      await db().source.query('DROP TRIGGER refuse_boom');
    }
    const numbers = (await adminGet(bot, `/api/contracts?customerId=${ids.customer}&limit=500`)).body.contracts.map((c: { number: string }) => c.number);
    expect(numbers.filter((n: string) => n.startsWith('BOOM-'))).toEqual(['BOOM-1', 'BOOM-3']);
    expect(numbers.filter((n: string) => n.startsWith('DEAD-'))).toEqual([]);
    expect(bot.logs.find((line) => line.msg === 'import batch failed: retrying its rows one by one')).toMatchObject({ import: 'contracts', firstRow: 2 });
    expect(bot.logs.find((line) => line.msg === 'import row failed')).toMatchObject({ import: 'contracts', row: 3 });
    const audits = (await db().source.query("SELECT action FROM audit_entry WHERE action = 'contract.import_create'")) as unknown[];
    expect(audits).toHaveLength(5005); // the refused row's audit entry was rolled back with it
  });
});
