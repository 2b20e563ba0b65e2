import { Customer } from '../../entities';
import type { Staff } from '../../entities/staff';
import { hasRole } from '../../entities/staff';
import { complaintAccepted, openComplaint } from '../cases';
import { understand } from '../understanding';
import { audit } from '../records';
import { channelName } from '../leads';
import { createLead, setLeadStatus } from '../leads';
import { submitLead } from '../leads';
import type { HandlerContext } from '../ports';
import { customerByPhone, maskPhone, newCustomer, updateCustomer } from '../customers';
import { openServiceRequest, serviceRequestAccepted } from '../cases';
import { say } from '../../../config/say';
import { insertRow } from '../../entities/rows';

/**
 * Staff log what arrived by phone, QQ, e-mail or in person (R-IN-2, 《客户来电登记表》):
 *   登记 张女士 13800138000 朝阳区 需要月嫂 来源电话
 * The channel word is taken out, the rest is understood like a customer's message.
 */

const CHANNEL_WORDS: [RegExp, string][] = [
  [/(电话|热线|来电)/, 'phone'],
  [/(qq|QQ)/, 'qq'],
  [/(邮件|邮箱|email|e-mail)/i, 'email'],
  [/(到店|门店|上门咨询|面谈)/, 'walk_in'],
  [/(微信)/, 'wechat'],
];

export const LOG_COMMAND = /^\s*(登记|录入)[\s:：]*/;

export function parseChannel(text: string): { channel: string; rest: string } {
  const marker = /(来源|渠道)[\s:：]*(\S+)/.exec(text);
  const source = marker?.[2] ?? text;
  const found = CHANNEL_WORDS.find(([pattern]) => pattern.test(source));
  const rest = marker ? text.replace(marker[0], ' ') : text;
  return { channel: found?.[1] ?? 'phone', rest: rest.trim() };
}

export function mayLog(staff: Staff | null): boolean {
  return hasRole(staff, 'cs_specialist') || hasRole(staff, 'cs_manager') || hasRole(staff, 'store_manager');
}

/** 登记 …: only customer-service and store staff may log; anyone else is told so. */
export async function logCommand(ctx: HandlerContext, staff: Staff | null, text: string): Promise<void> {
  if (!staff || !staff.active || !mayLog(staff)) {
    ctx.log.warn({ user: ctx.event.from }, 'logging refused: not customer-service staff');
    ctx.reply(say('staff.log.notAllowed'));
    return;
  }
  return logOnBehalf(ctx, staff, text);
}

export async function logOnBehalf(ctx: HandlerContext, staff: Staff, text: string): Promise<void> {
  const now = ctx.clock.now();
  const { channel, rest } = parseChannel(text.replace(LOG_COMMAND, ''));
  const u = understand(rest, now, ctx.config.timezone);
  if (!u.slots.phone && !u.slots.name) {
    ctx.reply(say('staff.log.usage'));
    return;
  }
  const customer = await findOrCreateOffline(ctx, u.slots.phone, channel, now);
  await updateCustomer(ctx.db, customer, u.slots);
  const who = say('staff.log.who', { name: customer.name ?? say('staff.log.someCustomer'), phone: maskPhone(customer.phone) });
  if (u.intent === 'complaint') {
    const ticket = await openComplaint(ctx, customer, { severity: u.severity ?? 'ordinary', category: u.category, summary: rest, channel, loggedBy: staff.wecomUserId }, staff.wecomUserId);
    await audit(ctx.db, { actor: staff.wecomUserId, action: 'ticket.logged', subject: 'ticket', subjectId: ticket.id, changes: { channel, kind: 'complaint' } }, now);
    ctx.reply(say('staff.log.complaint', { caseNo: ticket.number, severity: say(ticket.severity === 'serious' ? 'common.severity.serious' : 'common.severity.ordinary'), who, channel: channelName(channel), toCustomer: complaintAccepted(ctx, ticket) }));
    return;
  }
  if (u.intent === 'service_request') {
    const ticket = await openServiceRequest(ctx, customer, { requestKind: u.requestKind, summary: rest, channel, loggedBy: staff.wecomUserId }, staff.wecomUserId);
    await audit(ctx.db, { actor: staff.wecomUserId, action: 'ticket.logged', subject: 'ticket', subjectId: ticket.id, changes: { channel, kind: 'service_request' } }, now);
    ctx.reply(say('staff.log.request', { caseNo: ticket.number, who, channel: channelName(channel), toCustomer: await serviceRequestAccepted(ctx, ticket) }));
    return;
  }
  const lead = await createLead(ctx.db, customer, { need: rest, serviceType: u.slots.serviceType, district: u.slots.district, startDate: u.slots.startDate, channel, loggedBy: staff.wecomUserId }, now, ctx.config.timezone, staff.wecomUserId);
  await setLeadStatus(ctx.db, lead, 'new', now, staff.wecomUserId);
  await audit(ctx.db, { actor: staff.wecomUserId, action: 'lead.logged', subject: 'lead', subjectId: lead.id, changes: { channel } }, now);
  const consultant = await submitLead(ctx, lead, customer, {});
  const missing = [!lead.serviceType && say('staff.log.missing.service'), !lead.district && say('staff.log.missing.district'), !customer.phone && say('staff.log.missing.phone')].filter(Boolean);
  ctx.reply(
    say('staff.log.lead', { leadNo: lead.number, who, service: lead.serviceType ?? say('staff.log.serviceUnknown'), district: lead.district ?? say('staff.log.districtUnknown'), channel: channelName(channel) }) +
      (consultant ? say('staff.log.assigned', { name: consultant.name }) : say('staff.log.notAssigned')) +
      (missing.length ? say('staff.log.missing', { fields: missing.join('、') }) : ''),
  );
}

async function findOrCreateOffline(ctx: HandlerContext, phone: string | undefined, channel: string, now: number): Promise<Customer> {
  const known = phone ? await customerByPhone(ctx.db, phone) : null;
  if (known) return known;
  return insertRow(ctx.db, Customer, newCustomer(ctx.db, { platform: null, externalId: null, channel, now }));
}
