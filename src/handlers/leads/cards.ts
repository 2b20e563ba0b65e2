import type { Customer } from '../../entities';
import type { Lead } from '../../entities/lead';
import type { Staff } from '../../entities/staff';
import type { Store } from '../../entities/store';
import type { Card, OutboundMessage } from '../ports';
import { maskPhone } from '../customers';
import { chineseDateTime } from '../calendar';

/** The lead card a consultant gets in WeCom (R-LD-2), and what it becomes after each button. */

export const LEAD_ACTIONS = ['accept', 'contacted', 'signed', 'lost', 'handback'] as const;
export type LeadAction = (typeof LEAD_ACTIONS)[number];

const CHANNEL_NAMES: Record<string, string> = { wechat: '公众号', wecom: '企业微信', wechaty: '微信', phone: '电话', qq: 'QQ', email: '邮件', walk_in: '到店' };

export const channelName = (channel: string) => CHANNEL_NAMES[channel] ?? channel;

/** Phone numbers inside the customer's own words are masked too until the lead is accepted. */
export function maskPhonesIn(text: string): string {
  return text.replace(/1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}/g, (match) => maskPhone(match));
}

export function leadTaskId(lead: Lead): string {
  // unique per assignment: WeCom never accepts a task_id twice
  return `lead-${lead.id}-${lead.assignedAt ?? lead.updatedAt}`;
}

export function leadCardBody(lead: Lead, customer: Customer, revealed: boolean, timeZone: string, storeName?: string): Card {
  return {
    taskId: leadTaskId(lead),
    source: '新客户咨询',
    title: `${lead.serviceType ?? '家政服务'} · ${lead.district ?? customer.district ?? '区域待定'}`,
    description: (revealed ? lead.need : maskPhonesIn(lead.need)).slice(0, 44),
    fields: [
      { label: '编号', value: lead.number },
      { label: '客户', value: customer.name ?? '未留姓名' },
      { label: '电话', value: revealed ? customer.phone ?? '未留电话' : maskPhone(customer.phone) },
      { label: '渠道', value: channelName(lead.channel) },
      { label: '开始', value: lead.startDate ?? '待沟通' },
      { label: '门店', value: storeName ?? '' },
    ].filter((field) => field.value),
    buttons: [
      { key: `lead:${lead.id}:accept`, text: '接单', style: 1 },
      { key: `lead:${lead.id}:contacted`, text: '已联系', style: 2 },
      { key: `lead:${lead.id}:signed`, text: '已签单', style: 1 },
      { key: `lead:${lead.id}:lost`, text: '未成交', style: 3 },
      { key: `lead:${lead.id}:handback`, text: '退回', style: 4 },
    ],
  };
}

export function leadCard(lead: Lead, customer: Customer, consultant: Staff, store: Store, timeZone: string): OutboundMessage {
  return { type: 'card', to: [{ platform: 'wecom', id: consultant.wecomUserId }], card: leadCardBody(lead, customer, false, timeZone, store.name) };
}

const ACTION_DONE: Record<LeadAction, string> = { accept: '已接单', contacted: '已联系', signed: '已签单', lost: '未成交', handback: '已退回' };

/** What every copy of the card says after a button: the state, who, and when. */
export function decidedText(action: LeadAction, actor: Staff, at: number, timeZone: string): string {
  return `${ACTION_DONE[action]} · ${actor.name} · ${chineseDateTime(at, timeZone)}`;
}
