import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig } from '../../config';
import { Bot } from '../../src/app';
import { createLogger } from '../../src/logger';
import { describeEachDatabase, TEST_DATA_KEY } from '../support/databases';
import { CapturedLogs, TestClock } from '../support/harness';
import { addStaff, addStore } from '../support/seed';
import { platformEnv } from '../support/wx';
import { ConsoleClient } from './login-client';

/**
 * Console sessions on both databases (issue 21, R-WB-1), through the development login: it exists
 * only with CONSOLE_DEV_LOGIN=true and no platform (the configuration refuses the two together),
 * says loudly what it is, and opens the same server-side session rows as a WeCom login: shared by
 * instances (a second bot on the same database knows the session), CSRF on changes, logout, the
 * idle timeout and the longest life on the bot's clock, the cookie Secure behind HTTPS.
 */

describe('the development login', () => {
  it('refuses to run beside any configured platform', () => {
    expect(() => loadConfig({ CONSOLE_DEV_LOGIN: 'true', ...platformEnv('http://127.0.0.1:9') })).toThrow(ConfigError);
    expect(() => loadConfig({ CONSOLE_DEV_LOGIN: 'true', WECHATY_PUPPET: 'wechaty-puppet-mock' })).toThrow(/CONSOLE_DEV_LOGIN/);
    expect(loadConfig({ CONSOLE_DEV_LOGIN: 'true' }).console.devLogin).toBe(true);
    expect(loadConfig({}).console.devLogin).toBe(false);
  });
});

describeEachDatabase('console sessions', ({ db, skipped }) => {
  const clock = new TestClock(Date.parse('2026-11-30T02:00:00Z'));
  const logs = new CapturedLogs();
  const bots: { bot: Bot; server: Server; url: string }[] = [];

  beforeAll(async () => {
    if (skipped()) return;
    await db().write(async (m) => {
      const store = await addStore(m, 'CY01', '朝阳门店', '朝阳区', true);
      await addStaff(m, 'csm_zhang', '张经理', 'cs_manager', null);
      await addStaff(m, 'sales_li', '李顾问', 'consultant', store.id);
      await addStaff(m, 'left_one', '离职者', 'consultant', store.id, false);
    });
    // two instances on one database, with the development login and no platform at all
    for (let i = 0; i < 2; i++) {
      const config = loadConfig({ CONSOLE_DEV_LOGIN: 'true', TRUST_PROXY: 'true', CONSOLE_IDLE_MINUTES: '30', CONSOLE_SESSION_HOURS: '12', DATA_KEY: TEST_DATA_KEY });
      const bot = new Bot({ config, db: db(), log: createLogger('debug', logs.stream), clock });
      const server = await bot.listen(0, '127.0.0.1');
      bots.push({ bot, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    }
  });

  afterAll(async () => {
    for (const { bot } of bots) await bot.stop();
  });

  const devLogin = async (client: ConsoleClient, userId: string) => {
    const response = await client.raw('/console/auth/dev', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) });
    const me = await client.raw('/console/api/me');
    if (me.status === 200) client.csrf = ((await me.json()) as { csrfToken: string }).csrfToken;
    return response;
  };

  it('lists the active staff, logs in as one, says it is a development login, and refuses an inactive member', async () => {
    const client = new ConsoleClient(bots[0].url);
    expect((await client.json('/console/auth/options')).body).toEqual({ wecom: false, devLogin: true });
    const listed = await client.json<{ staff: { userId: string }[] }>('/console/auth/dev');
    expect(listed.body.staff.map((s) => s.userId).sort()).toEqual(['csm_zhang', 'sales_li']);
    expect((await devLogin(client, 'left_one')).status).toBe(404);
    // a form from another site cannot log anyone in: JSON only
    expect((await client.raw('/console/auth/dev', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'userId=csm_zhang' })).status).toBe(415);
    expect((await devLogin(client, 'csm_zhang')).status).toBe(200);
    expect((await client.json('/console/api/me')).body).toMatchObject({ userId: 'csm_zhang', devLogin: true });
    expect(logs.text()).toContain('DEVELOPMENT LOGIN');
    // WeCom login is not there to start
    expect((await client.raw('/console/auth/start')).headers.get('location')).toMatch(/^\/console\/login/);
  });

  it('keeps the session in the database: the other instance knows it, and logout ends it for both', async () => {
    const first = new ConsoleClient(bots[0].url);
    await devLogin(first, 'sales_li');
    const second = new ConsoleClient(bots[1].url);
    for (const [name, value] of first.cookies) second.cookies.set(name, value);
    second.csrf = first.csrf;
    expect((await second.json('/console/api/me')).body).toMatchObject({ userId: 'sales_li' });
    expect((await second.post('/console/api/logout', {}, 'not-the-token')).status).toBe(403);
    expect((await second.post('/console/api/logout', {})).status).toBe(200);
    expect((await first.raw('/console/api/me')).status).toBe(401);
  });

  it('ends a session after the idle timeout and after its longest life, on the bot’s clock', async () => {
    const client = new ConsoleClient(bots[0].url);
    await devLogin(client, 'csm_zhang');
    clock.advance(29 * 60_000);
    expect((await client.raw('/console/api/me')).status).toBe(200); // used: the idle clock starts again
    clock.advance(29 * 60_000);
    expect((await client.raw('/console/api/me')).status).toBe(200);
    clock.advance(31 * 60_000);
    expect((await client.raw('/console/api/me')).status).toBe(401);

    const busy = new ConsoleClient(bots[0].url);
    await devLogin(busy, 'csm_zhang');
    // used every 25 minutes (never idle) for 11 h 40 min, then once more at 12 h 5 min: too old
    for (let step = 0; step < 14; step++) {
      clock.advance(25 * 60_000);
      expect((await busy.raw('/console/api/me')).status).toBe(200);
      clock.advance(25 * 60_000);
      await busy.raw('/console/api/me');
    }
    clock.advance(25 * 60_000);
    expect((await busy.raw('/console/api/me')).status).toBe(401);
  });

  it('marks the cookie Secure when the request came over HTTPS through the trusted proxy', async () => {
    const client = new ConsoleClient(bots[0].url);
    const response = await client.raw('/console/auth/dev', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' }, body: JSON.stringify({ userId: 'csm_zhang' }) });
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('console_sid='))!;
    expect(cookie).toMatch(/;\s*secure/i);
    expect(cookie).toMatch(/httponly/i);
    expect(cookie).toMatch(/samesite=lax/i);
  });
});
