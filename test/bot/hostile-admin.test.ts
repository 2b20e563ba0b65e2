import { request } from 'node:http';
import { ConfigError, loadConfig } from '../../config';
import { canonicalPath, isAdminPath, tokenMatches } from '../../src/api/http';
import { JobRun, Staff, Store } from '../../src/entities';
import { adminGet, adminSend } from '../support/chat';
import { describeEachDatabase } from '../support/databases';
import { startBot, TEST_ADMIN_TOKEN, type RunningBot } from '../support/harness';

/**
 * The admin API from outside, as an attacker would try it (issue 19, item 1): every spelling of
 * /api — case, percent-encoding, doubled slashes, dot segments, trailing slash — answers 401 or
 * 404 without the token, never 2xx, and changes nothing. Requests go over a real socket with the
 * path exactly as written (fetch would normalise some of them away before sending).
 */

interface Raw {
  status: number;
  body: string;
}

function raw(bot: RunningBot, method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Raw> {
  const { port } = new URL(bot.url);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: Number(port),
        method,
        path,
        headers: { ...(payload ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}), ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const ATTACKER_WECHAT = 'wxid_attacker_0001';

/** [method, path, body] — each one reaches, or once reached, an admin route without the token. */
const SPELLINGS: [string, string, unknown?][] = [
  ['GET', '/API/leads'],
  ['GET', '/Api/tickets'],
  ['GET', '/aPi/customers/1'],
  ['GET', '/API/staff'],
  ['GET', '/API'],
  ['GET', '/%61pi/leads'],
  ['GET', '/%41%50%49/stores'],
  ['GET', '/%2561pi/leads'],
  ['GET', '/api%2Fleads'],
  ['GET', '/api%2fstaff/1'],
  ['GET', '/api%5Cleads'],
  ['GET', '//api/leads'],
  ['GET', '///API//leads'],
  ['GET', '/api//leads'],
  ['GET', '/api/leads/'],
  ['GET', '/API/leads/'],
  ['GET', '/api/./leads'],
  ['GET', '/api/%2e%2e/api/leads'],
  ['GET', '/api/%2E%2E/API/leads'],
  ['GET', '/x/../api/leads'],
  ['GET', '/x/%2e%2e/api/leads'],
  ['GET', '/%EF%BD%81%EF%BD%90%EF%BD%89/leads'], // full-width ａｐｉ
  ['GET', '/api/leads?limit=500'],
  ['GET', '/api/jobs'],
  ['HEAD', '/API/leads'],
  ['OPTIONS', '/API/staff/1'],
  ['POST', '/API/stores', { code: 'EVIL', name: '黑店', districts: ['朝阳区'] }],
  ['POST', '/%61pi/stores', { code: 'EVIL2', name: '黑店二', districts: ['朝阳区'] }],
  ['POST', '//api/stores', { code: 'EVIL3', name: '黑店三', districts: ['朝阳区'] }],
  ['POST', '/Api/staff', { wecomUserId: 'evil', name: '冒充', roles: ['gm'] }],
  ['PATCH', '/Api/staff/1', { wechatId: ATTACKER_WECHAT }],
  ['PATCH', '/API/STAFF/1', { wechatId: ATTACKER_WECHAT }],
  ['PATCH', '/api/staff/1/', { wechatId: ATTACKER_WECHAT }],
  ['PATCH', '/api//staff/1', { wechatId: ATTACKER_WECHAT }],
  ['PATCH', '/%61pi/staff/%31', { wechatId: ATTACKER_WECHAT }],
  ['PATCH', '/api/%2e%2e/api/staff/1', { wechatId: ATTACKER_WECHAT }],
  ['POST', '/Api/jobs/monthly-report/run', {}],
];

describe('what counts as an admin path', () => {
  it('reads every spelling of /api as /api, and leaves other paths alone', () => {
    for (const [, path] of SPELLINGS) expect([path, isAdminPath(path.split('?')[0])]).toEqual([path, true]);
    expect(canonicalPath('/x/%2e%2e/API//Leads/')).toBe('/api/leads');
    for (const path of ['/', '/wechat', '/wecom', '/healthz', '/readyz', '/apiary', '/x/api', '/api-docs']) expect([path, isAdminPath(path)]).toEqual([path, false]);
  });

  it('refuses an ADMIN_TOKEN shorter than 32 characters, naming the variable', () => {
    expect(() => loadConfig({ ADMIN_TOKEN: 'test-admin-token' })).toThrow(ConfigError);
    expect(() => loadConfig({ ADMIN_TOKEN: 'x'.repeat(31) })).toThrow(/ADMIN_TOKEN.*32/);
    expect(loadConfig({ ADMIN_TOKEN: 'x'.repeat(32) }).adminToken).toBe('x'.repeat(32));
    expect(loadConfig({}).adminToken).toBeUndefined();
  });

  it('compares tokens whatever their length, without throwing', () => {
    expect(tokenMatches(TEST_ADMIN_TOKEN, TEST_ADMIN_TOKEN)).toBe(true);
    expect(tokenMatches('', TEST_ADMIN_TOKEN)).toBe(false);
    expect(tokenMatches(TEST_ADMIN_TOKEN.slice(0, -1), TEST_ADMIN_TOKEN)).toBe(false);
    expect(tokenMatches(TEST_ADMIN_TOKEN + 'x', TEST_ADMIN_TOKEN)).toBe(false);
    expect(tokenMatches('好'.repeat(500), TEST_ADMIN_TOKEN)).toBe(false);
  });
});

describeEachDatabase('admin API without its token, every spelling', ({ db, skipped }) => {
  let bot: RunningBot;
  let gmId: number;

  beforeAll(async () => {
    if (skipped()) return;
    bot = await startBot(db(), { background: false });
    expect((await adminSend(bot, 'POST', '/api/stores', { code: 'BJ-CY', name: '朝阳店', districts: ['朝阳区'] })).status).toBe(201);
    const gm = await adminSend(bot, 'POST', '/api/staff', { wecomUserId: 'gm01', name: '王总', roles: ['gm'] });
    expect(gm.status).toBe(201);
    gmId = gm.body.id;
  });
  afterAll(async () => {
    await bot?.stop();
  });

  it('answers 401 or 404 to each one, stores nothing and keeps serving', async () => {
    expect(gmId).toBe(1); // the PATCH spellings aim at this record
    const stores = await db().reader.count(Store);
    const staff = await db().reader.count(Staff);
    const runs = await db().reader.count(JobRun);
    for (const [method, path, body] of SPELLINGS) {
      const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong' }, { authorization: `Bearer ${TEST_ADMIN_TOKEN.slice(0, -1)}` }];
      for (const headers of attempts) {
        const response = await raw(bot, method, path, { body, headers });
        expect([method, path, response.status]).toEqual([method, path, expect.any(Number)]);
        if (![401, 404].includes(response.status)) throw new Error(`${method} ${path} answered ${response.status} without the token: ${response.body.slice(0, 200)}`);
      }
    }
    expect(await db().reader.count(Store)).toBe(stores);
    expect(await db().reader.count(Staff)).toBe(staff);
    expect(await db().reader.count(JobRun)).toBe(runs);
    expect((await db().reader.findOneByOrFail(Staff, { id: gmId })).wechatId ?? null).toBeNull();
    expect((await raw(bot, 'GET', '/healthz')).status).toBe(200);
    // refusals are logged for the audit, without the body that was sent
    expect(bot.logs.lines.filter((line) => line.audit === 'admin_auth_refused').length).toBeGreaterThan(SPELLINGS.length);
    expect(bot.logs.text()).not.toContain(ATTACKER_WECHAT);
  });

  it('a broken percent-encoding in the path is a clear 400, not a crash', async () => {
    for (const path of ['/api/%zz/leads', '/%E0%A4%A/leads', '/%']) {
      const response = await raw(bot, 'GET', path);
      expect([path, response.status]).toEqual([path, 400]);
    }
    expect((await raw(bot, 'GET', '/healthz')).status).toBe(200);
  });

  it('with the token the API still works', async () => {
    const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
    expect((await adminGet(bot, '/api/leads')).status).toBe(200);
    expect((await adminGet(bot, '/api/staff/1')).body).toMatchObject({ wecomUserId: 'gm01' });
    // another spelling with the token is authenticated like any request: served or 404, never 401
    for (const path of ['/API/leads', '//api/leads', '/api/leads/', '/%61pi/leads']) {
      const response = await raw(bot, 'GET', path, { headers: auth });
      expect([path, [200, 404].includes(response.status)]).toEqual([path, true]);
    }
    const linked = await raw(bot, 'PATCH', '/api/staff/1', { body: { wechatId: 'wxid_gm_real' }, headers: auth });
    expect(linked.status).toBe(200);
    expect((await db().reader.findOneByOrFail(Staff, { id: 1 })).wechatId).toBe('wxid_gm_real');
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY=true', async () => {
    const forged = { 'x-forwarded-for': '203.0.113.77' };
    const before = bot.logs.lines.length;
    expect((await raw(bot, 'GET', '/api/leads', { headers: forged })).status).toBe(401);
    const refused = bot.logs.lines.slice(before).find((line) => line.audit === 'admin_auth_refused');
    expect(refused?.ip).toMatch(/127\.0\.0\.1$/);
    expect(bot.config.trustProxy).toBe(false);

    const behindProxy = await startBot(db(), { background: false, env: { TRUST_PROXY: 'true' } });
    try {
      expect((await raw(behindProxy, 'GET', '/api/leads', { headers: forged })).status).toBe(401);
      expect(behindProxy.logs.find((line) => line.audit === 'admin_auth_refused')?.ip).toBe('203.0.113.77');
    } finally {
      await behindProxy.stop();
    }
  });
});
