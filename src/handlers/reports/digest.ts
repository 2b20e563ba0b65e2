import { In, IsNull, LessThanOrEqual, Not } from 'typeorm';
import { Approval } from '../../entities/approval';
import { Lead } from '../../entities/lead';
import { hasRole, Staff } from '../../entities/staff';
import { CLOSED_TICKET_STATUSES, Ticket } from '../../entities/ticket';
import { Visit } from '../../entities/visit';
import type { FlowContext } from '../ports';
import { chineseDateTime, isoDay } from '../calendar';
import { say } from '../../../config/say';

/**
 * Shift hand-over digest (seed 二.7-1 工作交接): at each shift change every customer-service member
 * gets one message with what is open for them — complaints and their next due time, their
 * pending approvals, visits due today, leads nobody has accepted yet.
 */

const CS_ROLES = ['cs_specialist', 'cs_manager'] as const;

export async function customerServiceStaff(ctx: Pick<FlowContext, 'db'>): Promise<Staff[]> {
  return (await ctx.db.find(Staff, { where: { active: true }, order: { id: 'ASC' } })).filter((s) => CS_ROLES.some((role) => hasRole(s, role)));
}

export async function sendDigest(ctx: FlowContext, staffId: number): Promise<void> {
  const staff = await ctx.db.findOneBy(Staff, { id: staffId });
  if (!staff?.active) return;
  const tz = ctx.config.timezone;
  const complaints = await ctx.db.find(Ticket, { where: { kind: 'complaint', status: Not(In(CLOSED_TICKET_STATUSES)) }, order: { id: 'ASC' }, take: 50 });
  const mine = (await ctx.db.find(Approval, { where: { status: 'pending' }, order: { id: 'ASC' } })).filter((a) => a.recipients.split(',').includes(staff.wecomUserId));
  const visits = await ctx.db.count(Visit, { where: { status: In(['scheduled', 'sent']), dueDate: LessThanOrEqual(isoDay(ctx.clock.now(), tz)) } });
  const waitingLeads = await ctx.db.count(Lead, { where: { status: In(['new', 'assigned']), acceptedAt: IsNull() } });
  const due = (t: Ticket) => [t.replyDueAt, t.feedbackDueAt, t.onSiteDueAt].filter((x): x is number => x !== null).sort((a, b) => a - b)[0];
  const lines = [
    say('reports.digest.head', { name: staff.name }),
    say(complaints.length ? 'reports.digest.complaintsListed' : 'reports.digest.complaints', { count: complaints.length }),
    ...complaints.slice(0, 10).map((t) => {
      const severity = say(t.severity === 'serious' ? 'common.severity.serious' : 'common.severity.ordinary');
      const next = due(t);
      return next ? say('reports.digest.complaintDue', { caseNo: t.number, severity, due: chineseDateTime(next, tz) }) : say('reports.digest.complaint', { caseNo: t.number, severity });
    }),
    say('reports.digest.mine', { count: mine.length }),
    say('reports.digest.visits', { count: visits }),
    say('reports.digest.leads', { count: waitingLeads }),
  ];
  ctx.send({ type: 'text', to: { platform: 'wecom', id: staff.wecomUserId }, text: lines.join('\n') });
}
