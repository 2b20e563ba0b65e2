import type { Customer } from '../../entities';
import type { Lead } from '../../entities/lead';
import type { Staff } from '../../entities/staff';
import type { Store } from '../../entities/store';
import type { Card, OutboundMessage } from '../ports';
import { maskPhone } from '../customers';
import { chineseDate, chineseDateTime } from '../calendar';
import { say, sayName } from '../../../config/say';

/** The lead card a consultant gets in WeCom (R-LD-2), and what it becomes after each button. */

export const LEAD_ACTIONS = ['accept', 'contacted', 'signed', 'lost', 'handback'] as const;
export type LeadAction = (typeof LEAD_ACTIONS)[number];


export const channelName = (channel: string) => sayName(`common.channel.${channel}`, 'common.channel.other');

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
    source: say('leads.card.source'),
    title: say('leads.card.title', { service: lead.serviceType ?? say('common.serviceDefault'), district: lead.district ?? customer.district ?? say('leads.card.districtUnknown') }),
    description: (revealed ? lead.need : maskPhonesIn(lead.need)).slice(0, 44),
    fields: [
      { label: say('common.field.number'), value: lead.number },
      { label: say('common.field.customer'), value: customer.name ?? say('leads.card.noName') },
      { label: say('leads.field.phone'), value: revealed ? customer.phone ?? say('common.noPhone') : maskPhone(customer.phone) },
      { label: say('leads.field.channel'), value: channelName(lead.channel) },
      { label: say('leads.field.start'), value: lead.startDate ? chineseDate(lead.startDate) : say('leads.card.toBeAgreed') },
      { label: say('leads.field.store'), value: storeName ?? '' },
    ].filter((field) => field.value),
    buttons: [
      { key: `lead:${lead.id}:accept`, text: say('leads.button.accept'), style: 1 },
      { key: `lead:${lead.id}:contacted`, text: say('leads.button.contacted'), style: 2 },
      { key: `lead:${lead.id}:signed`, text: say('leads.button.signed'), style: 1 },
      { key: `lead:${lead.id}:lost`, text: say('leads.button.lost'), style: 3 },
      { key: `lead:${lead.id}:handback`, text: say('leads.button.handback'), style: 4 },
    ],
  };
}

export function leadCard(lead: Lead, customer: Customer, consultant: Staff, store: Store, timeZone: string): OutboundMessage {
  return { type: 'card', to: [{ platform: 'wecom', id: consultant.wecomUserId }], card: leadCardBody(lead, customer, false, timeZone, store.name) };
}


/** What every copy of the card says after a button: the state, who, and when. */
export function decidedText(action: LeadAction, actor: Staff, at: number, timeZone: string): string {
  return say('leads.decided', { label: sayName(`leads.done.${action}`, 'leads.done.accept'), name: actor.name, time: chineseDateTime(at, timeZone) });
}
