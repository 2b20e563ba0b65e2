import { AuditEntry, Contract, Customer, JobRun } from '../../src/entities';
import { adminGet, adminSend, customerSays } from '../support/chat';
import { describeEachDatabase } from '../support/databases';
import type { RunningBot, TestClock } from '../support/harness';
import { startFlow } from '../support/flow';

/**
 * The jobs endpoints (GET /api/jobs, POST /api/jobs/:name/run) over the real admin API, and the
 * part of the daily renewal job that ends contracts past their end date (endContract).
 */

describeEachDatabase('jobs API and contracts past their end', ({ db, skipped }) => {
  let bot: RunningBot;
  let clock: TestClock;

  beforeAll(async () => {
    if (skipped()) return;
    ({ bot, clock } = await startFlow(db()));
  });
  afterAll(async () => bot?.stop());

  async function contract(number: string, endDate: string, status: Contract['status']): Promise<number> {
    const openid = `o_jobs_${number}`;
    await customerSays(bot, openid, '你好');
    const customer = await db().reader.findOneByOrFail(Customer, { externalId: openid });
    await db().write((m) =>
      m.insert(Contract, { number, customerId: customer.id, housekeeperId: null, storeId: null, consultantId: null, serviceType: '保洁', startDate: '2026-05-26', arrivalDate: '2026-05-26', endDate, amountFen: 100000, status, previousId: null, renewalPromptAt: null, renewalReminderAt: null, renewalOutcome: status === 'renewed' ? 'renewed' : null, createdAt: clock.now() }),
    );
    return (await db().reader.findOneByOrFail(Contract, { number })).id;
  }

  it('GET /api/jobs lists every scheduled job with its schedule, and the runs so far', async () => {
    if (skipped()) return;
    const { status, body } = await adminGet(bot, '/api/jobs');
    expect(status).toBe(200);
    expect(body.jobs.map((j: { name: string }) => j.name)).toEqual(expect.arrayContaining(['lead-timeouts', 'sla-checks', 'renewal-prompts', 'monthly-report']));
    expect(body.jobs.find((j: { name: string }) => j.name === 'renewal-prompts')).toMatchObject({ cron: '0 9 * * *', description: expect.stringContaining('09:00') });
    expect(body.runs).toEqual([]);
  });

  it('POST /api/jobs/renewal-prompts/run ends the contracts past their end date, once, and the run is listed', async () => {
    if (skipped()) return;
    const ended = await contract('HT-END-1', '2026-11-25', 'active'); // ended yesterday
    const lastDay = await contract('HT-END-2', '2026-11-26', 'active'); // today is its last day
    const renewed = await contract('HT-END-3', '2026-11-20', 'renewed'); // already followed by a new term

    const { status, body } = await adminSend(bot, 'POST', '/api/jobs/renewal-prompts/run', {});
    expect(status).toBe(200);
    expect(body).toMatchObject({ job: 'renewal-prompts', status: 'done', errors: 0 });
    expect((await db().reader.findOneByOrFail(Contract, { id: ended })).status).toBe('ended');
    expect((await db().reader.findOneByOrFail(Contract, { id: lastDay })).status).toBe('active');
    expect((await db().reader.findOneByOrFail(Contract, { id: renewed })).status).toBe('renewed');
    const trail = await db().reader.find(AuditEntry, { where: { action: 'contract.ended' } });
    expect(trail.map((e) => e.subjectId)).toEqual([ended]);

    // a second manual run (its own period) finds nothing more to end
    clock.advance(60_000);
    expect((await adminSend(bot, 'POST', '/api/jobs/renewal-prompts/run', {})).body).toMatchObject({ status: 'done', errors: 0 });
    expect(await db().reader.countBy(AuditEntry, { action: 'contract.ended' })).toBe(1);
    // the day after, the contract whose last day it was ends too
    clock.advance(24 * 3600_000);
    await adminSend(bot, 'POST', '/api/jobs/renewal-prompts/run', {});
    expect((await db().reader.findOneByOrFail(Contract, { id: lastDay })).status).toBe('ended');

    const listed = await adminGet(bot, '/api/jobs');
    const runs = listed.body.runs.filter((r: { job: string }) => r.job === 'renewal-prompts');
    expect(runs).toHaveLength(3);
    expect(runs.every((r: { status: string; period: string; finishedAt: string | null }) => r.status === 'done' && r.period.startsWith('manual:') && r.finishedAt !== null)).toBe(true);
    expect(await db().reader.countBy(JobRun, { job: 'renewal-prompts' })).toBe(3);
  });

  it('POST /api/jobs/:name/run for a job that does not exist answers 404 and runs nothing', async () => {
    if (skipped()) return;
    const before = await db().reader.count(JobRun);
    const { status, body } = await adminSend(bot, 'POST', '/api/jobs/no-such-job/run', {});
    expect(status).toBe(404);
    expect(JSON.stringify(body)).toContain('no-such-job');
    expect(await db().reader.count(JobRun)).toBe(before);
  });

  it('the jobs endpoints need the admin token', async () => {
    if (skipped()) return;
    expect((await adminGet(bot, '/api/jobs', 'wrong-token')).status).toBe(401);
    expect((await adminSend(bot, 'POST', '/api/jobs/renewal-prompts/run', {}, 'wrong-token')).status).toBe(401);
  });
});
