import type { Lead } from '../../entities';

/** A lead's status in plain Chinese: what a customer sees when they ask (R-SL-1). */

const LEAD_STEP: Record<string, string> = {
  draft: '还差一些信息（回复我即可补充）',
  new: '已登记，正在为您安排顾问',
  assigned: '已安排顾问，顾问会尽快联系您',
  accepted: '顾问已接单，会尽快联系您',
  contacted: '顾问已与您联系',
};

export function describeLead(lead: Lead): string {
  return `预约咨询 ${lead.number}${lead.serviceType ? `（${lead.serviceType}）` : ''}：${LEAD_STEP[lead.status] ?? '处理中'}`;
}
