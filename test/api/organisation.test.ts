import { normaliseWorkingHours, parseCsv } from '../../src/api/organisation';
import { describeEachDatabase } from '../support/databases';
import { adminGet, adminSend } from '../support/chat';
import { startBot, type RunningBot } from '../support/harness';

/** The organisation admin API (R-LD-2's stores and staff): CRUD, the default-store rule, imports. */

async function send(bot: RunningBot, path: string, body: string | Buffer, contentType: string, token = 'test-admin-token-for-the-bot-under-test') {
  const response = await fetch(bot.url + path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, body });
  return { status: response.status, body: (await response.json()) as any };
}

function auditLines(bot: RunningBot, audit: string) {
  return bot.logs.lines.filter((line) => line.audit === audit);
}

describe('CSV reader', () => {
  it('reads quotes, doubled quotes, commas and line breaks inside quotes, CRLF, LF and CR', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\r\n"two\r\nlines",z\r\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['two\r\nlines', 'z'],
    ]);
    expect(parseCsv('a,b\nc,d')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(parseCsv('a\rb\r')).toEqual([['a'], ['b']]);
    expect(parseCsv('"",x,\n')).toEqual([['', 'x', '']]);
    expect(parseCsv('a,\n\nb')).toEqual([['a', ''], [''], ['b']]);
  });

  it('keeps a stray quote inside an unquoted cell, and refuses a quote that is never closed', () => {
    expect(parseCsv('5" tall,x')).toEqual([['5" tall', 'x']]);
    expect(() => parseCsv('a,b\n"open,c\nd')).toThrow('a quoted cell starting on line 2 is never closed');
  });

  it('normalises working hours and refuses what the dispatcher could not use', () => {
    expect(normaliseWorkingHours('9:00-18:00')).toBe('09:00-18:00');
    expect(normaliseWorkingHours(' 08:30 ~ 17:30 ')).toBe('08:30-17:30');
    expect(normaliseWorkingHours('12:00-24:00')).toBe('12:00-24:00');
    for (const bad of ['9-18', '25:00-26:00', '09:60-18:00', '18:00-09:00', '09:00-09:00', '24:00-24:30', '']) {
      expect(normaliseWorkingHours(bad)).toBeUndefined();
    }
  });
});

describeEachDatabase('admin API: stores and staff', ({ db, skipped }) => {
  let bot: RunningBot;
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    if (skipped()) return;
    bot = await startBot(db(), { background: false });
  });
  afterAll(async () => bot?.stop());

  it('refuses without the bearer token', async () => {
    if (skipped()) return;
    expect((await adminGet(bot, '/api/stores', '')).status).toBe(401);
    expect((await adminGet(bot, '/api/staff', 'wrong')).status).toBe(401);
    expect((await adminSend(bot, 'POST', '/api/stores', { code: 'X', name: 'X', districts: [] }, '')).status).toBe(401);
    expect((await adminSend(bot, 'POST', '/api/import/staff', 'wecomUserId,name,roles\r\nu1,A,gm\r\n', 'nope')).status).toBe(401);
    expect((await adminGet(bot, '/api/stores')).body).toEqual({ stores: [] });
  });

  it('creates, lists, shows and patches stores', async () => {
    if (skipped()) return;
    const created = await adminSend(bot, 'POST', '/api/stores', { code: 'BJ-CY', name: '朝阳店', districts: ['朝阳区', '东城区'], isDefault: true });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(Number), code: 'BJ-CY', name: '朝阳店', districts: ['朝阳区', '东城区'], isDefault: true });
    ids.cy = created.body.id;
    const second = await adminSend(bot, 'POST', '/api/stores', { code: 'BJ-HD', name: '海淀店', districts: '海淀区，西城区' });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ code: 'BJ-HD', districts: ['海淀区', '西城区'], isDefault: false });
    ids.hd = second.body.id;

    expect((await adminGet(bot, '/api/stores')).body.stores.map((s: { code: string }) => s.code)).toEqual(['BJ-CY', 'BJ-HD']);
    expect((await adminGet(bot, `/api/stores/${ids.hd}`)).body).toEqual(second.body);

    const patched = await adminSend(bot, 'PATCH', `/api/stores/${ids.hd}`, { name: '海淀旗舰店', districts: ['海淀区', '西城区', '丰台区'] });
    expect(patched).toEqual({ status: 200, body: { id: ids.hd, code: 'BJ-HD', name: '海淀旗舰店', districts: ['海淀区', '西城区', '丰台区'], isDefault: false } });
    expect((await adminGet(bot, `/api/stores/${ids.hd}`)).body.name).toBe('海淀旗舰店');

    const audits = auditLines(bot, 'store_changed');
    expect(audits).toContainEqual(expect.objectContaining({ id: ids.hd, by: 'admin', fields: ['name', 'districts'] }));
    expect(audits).toContainEqual(expect.objectContaining({ id: ids.cy, by: 'admin', fields: ['code', 'name', 'districts', 'isDefault'] }));
    expect(JSON.stringify(audits)).not.toContain('海淀');
  });

  it('keeps at most one default store', async () => {
    if (skipped()) return;
    const third = await adminSend(bot, 'POST', '/api/stores', { code: 'BJ-TZ', name: '通州店', districts: ['通州区'], isDefault: true });
    expect(third.body.isDefault).toBe(true);
    ids.tz = third.body.id;
    const defaults = async () => (await adminGet(bot, '/api/stores')).body.stores.filter((s: { isDefault: boolean }) => s.isDefault).map((s: { id: number }) => s.id);
    expect(await defaults()).toEqual([ids.tz]);
    expect(auditLines(bot, 'store_changed')).toContainEqual(expect.objectContaining({ id: ids.cy, fields: ['isDefault'] }));

    await adminSend(bot, 'PATCH', `/api/stores/${ids.cy}`, { isDefault: true });
    expect(await defaults()).toEqual([ids.cy]);
    // unsetting leaves no default; setting it again is allowed
    await adminSend(bot, 'PATCH', `/api/stores/${ids.cy}`, { isDefault: false });
    expect(await defaults()).toEqual([]);
    await adminSend(bot, 'PATCH', `/api/stores/${ids.cy}`, { isDefault: true });
    expect(await defaults()).toEqual([ids.cy]);
  });

  it('answers 400, 404, 409 and 415 for bad store requests, naming the field', async () => {
    if (skipped()) return;
    const missing = await adminSend(bot, 'POST', '/api/stores', { name: '无码店', districts: [] });
    expect(missing).toEqual({ status: 400, body: { error: 'code missing' } });
    expect((await adminSend(bot, 'POST', '/api/stores', { code: 'bj-cy', name: '重复', districts: [] })).status).toBe(409);
    const clash = await adminSend(bot, 'PATCH', `/api/stores/${ids.hd}`, { code: 'BJ-TZ' });
    expect(clash).toEqual({ status: 409, body: { error: 'a store with code BJ-TZ already exists' } });
    expect((await adminSend(bot, 'POST', '/api/stores', { code: 'N1', name: '店'.repeat(65), districts: [] })).body.error).toContain('name must be 1-64 characters');
    expect((await adminSend(bot, 'POST', '/api/stores', { code: 'has space', name: 'x', districts: [] })).body.error).toContain('code must be');
    expect((await adminSend(bot, 'POST', '/api/stores', { code: 'N2', name: 'x', districts: [1, 2] })).body.error).toContain('districts must be');
    expect((await adminSend(bot, 'POST', '/api/stores', { code: 'N3', name: 'x', districts: [], isDefault: 'maybe' })).body.error).toContain('isDefault must be');
    expect((await adminSend(bot, 'POST', '/api/stores', { code: 'N4', name: 'x', districts: [], colour: 'red' })).body.error).toBe('unknown field: colour');
    expect((await adminSend(bot, 'POST', '/api/stores', [1, 2])).body.error).toBe('the body must be a JSON object');
    expect((await adminSend(bot, 'PATCH', `/api/stores/${ids.hd}`, {})).status).toBe(400);
    expect((await adminGet(bot, '/api/stores/999999')).status).toBe(404);
    expect((await adminSend(bot, 'PATCH', '/api/stores/999999', { name: 'x' })).status).toBe(404);
    expect((await adminGet(bot, '/api/stores/abc')).status).toBe(400);

    const broken = await send(bot, '/api/stores', '{"code": "N5",', 'application/json');
    expect(broken.status).toBe(400);
    expect(broken.body.error).toMatch(/^invalid JSON/);
    expect((await send(bot, '/api/stores', '', 'application/json')).body).toEqual({ error: 'the body is empty: send a JSON object' });
    expect((await send(bot, '/api/stores', 'code=N6', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await adminGet(bot, '/api/stores')).body.stores).toHaveLength(3);
  });

  it('creates, shows, lists with filters and patches staff', async () => {
    if (skipped()) return;
    const zhang = await adminSend(bot, 'POST', '/api/staff', { wecomUserId: 'zhangsan', name: '张三', roles: ['consultant'], store: 'BJ-CY' });
    expect(zhang.status).toBe(201);
    expect(zhang.body).toEqual({ id: expect.any(Number), wecomUserId: 'zhangsan', name: '张三', roles: ['consultant'], storeId: ids.cy, storeCode: 'BJ-CY', active: true, workingHours: '09:00-18:00' });
    ids.zhang = zhang.body.id;
    const li = await adminSend(bot, 'POST', '/api/staff', { wecomUserId: 'lisi', name: '李四', roles: 'consultant,store_manager', store: ids.hd, workingHours: '8:30-17:30', active: false });
    expect(li.body).toMatchObject({ roles: ['consultant', 'store_manager'], storeId: ids.hd, storeCode: 'BJ-HD', active: false, workingHours: '08:30-17:30' });
    ids.li = li.body.id;
    const wang = await adminSend(bot, 'POST', '/api/staff', { wecomUserId: 'wangwu', name: '王五', roles: ['cs_manager'] });
    expect(wang.body).toMatchObject({ storeId: null, storeCode: null });
    ids.wang = wang.body.id;

    expect((await adminGet(bot, `/api/staff/${ids.li}`)).body).toEqual(li.body);
    const userIds = async (query: string) => (await adminGet(bot, `/api/staff${query}`)).body.staff.map((s: { wecomUserId: string }) => s.wecomUserId);
    expect(await userIds('')).toEqual(['zhangsan', 'lisi', 'wangwu']);
    expect(await userIds('?role=consultant')).toEqual(['zhangsan', 'lisi']);
    expect(await userIds('?role=store_manager')).toEqual(['lisi']);
    expect(await userIds('?store=BJ-HD')).toEqual(['lisi']);
    expect(await userIds('?active=true')).toEqual(['zhangsan', 'wangwu']);
    expect(await userIds('?active=false&role=consultant')).toEqual(['lisi']);
    expect(await userIds('?role=consultant&limit=1&offset=1')).toEqual(['lisi']);
    expect((await adminGet(bot, '/api/staff?role=consultant&limit=1')).body.total).toBe(2);

    const moved = await adminSend(bot, 'PATCH', `/api/staff/${ids.zhang}`, { store: 'BJ-TZ', roles: ['consultant', 'store_manager'], workingHours: '10:00-19:00' });
    expect(moved).toEqual({ status: 200, body: { ...zhang.body, storeId: ids.tz, storeCode: 'BJ-TZ', roles: ['consultant', 'store_manager'], workingHours: '10:00-19:00' } });
    const cleared = await adminSend(bot, 'PATCH', `/api/staff/${ids.zhang}`, { store: null, active: false, name: '张三丰' });
    expect(cleared.body).toMatchObject({ storeId: null, storeCode: null, active: false, name: '张三丰' });

    const audits = auditLines(bot, 'staff_changed');
    expect(audits).toContainEqual(expect.objectContaining({ id: ids.zhang, by: 'admin', fields: ['roles', 'storeId', 'workingHours'] }));
    expect(audits).toContainEqual(expect.objectContaining({ id: ids.zhang, fields: ['name', 'storeId', 'active'] }));
    expect(audits).toContainEqual(expect.objectContaining({ id: ids.li, fields: ['wecomUserId', 'name', 'roles', 'storeId', 'active', 'workingHours'] }));
    expect(JSON.stringify(audits)).not.toMatch(/张三|李四|王五/);
  });

  it('answers 400, 404 and 409 for bad staff requests, naming the field', async () => {
    if (skipped()) return;
    const post = (body: object) => adminSend(bot, 'POST', '/api/staff', body);
    expect(await post({ wecomUserId: 'u1', name: '甲', roles: ['boss'] })).toEqual({ status: 400, body: { error: 'unknown role: boss' } });
    expect((await post({ wecomUserId: 'u1', name: '甲', roles: [] })).body.error).toContain('roles missing');
    expect(await post({ wecomUserId: 'u1', name: '甲', roles: ['gm'], store: 'NOPE' })).toEqual({ status: 400, body: { error: 'unknown store code: NOPE' } });
    expect((await post({ wecomUserId: 'u1', name: '甲', roles: ['gm'], store: 999999 })).body.error).toBe('unknown store id: 999999');
    expect((await post({ wecomUserId: 'u1', name: '甲', roles: ['gm'], workingHours: '9am-6pm' })).body.error).toContain('workingHours must be HH:MM-HH:MM');
    expect((await post({ wecomUserId: 'u1', name: '甲'.repeat(65), roles: ['gm'] })).body.error).toBe('name must be 1-64 characters');
    expect((await post({ wecomUserId: 'u1', name: '', roles: ['gm'] })).body.error).toBe('name must be 1-64 characters');
    expect((await post({ wecomUserId: 'bad id!', name: '甲', roles: ['gm'] })).body.error).toContain('wecomUserId must be');
    expect((await post({ name: '甲', roles: ['gm'] })).body.error).toBe('wecomUserId missing');
    expect((await post({ wecomUserId: 'u1', name: '甲', roles: ['gm'], active: 'sometimes' })).body.error).toContain('active must be');
    const taken = await post({ wecomUserId: 'ZhangSan', name: '另一个张三', roles: ['gm'] });
    expect(taken).toEqual({ status: 409, body: { error: 'a member of staff with wecomUserId ZhangSan already exists' } });

    expect((await adminSend(bot, 'PATCH', `/api/staff/${ids.li}`, { roles: 'consultant,boss' })).body.error).toBe('unknown role: boss');
    expect((await adminSend(bot, 'PATCH', `/api/staff/${ids.li}`, { wecomUserId: 'someone-else' })).body.error).toBe('wecomUserId cannot be changed');
    expect((await adminSend(bot, 'PATCH', `/api/staff/${ids.li}`, {})).status).toBe(400);
    expect((await adminSend(bot, 'PATCH', '/api/staff/999999', { name: 'x' })).status).toBe(404);
    expect((await adminGet(bot, '/api/staff/999999')).status).toBe(404);
    expect((await adminGet(bot, '/api/staff?role=boss')).status).toBe(400);
    expect((await adminGet(bot, '/api/staff?store=NOPE')).body.error).toBe('unknown store code: NOPE');
    expect((await adminGet(bot, '/api/staff?active=perhaps')).status).toBe(400);
    expect((await adminGet(bot, '/api/staff')).body.total).toBe(3);
    expect((await adminGet(bot, `/api/staff/${ids.li}`)).body.roles).toEqual(['consultant', 'store_manager']);
  });

  it('imports stores and staff from JSON: good rows land, bad rows are reported, a second import changes nothing', async () => {
    if (skipped()) return;
    const body = {
      stores: [
        { code: 'SH-PD', name: '浦东店', districts: ['浦东新区'] },
        { code: 'BJ-HD', districts: ['海淀区', '西城区', '丰台区', '石景山区'] },
        { code: 'SH-XH', name: '徐汇店' },
        { name: '无码店', districts: [] },
      ],
      staff: [
        { wecomUserId: 'zhaoliu', name: '赵六', roles: ['consultant'], store: 'SH-PD' },
        { wecomUserId: 'lisi', name: '李四', roles: 'consultant,store_manager', store: 'BJ-HD', active: true },
        { wecomUserId: 'boss1', name: '老板', roles: ['boss'] },
        { name: '无名', roles: ['gm'] },
        { wecomUserId: 'qianqi', name: '钱七', roles: ['consultant'], store: 'SH-XH' },
        { wecomUserId: 'sunba', name: '孙八', roles: ['hr'], workingHours: '9点到6点' },
        { wecomUserId: 'zhaoliu', name: '赵六', roles: ['gm'] },
        'not an object',
      ],
    };
    const first = await adminSend(bot, 'POST', '/api/import/staff', body);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      created: 1,
      updated: 1,
      unchanged: 0,
      rejected: [
        { row: 3, wecomUserId: 'boss1', reason: 'unknown role: boss' },
        { row: 4, reason: 'wecomUserId missing' },
        { row: 5, wecomUserId: 'qianqi', reason: 'unknown store code: SH-XH' },
        { row: 6, wecomUserId: 'sunba', reason: expect.stringContaining('workingHours must be HH:MM-HH:MM') },
        { row: 7, wecomUserId: 'zhaoliu', reason: 'wecomUserId zhaoliu already appears in row 1' },
        { row: 8, reason: 'a member of staff must be an object' },
      ],
      stores: {
        created: 1,
        updated: 1,
        unchanged: 0,
        rejected: [
          { row: 3, code: 'SH-XH', reason: 'districts missing' },
          { row: 4, reason: 'code missing' },
        ],
      },
    });
    const zhao = (await adminGet(bot, '/api/staff?store=SH-PD')).body.staff;
    expect(zhao).toEqual([expect.objectContaining({ wecomUserId: 'zhaoliu', roles: ['consultant'], storeCode: 'SH-PD', active: true, workingHours: '09:00-18:00' })]);
    expect((await adminGet(bot, `/api/staff/${ids.li}`)).body).toMatchObject({ active: true, storeCode: 'BJ-HD' });
    expect((await adminGet(bot, `/api/stores/${ids.hd}`)).body.districts).toEqual(['海淀区', '西城区', '丰台区', '石景山区']);
    expect(auditLines(bot, 'staff_changed')).toContainEqual(expect.objectContaining({ id: ids.li, fields: ['active'] }));

    const before = { stores: (await adminGet(bot, '/api/stores')).body, staff: (await adminGet(bot, '/api/staff')).body };
    const auditCount = auditLines(bot, 'staff_changed').length + auditLines(bot, 'store_changed').length;
    const again = await adminSend(bot, 'POST', '/api/import/staff', body);
    expect(again.body).toEqual({ ...first.body, created: 0, updated: 0, unchanged: 2, stores: { ...first.body.stores, created: 0, updated: 0, unchanged: 2 } });
    expect({ stores: (await adminGet(bot, '/api/stores')).body, staff: (await adminGet(bot, '/api/staff')).body }).toEqual(before);
    expect(auditLines(bot, 'staff_changed').length + auditLines(bot, 'store_changed').length).toBe(auditCount);
  });

  it('a store made default by an import takes the default from the others; two defaults in one import are refused', async () => {
    if (skipped()) return;
    const res = await adminSend(bot, 'POST', '/api/import/staff', {
      stores: [
        { code: 'SH-PD', isDefault: true },
        { code: 'BJ-TZ', isDefault: true },
      ],
    });
    expect(res.body.stores).toEqual({ created: 0, updated: 1, unchanged: 0, rejected: [{ row: 2, code: 'BJ-TZ', reason: 'only one store can be the default: row 1 already is' }] });
    expect(res.body).toMatchObject({ created: 0, updated: 0, unchanged: 0, rejected: [] });
    const defaults = (await adminGet(bot, '/api/stores')).body.stores.filter((s: { isDefault: boolean }) => s.isDefault);
    expect(defaults.map((s: { code: string }) => s.code)).toEqual(['SH-PD']);
  });

  it('imports a spreadsheet saved as CSV: BOM, CRLF, quoted cells; bad rows are reported by spreadsheet row', async () => {
    if (skipped()) return;
    const csv =
      '\uFEFFwecomUserId,name,roles,store,active,workingHours\r\n' +
      'zhouyi,"周一, 高级顾问",consultant|store_manager,SH-PD,是,8:30-17:30\r\n' +
      'wuer,"吴二 ""小吴""",cs_specialist;cs_manager,,1,\r\n' +
      'bad1,坏人,boss,,,\r\n' +
      ',无名氏,gm,,,\r\n' +
      '\r\n' +
      'zhengsan,郑三,finance,X,,\r\n' +
      'wangsi,王四,hr,,否,25:00-26:00\r\n' +
      'lisi,李四,consultant,BJ-HD,false,\r\n' +
      'fengwu,冯五,gm,,true,09:00-18:00,extra\r\n';
    const first = await adminSend(bot, 'POST', '/api/import/staff', csv);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      created: 2,
      updated: 1,
      unchanged: 0,
      rejected: [
        { row: 4, wecomUserId: 'bad1', reason: 'unknown role: boss' },
        { row: 5, reason: 'wecomUserId missing' },
        { row: 7, wecomUserId: 'zhengsan', reason: 'unknown store code: X' },
        { row: 8, wecomUserId: 'wangsi', reason: expect.stringContaining('workingHours must be HH:MM-HH:MM') },
        { row: 10, wecomUserId: 'fengwu', reason: 'the row has 7 cells, the header 6' },
      ],
      stores: { created: 0, updated: 0, unchanged: 0, rejected: [] },
    });
    const staff = (await adminGet(bot, '/api/staff?limit=500')).body.staff as { wecomUserId: string }[];
    const byId = (id: string) => staff.find((s) => s.wecomUserId === id);
    expect(byId('zhouyi')).toMatchObject({ name: '周一, 高级顾问', roles: ['consultant', 'store_manager'], storeCode: 'SH-PD', active: true, workingHours: '08:30-17:30' });
    expect(byId('wuer')).toMatchObject({ name: '吴二 "小吴"', roles: ['cs_specialist', 'cs_manager'], storeId: null, active: true, workingHours: '09:00-18:00' });
    // empty cells leave a field as it was: 李四's working hours stay, his roles are replaced
    expect(byId('lisi')).toMatchObject({ roles: ['consultant'], storeCode: 'BJ-HD', active: false, workingHours: '08:30-17:30' });
    for (const id of ['bad1', 'zhengsan', 'wangsi', 'fengwu']) expect(byId(id)).toBeUndefined();

    const before = (await adminGet(bot, '/api/staff?limit=500')).body;
    const again = await adminSend(bot, 'POST', '/api/import/staff', csv);
    expect(again.body).toEqual({ ...first.body, created: 0, updated: 0, unchanged: 3 });
    expect((await adminGet(bot, '/api/staff?limit=500')).body).toEqual(before);
    expect(bot.logs.find((line) => line.audit === 'staff_imported' && line.format === 'csv')).toMatchObject({ by: 'admin', created: 2, updated: 1, rejected: 5 });
    expect(JSON.stringify(auditLines(bot, 'staff_changed'))).not.toMatch(/周一|吴二|李四/);
  });

  it('refuses a CSV it cannot read as a whole, with 400, 413 or 415', async () => {
    if (skipped()) return;
    const unknownColumn = await adminSend(bot, 'POST', '/api/import/staff', 'wecomUserId,name,roles,phone\r\nu1,甲,gm,13800138000\r\n');
    expect(unknownColumn).toEqual({ status: 400, body: { error: 'unknown CSV column: phone (expected wecomUserId,name,roles,store,active,workingHours)' } });
    expect((await adminSend(bot, 'POST', '/api/import/staff', 'wecomUserId,name\r\nu1,甲\r\n')).body.error).toContain('the CSV header lacks roles');
    expect((await adminSend(bot, 'POST', '/api/import/staff', 'wecomUserId,name,roles\r\nu1,"甲,gm\r\n')).body.error).toBe('invalid CSV: a quoted cell starting on line 2 is never closed');
    expect((await adminSend(bot, 'POST', '/api/import/staff', '')).body.error).toContain('the CSV is empty');
    // Excel's "CSV" on a Chinese Windows is GBK: 甲 is 0xBC 0xD7
    const gbk = Buffer.concat([Buffer.from('wecomUserId,name,roles\r\nu1,'), Buffer.from([0xbc, 0xd7]), Buffer.from(',gm\r\n')]);
    expect((await send(bot, '/api/import/staff', gbk, 'text/csv')).body.error).toContain('not UTF-8');
    expect((await send(bot, '/api/import/staff', '<staff/>', 'application/xml')).status).toBe(415);
    const invalid = await send(bot, '/api/import/staff', '{"staff": [', 'application/json');
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatch(/^invalid JSON/);
    expect((await adminSend(bot, 'POST', '/api/import/staff', { people: [] })).status).toBe(400);
    const huge = 'wecomUserId,name,roles\r\n' + 'u1,甲,gm\r\n'.repeat(120_000);
    expect((await adminSend(bot, 'POST', '/api/import/staff', huge)).status).toBe(413);
    expect((await adminGet(bot, '/api/staff?limit=500')).body.staff.some((s: { wecomUserId: string }) => s.wecomUserId === 'u1')).toBe(false);
  });

  it('writes an audit entry for every store and staff change, in the trail the archives use, without personal values', async () => {
    if (skipped()) return;
    const entries = async (query: string) => (await adminGet(bot, `/api/audit?${query}&limit=500`)).body.entries as { actor: string; action: string; subjectId: number; changes: Record<string, { from: unknown; to: unknown }> }[];
    const ofSubject = (list: Awaited<ReturnType<typeof entries>>, id: number) => list.filter((e) => e.subjectId === id).reverse(); // oldest first

    const stores = await entries('subject=store');
    expect(ofSubject(stores, ids.hd).map((e) => e.action)).toEqual(['store.create', 'store.update', 'store.import_update']);
    const created = ofSubject(stores, ids.hd)[0];
    expect(created).toMatchObject({ actor: 'admin', changes: { code: { from: null, to: 'BJ-HD' }, name: { from: '[personal]', to: '[personal]' }, districts: { from: null, to: '海淀区,西城区' }, isDefault: { from: null, to: false } } });
    expect(ofSubject(stores, ids.hd)[1].changes).toEqual({ name: { from: '[personal]', to: '[personal]' }, districts: { from: '海淀区,西城区', to: '海淀区,西城区,丰台区' } });
    // the store that lost the default to another has its own entry
    expect(ofSubject(stores, ids.cy).map((e) => e.changes.isDefault)).toContainEqual({ from: true, to: false });

    const staff = await entries('subject=staff');
    const zhang = ofSubject(staff, ids.zhang);
    expect(zhang.map((e) => e.action)).toEqual(['staff.create', 'staff.update', 'staff.update']);
    expect(zhang[1].changes).toEqual({ roles: { from: 'consultant', to: 'consultant,store_manager' }, storeId: { from: ids.cy, to: ids.tz }, workingHours: { from: '09:00-18:00', to: '10:00-19:00' } });
    expect(zhang[2].changes).toEqual({ name: { from: '[personal]', to: '[personal]' }, storeId: { from: ids.tz, to: null }, active: { from: true, to: false } });
    expect(ofSubject(staff, ids.li).map((e) => e.action)).toEqual(['staff.create', 'staff.import_update', 'staff.import_update']);
    expect(staff.filter((e) => e.action === 'staff.import_create').length).toBeGreaterThanOrEqual(3);

    // a WeChat link is audited as a change, its id is not written
    await adminSend(bot, 'PATCH', `/api/staff/${ids.wang}`, { wechatId: 'wxid_wang_private' });
    const [link] = await entries(`subject=staff&subjectId=${ids.wang}&action=staff.update`);
    expect(link.changes).toEqual({ wechatId: { from: '[personal]', to: '[personal]' } });

    // an import that changes nothing writes nothing
    const count = (await entries('subject=staff')).length;
    await adminSend(bot, 'POST', '/api/import/staff', { staff: [{ wecomUserId: 'lisi', name: '李四', roles: 'consultant', store: 'BJ-HD', active: false }] });
    expect((await entries('subject=staff')).length).toBe(count);

    const trail = JSON.stringify([...(await entries('subject=store')), ...(await entries('subject=staff'))]);
    expect(trail).not.toMatch(/张三|李四|王五|朝阳店|海淀店|海淀旗舰店|周一|wxid_wang_private/);
  });

  it('imports through the one engine: a row the database refuses is reported, the rest land, its audit entry rolls back with it', async () => {
    if (skipped()) return;
    // stands in for a row written at the same moment by someone else, or any other refusal by the database
    const trigger =
      db().kind === 'sqlite'
        ? "CREATE TRIGGER refuse_staff BEFORE INSERT ON staff WHEN NEW.wecomUserId = 'boom2' OR NEW.wecomUserId LIKE 'dead%' BEGIN SELECT RAISE(ABORT, 'refused'); END"
        : "CREATE TRIGGER refuse_staff BEFORE INSERT ON staff FOR EACH ROW BEGIN IF NEW.wecomUserId = 'boom2' OR NEW.wecomUserId LIKE 'dead%' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused'; END IF; END";
    await db().source.query(trigger);
    try {
      const csv = 'wecomUserId,name,roles\r\n' + [1, 2, 3].map((n) => `boom${n},员工${n},consultant`).join('\r\n');
      const result = await adminSend(bot, 'POST', '/api/import/staff', csv);
      expect(result).toEqual({
        status: 200,
        body: { created: 2, updated: 0, unchanged: 0, rejected: [{ row: 3, wecomUserId: 'boom2', reason: 'could not be saved (database error)' }], stores: { created: 0, updated: 0, unchanged: 0, rejected: [] } },
      });
      // a database that refuses everything stops the import instead of reporting every row, as the archive imports do
      const dead = 'wecomUserId,name,roles\r\n' + Array.from({ length: 30 }, (_, n) => `dead${n},员工,gm`).join('\r\n');
      const stopped = await adminSend(bot, 'POST', '/api/import/staff', dead);
      expect(stopped.status).toBe(503);
      expect(stopped.body.error).toMatch(/^import stopped at row 21: the database refused 20 rows in a row/);
    } finally {
      await db().source.query('DROP TRIGGER refuse_staff');
    }
    const userIds = ((await adminGet(bot, '/api/staff?limit=500')).body.staff as { wecomUserId: string }[]).map((s) => s.wecomUserId);
    expect(userIds.filter((id) => /^boom/.test(id))).toEqual(['boom1', 'boom3']);
    expect(userIds.filter((id) => /^dead/.test(id))).toEqual([]);
    expect(bot.logs.find((line) => line.import === 'staff' && line.msg === 'import batch failed: retrying its rows one by one')).toMatchObject({ firstRow: 2 });
    expect(bot.logs.find((line) => line.import === 'staff' && line.msg === 'import row failed')).toMatchObject({ row: 3 });
    const created = (await adminGet(bot, '/api/audit?subject=staff&action=staff.import_create&limit=500')).body.entries as { subjectId: number }[];
    const boomIds = ((await adminGet(bot, '/api/staff?limit=500')).body.staff as { id: number; wecomUserId: string }[]).filter((s) => /^boom/.test(s.wecomUserId)).map((s) => s.id);
    expect(created.filter((e) => boomIds.includes(e.subjectId))).toHaveLength(2);
  });

  it('imports a large staff file in batches with progress lines, as the archive imports do', async () => {
    if (skipped()) return;
    const csv = 'wecomUserId,name,roles,store\r\n' + Array.from({ length: 1200 }, (_, n) => `bulk${n},员工${n},consultant,SH-PD`).join('\r\n') + '\r\nbulk7,重复,gm,\r\n';
    const result = await adminSend(bot, 'POST', '/api/import/staff', csv);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ created: 1200, updated: 0, unchanged: 0, rejected: [{ row: 1202, wecomUserId: 'bulk7', reason: 'wecomUserId bulk7 already appears in row 9' }] });
    expect(bot.logs.lines.filter((line) => line.import === 'staff' && line.msg === 'import progress').map((line) => line.done)).toEqual([1000]);
    expect(bot.logs.find((line) => line.import === 'staff' && line.msg === 'import finished' && line.total === 1201)).toMatchObject({ created: 1200, rejected: 1 });
    expect((await adminGet(bot, '/api/staff?store=SH-PD&limit=1')).body.total).toBeGreaterThanOrEqual(1200);
  });
});
