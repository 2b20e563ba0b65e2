import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { RunningSimulator } from '../../src/simulator/run';
import { underCi } from '../support/environment';
import { simulatorWithTwoCases } from '../support/console-sim';

/**
 * The console in Debian's Chromium (issue 21, done-when): staff log in through the fake WeCom
 * (the login pages and getuserinfo of src/simulator/fake-platform.ts), each role sees what it may
 * and is refused a page and an API call, a complaint made on the OA is driven through all its
 * steps from the case page by the people whose steps they are, and the audit page shows the views
 * of personal data. The pages are the built ones (dist/console, `npm run build:console`), served
 * by the bot itself. docs/console.png is refreshed with UPDATE_SCREENSHOT=1.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const ROOT = resolve(__dirname, '../..');
const haveChromium = existsSync(CHROMIUM);
const describeWithBrowser = haveChromium || underCi() ? describe : describe.skip;

/** Who holds each role in the demo data (朝阳门店 for the store roles). */
const HOLDER: Record<string, string> = { cs_specialist: 'cs_liu', cs_manager: 'csm_zhang', store_manager: 'mgr_wang', gm: 'gm_zhou', consultant: 'sales_li' };

describeWithBrowser('the staff console (Chromium)', () => {
  let dir: string;
  let sim: RunningSimulator;
  let browser: Browser;
  const contexts = new Map<string, BrowserContext>();
  let ours: string; // 朝阳: 陈女士, customer of 李顾问's contract
  let theirs: string; // 海淀

  /** A browser of its own for each member of staff, logged in through the fake WeCom on first use. */
  async function pageOf(userId: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
    let context = contexts.get(userId);
    if (!context) {
      context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      contexts.set(userId, context);
    }
    const page = context.pages()[0] ?? (await context.newPage());
    if (!(await context.cookies()).some((c) => c.name === 'console_sid')) {
      sim.platform.loginAs = userId;
      await page.goto(`${sim.botUrl}/console/`);
      await page.getByTestId('who').waitFor({ timeout: 15_000 });
    }
    return page;
  }

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`CI=true but ${CHROMIUM} is missing: .ci/run installs it with apt-get (chromium)`);
    // the pages are built by npm install (prepare → build); a working tree whose build is missing or
    // older than a source of console/ builds them here, so the test never runs yesterday's pages
    const built = join(ROOT, 'dist', 'console', 'index.html');
    const newest = Math.max(...readdirSync(join(ROOT, 'console', 'src')).map((f) => statSync(join(ROOT, 'console', 'src', f)).mtimeMs), statSync(join(ROOT, 'src', 'api', 'console', 'types.ts')).mtimeMs);
    if (!existsSync(built) || statSync(built).mtimeMs < newest) execFileSync('npm', ['run', 'build:console'], { cwd: ROOT, stdio: 'ignore' });
    dir = mkdtempSync(join(tmpdir(), 'console-browser-'));
    ({ sim, cases: [ours, theirs] } = await simulatorWithTwoCases(dir, new Writable({ write: (_c, _e, done) => done() })));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a consultant on a phone (390 px): her queue and her customer’s case, no audit page, no other store’s case', async () => {
    const page = await pageOf('sales_li', { width: 390, height: 844 });
    await page.getByText('我的待办').first().waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.goto(`${sim.botUrl}/console/cases`);
    await page.getByRole('link', { name: ours }).waitFor();
    expect(await page.getByRole('link', { name: theirs }).count()).toBe(0);
    await page.goto(`${sim.botUrl}/console/audit`);
    await page.getByText('无权查看').waitFor();
    expect((await page.request.get(`${sim.botUrl}/console/api/audit`)).status()).toBe(403);
    expect((await page.request.get(`${sim.botUrl}/console/api/cases/${theirs}`)).status()).toBe(403);
  });

  it('a store manager: his store’s case, not the other store’s (page and API), no audit', async () => {
    const page = await pageOf('mgr_wang');
    await page.goto(`${sim.botUrl}/console/cases/${theirs}`);
    await page.getByText('不在您的权限范围内').waitFor();
    expect((await page.request.get(`${sim.botUrl}/console/api/cases/${theirs}`)).status()).toBe(403);
    await page.goto(`${sim.botUrl}/console/audit`);
    await page.getByText('无权查看').waitFor();
    await page.goto(`${sim.botUrl}/console/cases/${ours}`);
    await page.getByText('陈女士').first().waitFor();
  });

  it('HR: the spreadsheet import on 档案 with its progress and per-row report; no cases page', async () => {
    const page = await pageOf('hr_chen');
    await page.goto(`${sim.botUrl}/console/cases`);
    await page.getByText('无权查看').waitFor();
    await page.goto(`${sim.botUrl}/console/archives`);
    await page.getByRole('tab', { name: '导入' }).click();
    await page.locator('input[type=file]').setInputFiles({ name: '阿姨.csv', mimeType: 'text/csv', buffer: Buffer.from('编号,姓名,电话,身份证号,紧急联系人,技能,门店\r\nA0801,冯洁,13500000001,,,保洁,\r\nA0802,吴芳,1350000,,,保姆,\r\n') });
    await page.getByText('共 2 行：新增 1').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('import-report').locator('tbody tr.ant-table-row').count()).toBe(1);
  });

  it('drives the complaint through every step from the case page, each by the person whose step it is', async () => {
    const cs = await pageOf('csm_zhang');
    // the CS manager is refused a step that is not hers (the specialist's apology): the chat's own answer
    const first = (await (await cs.request.get(`${sim.botUrl}/console/api/cases/${ours}`)).json()) as { steps: { id: number; status: string; role: string }[] };
    const apology = first.steps.find((s) => s.status === 'pending')!;
    expect(apology.role).toBe('cs_specialist');
    const csrf = ((await (await cs.request.get(`${sim.botUrl}/console/api/me`)).json()) as { csrfToken: string }).csrfToken;
    const url = `${sim.botUrl}/console/api/cases/${ours}/steps/${apology.id}`;
    expect((await cs.request.post(url, { data: { text: '我来替她写' } })).status()).toBe(403); // no CSRF token
    const refused = await cs.request.post(url, { data: { text: '我来替她写' }, headers: { 'x-csrf-token': csrf } });
    expect(refused.status()).toBe(200);
    expect(((await refused.json()) as { answer: string }).answer).not.toContain('已记录');
    // the specialist answers her step in place, from 我的待办
    const specialist = await pageOf('cs_liu');
    await specialist.goto(`${sim.botUrl}/console/`);
    const item = specialist.getByTestId(`queue-step-${apology.id}`);
    await item.getByPlaceholder('您的意见').fill('已电话向客户致歉，约定明天上午处理');
    await item.getByRole('button', { name: /提\s*交/ }).click();
    await item.waitFor({ state: 'detached', timeout: 15_000 });
    const words: Record<string, string> = { apology: '已电话向客户致歉', instruction: '请门店核实迟到原因', investigation: '阿姨因地铁故障迟到，已批评教育', decision: '减免当日服务费' };
    for (let round = 0; round < 12; round++) {
      const { steps, status } = (await (await cs.request.get(`${sim.botUrl}/console/api/cases/${ours}`)).json()) as { status: string; steps: { id: number; step: string; status: string; role: string; needsText: boolean }[] };
      const open = steps.find((s) => s.status === 'pending');
      if (!open) {
        expect(steps.every((s) => s.status === 'decided')).toBe(true);
        expect(['archived', 'closed', 'signed_gm']).toContain(status);
        break;
      }
      const page = await pageOf(HOLDER[open.role]);
      await page.goto(`${sim.botUrl}/console/cases/${ours}`);
      const step = page.getByTestId(`step-${open.id}`);
      await step.waitFor();
      if (open.needsText) {
        await step.getByPlaceholder('您的意见').fill(words[open.step] ?? '同意');
        await step.getByRole('button', { name: /提\s*交/ }).click();
      } else {
        await step.getByRole('button').first().click();
      }
      await page.getByTestId(`step-${open.id}`).getByText('待处理').waitFor({ state: 'detached', timeout: 15_000 });
      expect(round).toBeLessThan(11);
    }
    // the GM's signature is on the record, with who and when
    const gm = await pageOf('gm_zhou');
    await gm.goto(`${sim.botUrl}/console/cases/${ours}`);
    await gm.getByText('周总').first().waitFor();
    const pdf = await gm.request.get(`${sim.botUrl}/console/forms/store-issue/${ours}.pdf`);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
  });

  it('the CS manager and the GM see the audit page with the views of personal data', async () => {
    // the GM opens 陈女士's case: her name, phone and address are on the page, so the look is recorded
    const gm = await pageOf('gm_zhou');
    await gm.goto(`${sim.botUrl}/console/cases/${ours}`);
    await gm.getByText('13900001111').first().waitFor();
    for (const userId of ['csm_zhang', 'gm_zhou']) {
      const page = await pageOf(userId);
      await page.goto(`${sim.botUrl}/console/audit`);
      const row = page.locator('tr', { hasText: '查看个人信息' }).first();
      await row.waitFor({ timeout: 10_000 });
      expect(await row.innerText()).toContain('周总');
      expect(await row.innerText()).toContain('ticket');
    }
    await gm.goto(`${sim.botUrl}/console/cases/${ours}`);
    await gm.getByText('内部备注').first().waitFor();
    const screenshot = process.env.UPDATE_SCREENSHOT === '1' ? join(ROOT, 'docs', 'console.png') : join(ROOT, 'test-output', 'console.png');
    mkdirSync(resolve(screenshot, '..'), { recursive: true });
    await gm.screenshot({ path: screenshot, fullPage: false });
  });
});
