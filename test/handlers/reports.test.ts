import { Resvg } from '@resvg/resvg-js';
import { Approval, Contract, Customer, Housekeeper, HousekeeperMovement, Lead, OutboxMessage, Penalty, Staff, Store, Survey, Ticket, TicketEvent, Visit } from '../../src/entities';
import type { Database } from '../../src/entities/database';
import { chartSvg, MAX_CHART_PNG_BYTES, monthlyReport, monthlyReportMarkdown, monthsEndingWith, performanceCsv, performanceReport, rasterize, renderChart } from '../../src/handlers/reports';
import { reportMonthOf } from '../../src/jobs/monthly-report';
import { describeEachDatabase } from '../support/databases';
import { adminGet } from '../support/chat';
import { CapturedLogs, eventually, outboxDrained, startBot, TestClock } from '../support/harness';
import { dispositionOf, PlatformApiError } from '../../src/bot/api-client';
import type { EvidenceStore } from '../../src/bot/evidence-store';
import { SandboxTransport } from '../../src/bot/sandbox';
import type { WechatClient } from '../../src/bot/wechat/client';
import { WechatTransport } from '../../src/bot/wechat/transport';
import type { OutboundMessage } from '../../src/handlers/ports';
import { createLogger } from '../../src/logger';

/**
 * The monthly report to the GM (R-RP-1, R-LD-3, R-CP-5) and housekeeper performance (R-AR-2):
 * a month seeded row by row, with rows just outside it on both sides, and the exact numbers;
 * the charts as real PNGs with Chinese text drawn by the bundled font; the job through a real
 * bot and the fake WeCom API, twice, sending once.
 */

const TZ = 'Asia/Shanghai';
/** A wall-clock time in Shanghai. */
const sh = (local: string) => Date.parse(`${local}+08:00`);
const DECEMBER_1_9AM = sh('2026-12-01T09:00:00');

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Seeds November 2026 (and a little of the months around it). Returns what the tests name. */
async function seedMonth(db: Database) {
  return db.write(async (m) => {
    const chaoyang = await m.save(m.create(Store, { code: 'CY01', name: '朝阳门店', districts: '朝阳区', isDefault: true }));
    const haidian = await m.save(m.create(Store, { code: 'HD01', name: '海淀门店', districts: '海淀区', isDefault: false }));
    const person = (wecomUserId: string, name: string, roles: string, storeId: number | null, active = true) =>
      m.save(m.create(Staff, { wecomUserId, name, roles, storeId, active, workingHours: '09:00-18:00', lastAssignedAt: null }));
    const wang = await person('sales01', '王顾问', 'consultant', chaoyang.id);
    const li = await person('sales02', '李顾问', 'consultant', haidian.id);
    const gm = await person('gm01', '周总', 'gm', null);
    await person('gm_old', '吴总', 'gm', null, false);
    await person('csm', '张经理', 'cs_manager', null);
    const customer = await m.save(m.create(Customer, { platform: 'wechat', externalId: 'o_report_1', unionId: null, name: '陈女士', phone: null, phoneHash: null, address: null, district: '朝阳区', channel: 'wechat', isMajor: false, storeId: chaoyang.id, subscribed: true, lastInboundAt: null, createdAt: sh('2026-05-01T10:00:00') }));

    const housekeeper = (code: string, name: string, status: Housekeeper['status'], storeId: number | null) =>
      m.save(m.create(Housekeeper, { code, name, phone: null, idNumber: null, emergencyContacts: null, skills: '保洁', storeId, status, createdAt: sh('2026-01-01T00:00:00') }));
    const a = await housekeeper('A001', '李阿姨', 'on_duty', chaoyang.id);
    const b = await housekeeper('B002', '=王阿姨', 'resigned', haidian.id); // resigned in November, still reported; a name a spreadsheet must not run
    const c = await housekeeper('C003', '赵阿姨', 'on_duty', haidian.id);
    await housekeeper('D004', '孙阿姨', 'resigned', null); // resigned, nothing this month: no row

    // ── leads ── November: 7 counted (朝阳 4, 海淀 2, no store 1), 3 signed, 1 lost; one cancelled; one each side of the month
    let leadNo = 0;
    const lead = (createdAt: number, channel: string, status: Lead['status'], storeId: number | null, consultantId: number | null) =>
      m.save(m.create(Lead, { number: `XS2026${String(++leadNo).padStart(6, '0')}`, customerId: customer.id, need: '找保洁阿姨', serviceType: null, district: null, startDate: null, channel, status, storeId, consultantId, loggedBy: null, createdAt, updatedAt: createdAt, assignedAt: null, acceptedAt: null, contactedAt: null, closedAt: null }));
    await lead(sh('2026-11-01T00:00:00'), 'wechat', 'signed', chaoyang.id, wang.id);
    await lead(sh('2026-11-10T10:00:00'), 'wechat', 'signed', chaoyang.id, wang.id);
    await lead(sh('2026-11-12T10:00:00'), 'phone', 'lost', chaoyang.id, wang.id);
    await lead(sh('2026-11-20T10:00:00'), 'wechat', 'contacted', chaoyang.id, wang.id);
    await lead(sh('2026-11-05T10:00:00'), 'phone', 'signed', haidian.id, li.id);
    await lead(sh('2026-11-30T23:59:00'), 'wechat', 'new', haidian.id, li.id);
    await lead(sh('2026-11-15T10:00:00'), 'wechat', 'new', null, null);
    await lead(sh('2026-11-16T10:00:00'), 'wechat', 'cancelled', chaoyang.id, null);
    await lead(sh('2026-12-01T00:00:00'), 'wechat', 'new', chaoyang.id, null);
    await lead(sh('2026-10-31T23:59:00'), 'wechat', 'new', chaoyang.id, null);
    await lead(sh('2026-09-03T10:00:00'), 'phone', 'signed', chaoyang.id, wang.id);
    await lead(sh('2026-09-20T10:00:00'), 'wechat', 'lost', haidian.id, li.id);
    await lead(sh('2026-06-01T00:00:00'), 'wechat', 'signed', chaoyang.id, wang.id);
    await lead(sh('2026-05-31T23:59:00'), 'wechat', 'signed', chaoyang.id, wang.id); // before the trend's six months

    // ── complaints ── November: 3 (2 ordinary, 1 serious); a service request; one in October, one in September
    let ticketNo = 0;
    const ticket = (createdAt: number, kind: Ticket['kind'], severity: Ticket['severity'], category: string, storeId: number, housekeeperId: number | null, closedAt: number | null = null) =>
      m.save(m.create(Ticket, { number: `TS2026${String(++ticketNo).padStart(6, '0')}`, kind, severity, category, status: closedAt ? 'closed' : 'accepted', customerId: customer.id, channel: 'wechat', summary: '阿姨的问题', storeId, housekeeperId, ownerId: null, loggedBy: null, createdAt, updatedAt: createdAt, replyDueAt: null, feedbackDueAt: null, onSiteDueAt: null, closedAt }));
    const t1 = await ticket(sh('2026-11-04T10:00:00'), 'complaint', 'ordinary', 'attitude', chaoyang.id, a.id, sh('2026-11-06T10:00:00'));
    const t2 = await ticket(sh('2026-11-08T10:00:00'), 'complaint', 'serious', 'theft', chaoyang.id, a.id);
    const t3 = await ticket(sh('2026-11-18T10:00:00'), 'complaint', 'ordinary', 'lateness', haidian.id, b.id);
    await ticket(sh('2026-11-19T10:00:00'), 'service_request', null, 'replacement', chaoyang.id, a.id);
    await ticket(sh('2026-10-20T10:00:00'), 'complaint', 'ordinary', 'quality', chaoyang.id, a.id);
    await ticket(sh('2026-09-10T10:00:00'), 'complaint', 'ordinary', 'attitude', haidian.id, c.id);

    // first contact: 2 h (apology) and 1 h (serious acknowledgement) → median 1.5 h
    const approval = (ticketId: number, step: string, role: string, decidedAt: number) =>
      m.save(m.create(Approval, { ticketId, penaltyId: null, step, role, status: 'decided', decision: 'text', text: null, needsText: true, decidedBy: 'cs01', decidedAt, taskId: `ap-${step}-${ticketId}`, recipients: 'cs01', createdAt: decidedAt - 3600_000, dueAt: null, escalated: false, card: null }));
    await approval(t1.id, 'apology', 'cs_specialist', t1.createdAt + 2 * 3600_000);
    await approval(t2.id, 'serious_ack', 'cs_manager', t2.createdAt + 3600_000);
    const event = (ticketId: number, type: string, data: unknown, at: number) => m.save(m.create(TicketEvent, { ticketId, leadId: null, type, actor: 'system', note: null, data: JSON.stringify(data), at }));
    await event(t3.id, 'sla_breach', { commitment: 'reply', escalatedTo: 'cs_manager' }, sh('2026-11-19T10:00:00'));
    await event(t2.id, 'compensation', { decided: 'pay_first', amountFen: 50_000 }, sh('2026-11-09T10:00:00'));

    // ── penalties ── payroll month 2026-11: A approved ¥200 and one pending ¥300; B rejected; B approved in October
    const penalty = (ticketId: number, housekeeperId: number, amountFen: number, status: Penalty['status'], month: string) =>
      m.save(m.create(Penalty, { ticketId, housekeeperId, amountFen, reason: '服务问题', status, month, raisedBy: 'csm', acknowledgedBy: null, approvedBy: status === 'approved' ? 'gm01' : null, createdAt: sh('2026-11-20T10:00:00'), decidedAt: null }));
    await penalty(t1.id, a.id, 20_000, 'approved', '2026-11');
    await penalty(t2.id, a.id, 30_000, 'raised', '2026-11');
    await penalty(t3.id, b.id, 10_000, 'rejected', '2026-11');
    await penalty(t3.id, b.id, 5_000, 'approved', '2026-10');

    // ── contracts ── ending in November: renewed, not renewing, only contacted, nothing; one terminated; one each side
    let contractNo = 0;
    const contract = (endDate: string, status: Contract['status'], renewalOutcome: Contract['renewalOutcome']) =>
      m.save(m.create(Contract, { number: `HT2026${String(++contractNo).padStart(4, '0')}`, customerId: customer.id, housekeeperId: a.id, storeId: chaoyang.id, consultantId: wang.id, serviceType: null, startDate: '2026-05-01', arrivalDate: '2026-05-02', endDate, amountFen: 600_000, status, previousId: null, renewalPromptAt: null, renewalReminderAt: null, renewalOutcome, createdAt: sh('2026-05-01T10:00:00') }));
    const k1 = await contract('2026-11-15', 'renewed', 'renewed');
    await contract('2026-11-30', 'ended', 'not_renewing');
    await contract('2026-11-01', 'active', 'contacted');
    await contract('2026-11-20', 'active', null);
    await contract('2026-11-10', 'terminated', null);
    await contract('2026-12-01', 'active', null);
    await contract('2026-10-31', 'ended', 'renewed');

    // ── visits ── due in November: 4 (2 done, 1 skipped, 1 open); one each side
    const visit = (subject: string, sequence: number, dueDate: string, status: Visit['status'], score: number | null = null) =>
      m.save(m.create(Visit, { contractId: k1.id, subject, sequence, dueDate, status, answers: null, score, recordedBy: null, completedAt: status === 'done' ? sh(`${dueDate}T15:00:00`) : null }));
    const v1 = await visit('customer', 1, '2026-11-03', 'done', 5);
    await visit('housekeeper', 1, '2026-11-03', 'done');
    await visit('customer', 2, '2026-11-30', 'scheduled');
    await visit('housekeeper', 2, '2026-11-30', 'skipped');
    await visit('customer', 3, '2026-12-01', 'scheduled');
    await visit('housekeeper', 3, '2026-10-31', 'done');

    // ── surveys ── sent in November: 5; answered in November: 4 with scores 2, 5, 3, 1 → mean 2.75, two low
    const survey = (source: string, sourceId: number, housekeeperId: number | null, status: Survey['status'], score: number | null, sentAt: number, answeredAt: number | null) =>
      m.save(m.create(Survey, { customerId: customer.id, source, sourceId, housekeeperId, status, questions: '["满意度"]', current: 0, answers: null, score, sentAt, answeredAt }));
    await survey('ticket', t1.id, a.id, 'answered', 2, sh('2026-11-06T10:00:00'), sh('2026-11-07T10:00:00'));
    await survey('visit', v1.id, a.id, 'answered', 5, sh('2026-11-03T15:00:00'), sh('2026-11-04T09:00:00'));
    await survey('ticket', t3.id, b.id, 'answered', 3, sh('2026-11-19T10:00:00'), sh('2026-11-20T10:00:00'));
    await survey('visit', 9001, b.id, 'answered', 1, sh('2026-10-30T10:00:00'), sh('2026-11-01T08:00:00'));
    await survey('visit', 9002, a.id, 'open', null, sh('2026-11-25T10:00:00'), null);
    await survey('visit', 9003, a.id, 'answered', 5, sh('2026-11-30T20:00:00'), sh('2026-12-01T08:00:00'));

    // ── movements ── November: new 2, on duty 2, returned 1, resigned 1; one each side
    const move = (housekeeperId: number, kind: string, at: number) => m.save(m.create(HousekeeperMovement, { housekeeperId, kind, note: null, at }));
    await move(a.id, 'new', sh('2026-11-01T00:00:00'));
    await move(a.id, 'on_duty', sh('2026-11-02T09:00:00'));
    await move(c.id, 'new', sh('2026-11-05T09:00:00'));
    await move(c.id, 'on_duty', sh('2026-11-06T09:00:00'));
    await move(b.id, 'resigned', sh('2026-11-25T09:00:00'));
    await move(c.id, 'returned', sh('2026-11-10T09:00:00'));
    await move(b.id, 'new', sh('2026-10-31T23:59:00'));
    await move(c.id, 'resigned', sh('2026-12-01T00:00:00'));

    return { gm, a, b, c };
  });
}

describe('report months', () => {
  it('the trend months run back across a year end, and a scheduled run reports the month before its period', () => {
    expect(monthsEndingWith('2026-03', 6)).toEqual(['2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03']);
    expect(reportMonthOf('2026-12', DECEMBER_1_9AM, TZ)).toBe('2026-11');
    // a catch-up of January's run on the 1st of February still reports December
    expect(reportMonthOf('2027-01', sh('2027-02-01T08:00:00'), TZ)).toBe('2026-12');
    expect(reportMonthOf(`manual:${DECEMBER_1_9AM}`, DECEMBER_1_9AM, TZ)).toBe('2026-11');
  });
});

describe('charts', () => {
  it('renders a PNG of sane size whose Chinese text is drawn by the bundled font', async () => {
    const titled = await renderChart({ title: { text: '咨询与投诉' }, xAxis: { type: 'category', data: ['朝阳门店', '海淀门店'] }, yAxis: { type: 'value' }, series: [{ type: 'bar', data: [4, 2] }] }, 480, 300);
    expect(titled.png.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
    expect([titled.width, titled.height]).toEqual([480, 300]);
    expect(titled.png.length).toBeGreaterThan(2_000);
    expect(titled.png.length).toBeLessThan(MAX_CHART_PNG_BYTES);

    // Chinese text alone: with the font there are dark pixels, without any font there are none
    const svg = await chartSvg({ title: { text: '咨询投诉回访续签', left: 'center', top: 20, textStyle: { fontSize: 32 } } }, 400, 100);
    const dark = (pixels: Buffer) => {
      let count = 0;
      for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 128 && pixels[i + 1] < 128 && pixels[i + 2] < 128) count++;
      return count;
    };
    const withFont = rasterize(svg);
    expect(dark(withFont.pixels)).toBeGreaterThan(300);
    const noFont = new Resvg(svg, { background: '#ffffff', font: { loadSystemFonts: false } }).render();
    expect(dark(noFont.pixels)).toBe(0);
  });
});

describe('an image message where WeCom is not the platform', () => {
  const image: OutboundMessage = { type: 'image', to: { platform: 'wechat', id: 'o_someone' }, png: Buffer.alloc(3000, 1).toString('base64'), filename: 'trend-2026-11.png' };

  it('the sandbox logs that it was not sent, with its size and without its bytes', async () => {
    const logs = new CapturedLogs();
    const sandbox = new SandboxTransport('wecom', createLogger('debug', logs.stream));
    expect(await sandbox.deliver(image)).toEqual({ detail: 'sandbox' });
    expect(logs.find((l) => l.msg === 'sandbox: image not sent (platform not configured)')).toMatchObject({ type: 'image', to: ['o_someone'], filename: 'trend-2026-11.png', bytes: 3000 });
    expect(logs.text()).not.toContain(image.png.slice(0, 40));
  });

  it('the Official Account refuses it for good, as it refuses cards', async () => {
    const client = { sendText: jest.fn() };
    const oa = new WechatTransport(client as unknown as WechatClient, undefined as unknown as EvidenceStore);
    const refused = await oa.deliver(image).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PlatformApiError);
    expect(dispositionOf(refused)).toBe('permanent');
    expect(client.sendText).not.toHaveBeenCalled();
  });
});

describeEachDatabase('monthly report', ({ db, skipped }) => {
  let seeded: Awaited<ReturnType<typeof seedMonth>>;

  beforeAll(async () => {
    if (skipped()) return;
    seeded = await seedMonth(db());
  });

  it('counts leads, complaints, visits, satisfaction, movement and renewals of the month, and the trend', async () => {
    if (skipped()) return;
    const report = await monthlyReport(db().reader, '2026-11', TZ);
    expect(report.leads.totals).toEqual({ inquiries: 7, signed: 3, lost: 1, open: 3, conversionRate: 0.429 });
    expect(report.leads.byChannel).toEqual({
      phone: { inquiries: 2, signed: 1, lost: 1, open: 0, conversionRate: 0.5 },
      wechat: { inquiries: 5, signed: 2, lost: 0, open: 3, conversionRate: 0.4 },
    });
    expect(report.byStore).toEqual([
      { store: '朝阳门店', inquiries: 4, signed: 2, complaints: 2 },
      { store: '海淀门店', inquiries: 2, signed: 1, complaints: 1 },
      { store: '未指定门店', inquiries: 1, signed: 0, complaints: 0 },
    ]);
    expect(report.complaints).toMatchObject({
      total: 3,
      bySeverity: { ordinary: 2, serious: 1 },
      byCategory: { attitude: 1, theft: 1, lateness: 1 },
      byStore: { 朝阳门店: 2, 海淀门店: 1 },
      byHousekeeper: { 'A001 李阿姨': 2, 'B002 =王阿姨': 1 },
      closed: 1,
      medianHoursToFirstContact: 1.5,
      medianHoursToClose: 48,
      slaBreaches: { total: 1, byCommitment: { reply: 1 } },
      penalties: { count: 3, approvedFen: 20_000 },
      compensation: { count: 1, amountFen: 50_000 },
    });
    expect(report.visits).toEqual({ due: 4, done: 2, skipped: 1, open: 1, bySubject: { customer: { due: 2, done: 1 }, housekeeper: { due: 2, done: 1 } } });
    expect(report.satisfaction).toEqual({ sent: 5, answered: 4, meanScore: 2.75, lowScores: 2, byScore: { '1': 1, '2': 1, '3': 1, '4': 0, '5': 1 } });
    expect(report.housekeepers).toEqual({ new: 2, on_duty: 2, returned: 1, resigned: 1 });
    expect(report.renewals).toEqual({ ending: 4, renewed: 1, notRenewing: 1, noOutcome: 2, renewalRate: 0.25 });
    expect(report.trend).toEqual([
      { month: '2026-06', inquiries: 1, complaints: 0 },
      { month: '2026-07', inquiries: 0, complaints: 0 },
      { month: '2026-08', inquiries: 0, complaints: 0 },
      { month: '2026-09', inquiries: 2, complaints: 1 },
      { month: '2026-10', inquiries: 1, complaints: 1 },
      { month: '2026-11', inquiries: 7, complaints: 3 },
    ]);

    const markdown = monthlyReportMarkdown(report);
    for (const heading of ['**咨询与成交**', '**投诉**', '**回访与满意度**', '**阿姨动态**', '**续签**']) expect(markdown).toContain(heading);
    expect(markdown).toContain('咨询 7 条，成交 3 单，未成交 1 条，跟进中 3 条，转化率 <font color="info">42.9%</font>');
    expect(markdown).toContain('投诉 3 起（普通 2，<font color="warning">严重 1</font>），已结案 1 起');
    expect(markdown).toContain('已批准扣款 ¥200.00；先行赔付 1 笔 ¥500.00');
    expect(markdown).toContain('应回访 4 次，已完成 2 次，逾期未回访 1 次，待完成 1 次');
    expect(markdown).toContain('收回 4 份，平均 2.75 分');
    expect(markdown).toContain('新到 2 人 · 上岗 2 人 · 返回 1 人 · 辞职 1 人');
    expect(markdown).toContain('本月到期合同 4 份：已续签 1，不续签 1，未记录结果 2，续签率 25%');
    // a month with no contract due says so, instead of a renewal rate of 0%
    const noneDue = monthlyReportMarkdown({ ...report, renewals: { ...report.renewals, ending: 0, renewed: 0, notRenewing: 0, noOutcome: 0, renewalRate: 0 } });
    expect(noneDue).toContain('本月无到期合同');
    expect(noneDue).not.toContain('续签率');
    expect(markdown).toContain('各门店对比与趋势图见下方图片');
    expect(monthlyReportMarkdown(report, false)).not.toContain('图见下方');
    expect(Buffer.byteLength(markdown)).toBeLessThan(4096);
  });

  it('gives each housekeeper her complaints, penalties and survey scores, as JSON and as CSV', async () => {
    if (skipped()) return;
    const report = await performanceReport(db().reader, '2026-11', TZ);
    expect(report.housekeepers.map((h) => ({ code: h.code, complaints: h.complaints, penalties: h.penalties, surveys: h.surveys }))).toEqual([
      { code: 'A001', complaints: { total: 2, ordinary: 1, serious: 1 }, penalties: { approved: 1, approvedFen: 20_000, pending: 1 }, surveys: { count: 2, meanScore: 3.5 } },
      { code: 'B002', complaints: { total: 1, ordinary: 1, serious: 0 }, penalties: { approved: 0, approvedFen: 0, pending: 0 }, surveys: { count: 2, meanScore: 2 } },
      { code: 'C003', complaints: { total: 0, ordinary: 0, serious: 0 }, penalties: { approved: 0, approvedFen: 0, pending: 0 }, surveys: { count: 0, meanScore: null } },
    ]);
    expect(report.housekeepers[0]).toMatchObject({ name: '李阿姨', store: '朝阳门店', status: 'on_duty' });

    const csv = performanceCsv(report);
    expect(csv.startsWith('\ufeff月份,阿姨编号,姓名,门店,状态,投诉总数,普通投诉,严重投诉,已批准处罚单,扣款金额(元),待审处罚单,评价次数,满意度均分\r\n')).toBe(true);
    expect(csv.slice(1).split('\r\n')).toEqual([
      '月份,阿姨编号,姓名,门店,状态,投诉总数,普通投诉,严重投诉,已批准处罚单,扣款金额(元),待审处罚单,评价次数,满意度均分',
      '2026-11,A001,李阿姨,朝阳门店,在岗,2,1,1,1,200.00,1,2,3.50',
      "2026-11,B002,'=王阿姨,海淀门店,辞职,1,1,0,0,0.00,0,2,2.00",
      '2026-11,C003,赵阿姨,海淀门店,在岗,0,0,0,0,0.00,0,0,',
      '',
    ]);
  });

  it('the job sends the GM the summary, the charts and the 月度客户投诉汇总记录表 PDF once, and the API returns the same numbers', async () => {
    if (skipped()) return;
    const clock = new TestClock(DECEMBER_1_9AM);
    const bot = await startBot(db(), { clock });
    try {
      const first = await bot.bot.jobs.runNow('monthly-report');
      // two items: the month-end sheets for 人资/财务 (issue 16) and the GM's report
      expect(first).toMatchObject({ status: 'done', items: 2, errors: 0 });
      const uploads = (await eventually(() => {
        const done = bot.platform.delivered('/cgi-bin/media/upload') as any[];
        return done.length === 3 && done;
      })) as any[];
      // the month's complaints form goes as a PDF file (issue 21): uploaded as a file, not an image
      const form = uploads.find((u) => u.media.contentType === 'application/pdf');
      expect(form.media).toMatchObject({ field: 'media', filename: '月度客户投诉汇总记录表-2026-11.pdf' });
      expect(form.media.size).toBeGreaterThan(2_000);
      uploads.splice(uploads.indexOf(form), 1);
      for (const upload of uploads) {
        expect(upload.media).toMatchObject({ field: 'media', contentType: 'image/png' });
        expect(upload.media.size).toBeGreaterThan(2_000);
        expect(upload.media.size).toBeLessThan(MAX_CHART_PNG_BYTES);
      }
      expect(uploads.map((u) => u.media.filename).sort()).toEqual(['stores-2026-11.png', 'trend-2026-11.png']);
      const toGm = (await eventually(() => {
        const sent = (bot.platform.delivered('/cgi-bin/message/send') as any[]).filter((b) => b.touser === 'gm01');
        return sent.length === 4 && sent;
      })) as any[];
      expect(toGm[0].msgtype).toBe('markdown');
      expect(toGm[0].markdown.content).toContain('## 2026年11月经营月报');
      expect(toGm[0].markdown.content).toContain('咨询 7 条，成交 3 单');
      expect(toGm.slice(1).map((b) => b.msgtype)).toEqual(['image', 'image', 'file']);
      expect(toGm.slice(1, 3).map((b) => b.image.media_id).sort()).toEqual(['media_1', 'media_2']);
      expect(toGm[3].file.media_id).toBe('media_3');
      // the inactive GM gets nothing
      expect((bot.platform.delivered('/cgi-bin/message/send') as any[]).filter((b) => b.touser === 'gm_old')).toEqual([]);

      // a second run (another period: a minute later) queues nothing and sends nothing more
      clock.advance(60_000);
      const second = await bot.bot.jobs.runNow('monthly-report');
      expect(second).toMatchObject({ status: 'done', items: 2, errors: 0 });
      await outboxDrained(db());
      expect(bot.platform.callsTo('/cgi-bin/media/upload')).toHaveLength(3);
      expect((bot.platform.delivered('/cgi-bin/message/send') as any[]).filter((b) => b.touser === 'gm01')).toHaveLength(4);
      const rows = await db().reader.find(OutboxMessage, { where: { recipient: 'gm01' } });
      expect(rows.map((r) => [r.dedupKey, r.kind, r.status]).sort()).toEqual([
        [`job:monthly-report:gm:${seeded.gm.id}:month:2026-11:0`, 'markdown', 'delivered'],
        [`job:monthly-report:gm:${seeded.gm.id}:month:2026-11:1`, 'image', 'delivered'],
        [`job:monthly-report:gm:${seeded.gm.id}:month:2026-11:2`, 'image', 'delivered'],
        [`job:monthly-report:gm:${seeded.gm.id}:month:2026-11:3`, 'file', 'delivered'],
      ]);

      const api = await adminGet(bot, '/api/reports/monthly?month=2026-11');
      expect(api.status).toBe(200);
      expect(api.body).toEqual(JSON.parse(JSON.stringify(await monthlyReport(db().reader, '2026-11', TZ))));
      expect((await adminGet(bot, '/api/reports/monthly?month=2026-13')).status).toBe(400);
      const json = await adminGet(bot, '/api/reports/housekeepers?month=2026-11');
      expect(json.body.housekeepers.map((h: any) => h.code)).toEqual(['A001', 'B002', 'C003']);
      const response = await fetch(`${bot.url}/api/reports/housekeepers?month=2026-11&format=csv`, { headers: { authorization: 'Bearer test-admin-token-for-the-bot-under-test' } });
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(response.headers.get('content-disposition')).toContain('housekeepers-2026-11.csv');
      const bytes = Buffer.from(await response.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(bytes.toString('utf8')).toBe(performanceCsv(await performanceReport(db().reader, '2026-11', TZ)));
    } finally {
      await bot.stop();
    }
  });
});
