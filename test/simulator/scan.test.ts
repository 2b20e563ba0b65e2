import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Contract, Customer } from '../../src/entities';
import { phoneHash } from '../../src/handlers/customers';
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
    const now = Date.now();
    const customerId = await simulator.db.write(async (m) => {
      const customer = await m.save(m.create(Customer, { platform: null, externalId: null, unionId: null, name: '赵女士', phone: '13900008888', phoneHash: phoneHash('13900008888'), address: null, district: '朝阳区', channel: 'walk_in', isMajor: false, storeId: null, subscribed: false, lastInboundAt: null, createdAt: now }));
      await m.save(m.create(Contract, { number: 'HTSCAN0001', customerId: customer.id, housekeeperId: null, storeId: null, consultantId: null, serviceType: '保洁', startDate: '2026-11-26', arrivalDate: null, endDate: '2027-11-25', amountFen: 100000, status: 'active', previousId: null, renewalPromptAt: null, renewalReminderAt: null, renewalOutcome: null, createdAt: now }));
      return customer.id;
    });
    const picture = await fetch(`${simulator.url}/sim/qrcode?customer=${customerId}`);
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-type')).toBe('image/png');
    const scan = await fetch(`${simulator.url}/sim/customer/scan`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ openid: 'o_sim_scan', customer: customerId }) });
    expect(scan.status).toBe(200);
    expect(await simulator.db.reader.findOneByOrFail(Customer, { id: customerId })).toMatchObject({ platform: 'wechat', externalId: 'o_sim_scan' });
    expect((await fetch(`${simulator.url}/sim/customer/scan`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ openid: 'o_sim_scan', customer: 'x' }) })).status).toBe(400);
  });
});
