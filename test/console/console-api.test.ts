import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Approval, AuditEntry, ConsoleSession, Lead, Penalty, Staff, Ticket } from '../../src/entities';
import { purgeExpired } from '../../src/jobs/retention';
import type { RunningSimulator } from '../../src/simulator/run';
import { eventually } from '../support/harness';
import { ConsoleClient } from './login-client';
import { underCi } from '../support/environment';
import { simulatorWithTwoCases } from '../support/console-sim';
import { OA, oaSafeRequest } from '../../src/simulator/callbacks';

/**
 * The console's server side (issue 21, items 1, 2, 4) against the real bot and the fake WeCom of
 * the simulator (demo data): WeCom login (QR and in-app), the code used once, non-members and
 * strangers refused, sessions as rows with CSRF and logout, every role's scope on the API, every
 * view of personal data audited, actions through the chat's own rules, and each form as a PDF
 * whose text pdftotext reads back.
 */

let dir: string;
let sim: RunningSimulator;
const logs: string[] = [];
let servedCase: string; // 朝阳 (store of 王店长; customer of 李顾问's contract)
let otherCase: string; // 海淀 (not 王店长's, not 李顾问's)

const pdfText = (pdf: Buffer) => {
  const file = join(dir, `form-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'console-api-'));
  ({ sim, cases: [servedCase, otherCase] } = await simulatorWithTwoCases(dir, new Writable({ write: (c, _e, done) => (logs.push(String(c)), done()) })));
  // a new customer's inquiry: a lead for a 朝阳 consultant
  await sim.session.customerSays('o_try_1', '我想找个月嫂，朝阳区，13800138000');
  await sim.session.customerSays('o_try_1', '陈女士');
  await eventually(async () => (await sim.db.reader.findOneBy(Lead, { status: 'assigned' })) !== null);
}, 60_000);

afterAll(async () => {
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('console login (R-WB-1)', () => {
  it('QR login and in-app OAuth through the fake WeCom open a session row; the cookie is HttpOnly and SameSite=Lax', async () => {
    const client = new ConsoleClient(sim.botUrl);
    sim.platform.loginAs = 'csm_zhang';
    const start = await client.raw('/console/auth/start?next=/console/cases');
    const sso = new URL(start.headers.get('location')!);
    expect(sso.pathname).toBe('/wwlogin/sso/login');
    expect(sso.searchParams.get('login_type')).toBe('CorpApp');
    expect(sso.searchParams.get('agentid')).toBe('1000002');
    const { response, hops } = await client.follow(sso.toString());
    expect(hops.some((h) => h.includes('/console/auth/callback/sso'))).toBe(true);
    expect(new URL(hops.at(-1)!).pathname).toBe('/console/cases');
    expect([200, 503]).toContain(response.status); // the built page (503 says to build it)
    const me = await client.json<{ userId: string; pages: string[] }>('/console/api/me');
    expect(me.body).toMatchObject({ userId: 'csm_zhang' });
    expect(me.body.pages).toEqual(expect.arrayContaining(['cases', 'audit']));
    expect(sim.platform.callsTo('/cgi-bin/auth/getuserinfo')).not.toHaveLength(0);

    const inApp = new ConsoleClient(sim.botUrl);
    sim.platform.loginAs = 'gm_zhou';
    const first = await inApp.raw('/console/auth/start', { headers: { 'user-agent': 'Mozilla/5.0 (iPhone) wxwork/4.1.20' } });
    const authorize = new URL(first.headers.get('location')!);
    expect(authorize.pathname).toBe('/connect/oauth2/authorize');
    expect(authorize.searchParams.get('scope')).toBe('snsapi_base');
    expect(authorize.hash).toBe('#wechat_redirect');
    const callback = await fetch(authorize, { redirect: 'manual' });
    const back = callback.headers.get('location')!;
    const done = await inApp.raw(back);
    expect(done.status).toBe(302);
    const cookie = done.headers.getSetCookie().find((c) => c.startsWith('console_sid='))!;
    expect(cookie).toMatch(/httponly/i);
    expect(cookie).toMatch(/samesite=lax/i);
    expect(cookie).not.toMatch(/secure/i); // plain http here; behind HTTPS (TRUST_PROXY) it is Secure
    expect((await inApp.json('/console/api/me')).body).toMatchObject({ userId: 'gm_zhou' });

    // the code is single use: the same callback again in a fresh browser is refused before WeCom is asked
    const calls = sim.platform.callsTo('/cgi-bin/auth/getuserinfo').length;
    const replay = new ConsoleClient(sim.botUrl);
    replay.cookies.set('console_state', new URL(back).searchParams.get('state')!);
    const again = await replay.raw(back);
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('已经用过');
    expect(sim.platform.callsTo('/cgi-bin/auth/getuserinfo')).toHaveLength(calls);
    expect(await sim.db.reader.countBy(ConsoleSession, {})).toBeGreaterThanOrEqual(2);
  });

  it('refuses a stranger, a WeChat user who is not a member, a callback this browser did not start, and a refused scan', async () => {
    for (const who of ['nobody_here', 'o_wechat_user']) {
      const client = new ConsoleClient(sim.botUrl);
      const response = await client.login(sim.platform, who);
      expect(response.status).toBe(403);
      expect((await client.raw('/console/api/me')).status).toBe(401);
    }
    const client = new ConsoleClient(sim.botUrl);
    sim.platform.loginAs = 'csm_zhang';
    const start = await client.raw('/console/auth/start');
    const back = (await fetch(start.headers.get('location')!, { redirect: 'manual' })).headers.get('location')!;
    const forged = new URL(back);
    forged.searchParams.set('state', 'not-the-one-this-browser-got');
    expect((await client.raw(forged.toString())).status).toBe(400);
    sim.platform.loginAs = undefined;
    sim.platform.loginChoices = []; // the simulator's chooser page for people stands aside: a refused scan
    const refusedScan = await client.follow('/console/auth/start');
    expect(refusedScan.response.status).toBe(400);
    expect(logs.join('')).not.toContain('13900001111');
  });

  it('needs the CSRF token for every change, logs out, and forgets an idle session', async () => {
    const client = new ConsoleClient(sim.botUrl);
    await client.login(sim.platform, 'csm_zhang');
    expect((await client.post(`/console/api/cases/${servedCase}/notes`, { text: '已电话联系客户' }, 'wrong')).status).toBe(403);
    expect((await client.post(`/console/api/cases/${servedCase}/notes`, { text: '已电话联系客户' }, '')).status).toBe(403);
    expect((await client.post(`/console/api/cases/${servedCase}/notes`, { text: '已电话联系客户' })).status).toBe(200);
    expect((await client.post('/console/api/logout', {})).status).toBe(200);
    expect((await client.raw('/console/api/me')).status).toBe(401);

    const idle = new ConsoleClient(sim.botUrl);
    await idle.login(sim.platform, 'csm_zhang');
    await sim.db.write((m) => m.createQueryBuilder().update(ConsoleSession).set({ lastSeenAt: 1 }).where('staffId IS NOT NULL').execute());
    expect((await idle.raw('/console/api/me')).status).toBe(401);

    // the retention job removes sessions past their timeouts; a live one stays
    const live = new ConsoleClient(sim.botUrl);
    await live.login(sim.platform, 'gm_zhou');
    await sim.db.write((m) => m.createQueryBuilder().update(ConsoleSession).set({ lastSeenAt: 1 }).where('staffId IS NOT NULL AND lastSeenAt < :before', { before: Date.now() - 60_000 }).execute());
    const purged = await purgeExpired(sim.db, Date.now(), 90, { idleMinutes: 30, maxHours: 12 });
    expect(purged.consoleSessions).toBeGreaterThan(0);
    expect((await live.raw('/console/api/me')).status).toBe(200);
  });

  it('offers no development login while a platform is configured', async () => {
    const client = new ConsoleClient(sim.botUrl);
    expect((await client.raw('/console/auth/dev')).status).toBe(404);
    expect((await client.json('/console/auth/options')).body).toEqual({ wecom: true, devLogin: false });
  });
});

describe('what each role may see (item 2)', () => {
  const as = async (userId: string) => {
    const client = new ConsoleClient(sim.botUrl);
    await client.login(sim.platform, userId);
    return client;
  };

  it('scopes cases, customers and the audit page by role and store, on the server', async () => {
    const consultant = await as('sales_li');
    const numbers = async (c: ConsoleClient) => (await c.json<{ cases: { number: string }[] }>('/console/api/cases')).body.cases.map((t) => t.number).sort();
    expect(await numbers(consultant)).toEqual([servedCase]);
    expect((await consultant.json(`/console/api/cases/${otherCase}`)).status).toBe(403);
    expect((await consultant.json('/console/api/audit')).status).toBe(403);
    expect((await consultant.json('/console/api/housekeepers')).status).toBe(403);

    const manager = await as('mgr_wang');
    expect(await numbers(manager)).toEqual([servedCase]);
    expect((await manager.json(`/console/api/cases/${otherCase}`)).status).toBe(403);
    expect((await manager.json('/console/api/audit')).status).toBe(403);
    expect((await manager.json('/console/api/housekeepers')).status).toBe(200);

    const csManager = await as('csm_zhang');
    expect(await numbers(csManager)).toEqual([servedCase, otherCase].sort());
    const hr = await as('hr_chen');
    expect((await hr.json('/console/api/cases')).status).toBe(403);
    expect((await hr.json('/console/api/housekeepers')).status).toBe(200);
    expect((await hr.json(`/console/forms/complaint-record/${servedCase}.pdf`)).status).toBe(403);

    const gm = await as('gm_zhou');
    const detail = await gm.json<{ customer: { phone: string }; steps: unknown[] }>(`/console/api/cases/${servedCase}`);
    expect(detail.body.customer.phone).toBe('13900001111');
    const audit = await gm.json<{ entries: { actor: string; action: string; subjectId: number }[] }>('/console/api/audit?action=ticket.view');
    expect(audit.body.entries.find((e) => e.actor === 'gm_zhou')).toBeDefined();
    const views = await sim.db.reader.find(AuditEntry, { where: { action: 'ticket.view', actor: 'gm_zhou' } });
    expect(views[0].changes).not.toContain('13900001111');
  });

  it('acts through the chat’s own rules: a consultant cannot decide the specialist’s step; the specialist can', async () => {
    type Step = { id: number; status: string; mine: boolean; needsText: boolean; decidedBy: string | null; choices: { key: string; text: string }[] };
    const specialist = await as('cs_liu');
    const steps = async (c: ConsoleClient) => (await c.json<{ steps: Step[] }>(`/console/api/cases/${servedCase}`)).body.steps;
    const open = (await steps(specialist)).find((s) => s.status === 'pending' && s.mine)!;
    expect(open).toBeDefined();
    const action = open.needsText ? { text: '已向客户致歉，明天上午上门处理' } : { choice: open.choices[0].key };
    const consultant = await as('sales_li');
    expect((await steps(consultant)).find((s) => s.id === open.id)).toMatchObject({ mine: false, choices: [] });
    const refused = await consultant.post<{ answer: string }>(`/console/api/cases/${servedCase}/steps/${open.id}`, action);
    expect(refused.status).toBe(200);
    expect(refused.body.answer).toBeTruthy();
    expect((await steps(specialist)).find((s) => s.id === open.id)).toMatchObject({ status: 'pending' });
    const decided = await specialist.post<{ answer: string | null }>(`/console/api/cases/${servedCase}/steps/${open.id}`, action);
    expect(decided.status).toBe(200);
    expect((await steps(specialist)).find((s) => s.id === open.id)).toMatchObject({ status: 'decided', decidedBy: 'cs_liu' });
  });
});

describe('改派 a lead (线索 page)', () => {
  it('the store manager of the lead’s store gives it to another of his consultants; another store’s manager and a consultant are refused', async () => {
    const lead = (await sim.db.reader.findOneBy(Lead, { status: 'assigned' }))!;
    const staffId = async (userId: string) => (await sim.db.reader.findOneByOrFail(Staff, { wecomUserId: userId })).id;
    const other = lead.consultantId === (await staffId('sales_li')) ? 'sales_zhao' : 'sales_li';
    const login = async (userId: string) => {
      const client = new ConsoleClient(sim.botUrl);
      await client.login(sim.platform, userId);
      return client;
    };
    const url = `/console/api/leads/${lead.id}/reassign`;
    expect((await (await login('mgr_qian')).post(url, { consultantId: await staffId(other) })).status).toBe(403);
    expect((await (await login('sales_li')).post(url, { consultantId: await staffId(other) })).status).toBe(403);
    const manager = await login('mgr_wang');
    expect((await manager.post(url, { consultantId: await staffId('sales_sun') })).status).toBe(409); // 海淀's consultant
    expect((await manager.json<{ consultants: { name: string }[] }>('/console/api/consultants')).body.consultants.map((c) => c.name).sort()).toEqual(['李顾问', '赵顾问']);
    const cardsBefore = sim.platform.delivered('/cgi-bin/message/send').filter((b) => b.touser === other && b.msgtype === 'template_card').length;
    const done = await manager.post<{ answer: string }>(url, { consultantId: await staffId(other) });
    expect(done.status).toBe(200);
    expect((await sim.db.reader.findOneByOrFail(Lead, { id: lead.id })).consultantId).toBe(await staffId(other));
    await eventually(() => sim.platform.delivered('/cgi-bin/message/send').filter((b) => b.touser === other && b.msgtype === 'template_card').length > cardsBefore);
    expect(await sim.db.reader.findOneBy(AuditEntry, { action: 'lead.reassign', subjectId: lead.id, actor: 'mgr_wang' })).not.toBeNull();
  });

  it('我的待办: the consultant accepts her lead in place, through the lead card’s own rules; another consultant is refused', async () => {
    type Item = { kind: string; id: number; actions?: { choices: { key: string; text: string }[]; needsText: boolean } };
    const lead = (await sim.db.reader.findOneBy(Lead, { status: 'assigned' }))!;
    const holder = await sim.db.reader.findOneByOrFail(Staff, { id: lead.consultantId! });
    const login = async (userId: string) => {
      const client = new ConsoleClient(sim.botUrl);
      await client.login(sim.platform, userId);
      return client;
    };
    const mine = await login(holder.wecomUserId);
    const stranger = await login(holder.wecomUserId === 'sales_li' ? 'sales_zhao' : 'sales_li');
    const itemOf = async (c: ConsoleClient) => (await c.json<{ items: Item[] }>('/console/api/queue')).body.items.find((i) => i.kind === 'lead' && i.id === lead.id);
    expect((await itemOf(mine))?.actions).toEqual({ choices: [{ key: 'accept', text: '接单' }, { key: 'contacted', text: '已联系' }, { key: 'signed', text: '已签单' }, { key: 'lost', text: '未成交' }, { key: 'handback', text: '退回' }], needsText: false });
    expect(await itemOf(stranger)).toBeUndefined();

    const url = `/console/api/leads/${lead.id}/actions`;
    expect((await stranger.post(url, { choice: 'accept' })).status).toBe(403);
    expect((await (await login('sales_sun')).post(url, { choice: 'accept' })).status).toBe(403); // 海淀's consultant
    expect((await mine.post(url, { choice: 'accept; drop' })).status).toBe(400);
    expect((await mine.post('/console/api/leads/999999/actions', { choice: 'accept' })).status).toBe(404);
    expect((await sim.db.reader.findOneByOrFail(Lead, { id: lead.id })).status).toBe('assigned');

    const accepted = await mine.post<{ answer: string | null }>(url, { choice: 'accept' });
    expect(accepted.status).toBe(200);
    expect((await sim.db.reader.findOneByOrFail(Lead, { id: lead.id })).status).toBe('accepted');
    expect(await sim.db.reader.findOneBy(AuditEntry, { action: 'lead.accept', subjectId: lead.id, actor: holder.wecomUserId })).not.toBeNull();
    expect((await itemOf(mine))?.actions?.choices.map((c) => c.key)).toEqual(['contacted', 'signed', 'lost', 'handback']);
    // pressed again: the chat's own answer, nothing changes
    const again = await mine.post<{ answer: string | null }>(url, { choice: 'accept' });
    expect(again.status).toBe(200);
    expect(again.body.answer).toContain('无需重复操作');
    expect((await sim.db.reader.findOneByOrFail(Lead, { id: lead.id })).status).toBe('accepted');
  });
});

describe('档案: contracts and the spreadsheet import', () => {
  it('imports housekeepers for HR with the per-row report, audited as HR; a consultant may not import', async () => {
    const hr = new ConsoleClient(sim.botUrl);
    await hr.login(sim.platform, 'hr_chen');
    const csv = '编号,姓名,电话,身份证号,紧急联系人,技能,门店\r\nA0901,冯洁,13500000001,,,保洁,\r\nA0902,吴芳,1350000,,,保姆,\r\n';
    const upload = (client: ConsoleClient) => client.raw('/console/api/import/housekeepers', { method: 'POST', headers: { 'content-type': 'text/csv', 'x-csrf-token': client.csrf }, body: csv });
    const response = await upload(hr);
    expect(response.status).toBe(200);
    const report = (await response.json()) as { total: number; created: number; rejected: { row: number; reason: string }[] };
    expect(report).toMatchObject({ total: 2, created: 1 });
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0].row).toBe(3);
    expect(JSON.stringify(report)).not.toContain('1350000,');
    expect(await sim.db.reader.findOneBy(AuditEntry, { actor: 'hr_chen', action: 'housekeeper.import_create' })).not.toBeNull();
    const consultant = new ConsoleClient(sim.botUrl);
    await consultant.login(sim.platform, 'sales_li');
    expect((await upload(consultant)).status).toBe(403);
    expect((await hr.raw('/console/api/import/contracts', { method: 'POST', headers: { 'content-type': 'text/csv', 'x-csrf-token': hr.csrf }, body: '合同编号\r\n' })).status).toBe(403);
  });

  it('lists contracts as chains of terms, scoped: the CS manager sees both demo contracts, 李顾问 only hers', async () => {
    const cs = new ConsoleClient(sim.botUrl);
    await cs.login(sim.platform, 'csm_zhang');
    const all = await cs.json<{ chains: { terms: { number: string }[] }[] }>('/console/api/contracts');
    expect(all.body.chains.flatMap((c) => c.terms.map((t) => t.number)).sort()).toEqual(['HTDEMO0001', 'HTDEMO0002']);
    const consultant = new ConsoleClient(sim.botUrl);
    await consultant.login(sim.platform, 'sales_li');
    const own = await consultant.json<{ chains: { terms: { number: string }[] }[] }>('/console/api/contracts');
    expect(own.body.chains.flatMap((c) => c.terms.map((t) => t.number))).toEqual(['HTDEMO0001']);
    const hr = new ConsoleClient(sim.botUrl);
    await hr.login(sim.platform, 'hr_chen');
    expect((await hr.json('/console/api/contracts')).status).toBe(403);
  });
});

describe('客户 search', () => {
  it('finds a customer by phone, name, contract number or housekeeper code, within the viewer’s scope, each one shown audited', async () => {
    const cs = new ConsoleClient(sim.botUrl);
    await cs.login(sim.platform, 'csm_zhang');
    const names = async (c: ConsoleClient, q: string) => (await c.json<{ customers: { name: string }[] }>(`/console/api/customers?q=${encodeURIComponent(q)}`)).body.customers.map((x) => x.name);
    expect(await names(cs, '139 0000 1111')).toEqual(['陈女士']);
    expect(await names(cs, '孙女士')).toEqual(['孙女士']);
    expect(await names(cs, 'htdemo0002')).toEqual(['刘先生']);
    expect(await names(cs, 'A0001')).toEqual(['陈女士']);
    const manager = new ConsoleClient(sim.botUrl);
    await manager.login(sim.platform, 'mgr_wang');
    expect(await names(manager, '孙女士')).toEqual([]); // 海淀's customer
    expect(await sim.db.reader.findOneBy(AuditEntry, { actor: 'csm_zhang', action: 'customer.view' })).not.toBeNull();
  });
});

describe('evidence on the case page', () => {
  it('serves a customer’s photo to those who see the case, and to nobody else', async () => {
    // 陈女士 sends a photo after her complaint: it joins the case as evidence
    const xml = `<xml><ToUserName><![CDATA[${OA.ghId}]]></ToUserName><FromUserName><![CDATA[o_demo_1]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://example.invalid/p.jpg]]></PicUrl><MediaId><![CDATA[photo_of_the_vase]]></MediaId><MsgId>${Date.now()}</MsgId></xml>`;
    const request = oaSafeRequest(xml);
    expect((await fetch(sim.botUrl + request.path, { method: 'POST', body: request.body, headers: { 'content-type': 'text/xml' } })).status).toBe(200);
    const gm = new ConsoleClient(sim.botUrl);
    await gm.login(sim.platform, 'gm_zhou');
    const evidence = (await eventually(async () => {
      const found = (await gm.json<{ evidence: { url: string; status: string; mediaType: string }[] }>(`/console/api/cases/${servedCase}`)).body.evidence;
      return found.find((e) => e.status === 'stored');
    }))!;
    expect(evidence.mediaType).toBe('image');
    const photo = await gm.raw(evidence.url);
    expect(photo.status).toBe(200);
    expect(Buffer.from(await photo.arrayBuffer()).toString('latin1')).toContain('photo_of_the_vase');
    const otherStore = new ConsoleClient(sim.botUrl);
    await otherStore.login(sim.platform, 'mgr_qian');
    expect((await otherStore.raw(evidence.url)).status).toBe(403);
    expect((await new ConsoleClient(sim.botUrl).raw(evidence.url)).status).toBe(401);
  });
});

describe('报表 per role', () => {
  it('the GM gets the whole month with its charts; a store manager his store’s line; finance the payroll export only; a consultant nothing', async () => {
    const month = `${servedCase.slice(2, 6)}-${servedCase.slice(6, 8)}`;
    const as = async (userId: string) => {
      const client = new ConsoleClient(sim.botUrl);
      await client.login(sim.platform, userId);
      return client;
    };
    type Report = { markdown: string; stores: { store: string; complaints: number }[]; charts: { dataUrl: string }[]; forms: { url: string }[] };
    const gm = (await (await as('gm_zhou')).json<Report>(`/console/api/reports/monthly?month=${month}`)).body;
    expect(gm.markdown).toContain('经营月报');
    expect(gm.charts.length).toBeGreaterThan(0);
    expect(gm.charts.every((c) => c.dataUrl.startsWith('data:image/png;base64,'))).toBe(true);
    expect(gm.stores.map((s) => s.store).sort()).toEqual(['朝阳门店', '海淀门店']);
    const manager = (await (await as('mgr_wang')).json<Report>(`/console/api/reports/monthly?month=${month}`)).body;
    expect(manager).toMatchObject({ markdown: '', charts: [] });
    expect(manager.stores.map((s) => s.store)).toEqual(['朝阳门店']);
    const finance = await as('fin_wu');
    const financeReport = (await finance.json<Report>(`/console/api/reports/monthly?month=${month}`)).body;
    expect(financeReport.forms.map((f) => f.url)).toEqual([`/console/forms/penalties/${month}.csv`]);
    const csv = await finance.raw(`/console/forms/penalties/${month}.csv`);
    expect(csv.status).toBe(200);
    expect(await csv.text()).toContain('阿姨编号');
    expect((await finance.raw(`/console/forms/monthly-complaints/${month}.pdf`)).status).toBe(403);
    expect((await (await as('sales_li')).json(`/console/api/reports/monthly?month=${month}`)).status).toBe(403);
  });
});

/** pdftotext (Debian's poppler-utils; .ci/run installs it) reads the forms back: without it the check is skipped, except under CI. */
const havePdftotext = (() => {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!havePdftotext && !underCi()) process.stderr.write('console form text check skipped: pdftotext is missing (apt-get install -y poppler-utils)\n');

describe('the forms as PDF (item 4)', () => {
  (havePdftotext || underCi() ? it : it.skip)('renders each form with its title, the company and its fields; pdftotext reads the Chinese back', async () => {
    const gm = new ConsoleClient(sim.botUrl);
    await gm.login(sim.platform, 'gm_zhou');
    const month = (await sim.db.reader.findOneByOrFail(Ticket, { number: servedCase })).number.slice(2, 8).replace(/^(\d{4})(\d{2})$/, '$1-$2');
    const leadId = (await gm.json<{ leads: { id: number }[] }>('/console/api/leads')).body.leads[0]?.id;
    const forms: [string, string[]][] = [
      [`/console/forms/complaint-record/${servedCase}.pdf`, ['投诉事故处理记录表', servedCase, '陈女士', '13900001111', '处理过程']],
      [`/console/forms/store-issue/${servedCase}.pdf`, ['门店问题处理详情表', '朝阳门店', '总经理']],
      [`/console/forms/monthly-complaints/${month}.pdf`, ['月度客户投诉汇总记录表', servedCase, otherCase]],
      [`/console/forms/monthly-inquiries/${month}.pdf`, ['月度咨询分析表', '按渠道']],
      [`/console/forms/movements/${month}.pdf`, ['家政服务人员流动情况登记表', '变动明细']],
    ];
    if (leadId) forms.push([`/console/forms/lead/${leadId}.pdf`, ['客户信息受理表', '销售顾问']]);
    // a penalty slip raised in chat by the CS manager (处罚 TS… 阿姨编号 金额 原因)
    await sim.session.staffSays('csm_zhang', `处罚 ${servedCase} A0001 200 迟到两小时`);
    const ticketId = (await sim.db.reader.findOneByOrFail(Ticket, { number: servedCase })).id;
    const penalty = (await eventually(() => sim.db.reader.findOneBy(Penalty, { ticketId })))!;
    forms.push([`/console/forms/penalty/${penalty.id}.pdf`, ['员工处罚单', '200.00元', '迟到两小时', '张经理']]);
    // issue 12, item 4: the case forms name each step by its card and the status, the timeline
    // entries and the category in Chinese — never a stored id (「apology」, 「penalty_discuss」, 「signed_cs」)
    // a decided step and the next one open (the console test above may have decided it already)
    const specialist = new ConsoleClient(sim.botUrl);
    await specialist.login(sim.platform, 'cs_liu');
    type Step = { id: number; status: string; mine: boolean; needsText: boolean; choices: { key: string }[] };
    const open = (await specialist.json<{ steps: Step[] }>(`/console/api/cases/${servedCase}`)).body.steps.find((s) => s.status === 'pending' && s.mine);
    if (open) expect((await specialist.post(`/console/api/cases/${servedCase}/steps/${open.id}`, open.needsText ? { text: '已向客户致歉' } : { choice: open.choices[0].key })).status).toBe(200);
    const stepIds = await eventually(async () => {
      const ids = [...new Set((await sim.db.reader.find(Approval, { where: { ticketId } })).map((a) => a.step))];
      if (ids.length < 2) throw new Error('the next step is not open yet');
      return ids;
    });
    const caseForms = [`/console/forms/complaint-record/${servedCase}.pdf`, `/console/forms/store-issue/${servedCase}.pdf`, `/console/forms/monthly-complaints/${month}.pdf`];
    const visible = (html: string) => html.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ');
    const noRawIds = (readable: string) => {
      expect(readable).not.toMatch(/\b[a-z]+(?:_[a-z]+)+\b/);
      for (const id of stepIds) expect(readable).not.toContain(id);
    };
    for (const [url, expected] of forms) {
      const response = await gm.raw(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      const text = pdfText(Buffer.from(await response.arrayBuffer()));
      for (const words of [...expected, '成都市乡工汇家政服务有限公司']) expect(text.replace(/\s+/g, '')).toContain(words);
      if (caseForms.includes(url)) noRawIds(text);
      // the A4 print view of the same form
      const print = await gm.raw(url.replace(/\.pdf$/, '.html'));
      expect(print.headers.get('content-type')).toContain('text/html');
      const html = await print.text();
      expect(html).toContain('size: A4');
      for (const words of [expected[0], '成都市乡工汇家政服务有限公司']) expect(html).toContain(words);
      if (caseForms.includes(url)) noRawIds(visible(html));
    }
  });
});
