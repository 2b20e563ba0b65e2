import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { Customer } from '../../src/entities';
import { addContractCustomer } from '../support/seed';
import { runCli } from '../../src/simulator/cli';
import { startSimulator, type RunningSimulator } from '../../src/simulator/run';
import { TEST_DATA_KEY } from '../support/databases';

/**
 * The simulator shows the QR code handed out at signing and "scans" it (issue 15): the picture is
 * the fake platform's showqrcode through the bot's admin API, and a scan sends what WeChat sends
 * for that code, so the contract customer gets the follower's openid and the welcome.
 */

describe('simulator: the contract QR code', () => {
  let dir: string;
  let simulator: RunningSimulator;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'simulator-scan-'));
    simulator = await startSimulator({ port: 0, botPort: 0, dbFile: join(dir, 'simulator.sqlite'), dataKey: TEST_DATA_KEY, jobs: false, logStream: new Writable({ write: (_c, _e, done) => done() }) });
  }, 45_000);
  afterAll(async () => {
    await simulator?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the code as a picture and links the scanning follower to the contract customer', async () => {
    const customerId = await simulator.db.write((m) => addContractCustomer(m, { name: '赵女士', phone: '13900008888', contractNo: 'HTSCAN0001', startDate: '2026-11-26', endDate: '2027-11-25' }));
    const picture = await fetch(`${simulator.url}/sim/qrcode?customer=${customerId}`);
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-type')).toBe('image/png');
    const scan = await fetch(`${simulator.url}/sim/customer/scan`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ openid: 'o_sim_scan', customer: customerId }) });
    expect(scan.status).toBe(200);
    expect(await simulator.db.reader.findOneByOrFail(Customer, { id: customerId })).toMatchObject({ platform: 'wechat', externalId: 'o_sim_scan' });
    expect((await fetch(`${simulator.url}/sim/customer/scan`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ openid: 'o_sim_scan', customer: 'x' }) })).status).toBe(400);
  });

  it('lists running contracts for the page and "scans" from the terminal (/contracts, /scan N 已关注)', async () => {
    const customerId = await simulator.db.write((m) => addContractCustomer(m, { name: '冯女士', phone: '13900006666', contractNo: 'HTSCANCLI1', startDate: '2026-01-01', endDate: '2036-12-31' }));
    const listed = (await (await fetch(`${simulator.url}/sim/contracts`)).json()) as { contracts: { customerId: number; number: string; linked: boolean }[] };
    expect(listed.contracts).toEqual(expect.arrayContaining([expect.objectContaining({ customerId, number: 'HTSCANCLI1', linked: false })]));

    // an existing follower scans in the terminal: a SCAN event, the welcome printed
    const input = new PassThrough();
    let printed = '';
    const output = new Writable({ write: (chunk, _e, done) => ((printed += String(chunk)), done()) });
    const cli = runCli(simulator, input, output);
    input.write('/as customer o_cli_scan\n/contracts\n');
    input.write(`/scan ${customerId} 已关注\n`);
    await waitFor(async () => (await simulator.db.reader.findOneByOrFail(Customer, { id: customerId })).externalId === 'o_cli_scan');
    await waitFor(() => printed.includes('HTSCANCLI1，服务阿姨'));
    input.write('/quit\n');
    await cli;
    expect(printed).toContain(`客户编号 ${customerId}`);
    expect(simulator.session.messages.some((m) => m.user === 'o_cli_scan' && m.kind === 'event' && m.text === '扫了签约码（已关注）')).toBe(true);
  });
});

async function waitFor(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the simulator did not get there');
}
