import type { Lead } from '../../entities';
import { say, sayName } from '../../../config/say';

/** A lead's status in plain Chinese: what a customer sees when they ask (R-SL-1). */

export function describeLead(lead: Lead): string {
  const status = sayName(`leads.customerStatus.${lead.status}`, 'leads.customerStatus.other');
  if (!lead.serviceType) return say('leads.customerStatus.line', { leadNo: lead.number, status });
  return say('leads.customerStatus.lineWithService', { leadNo: lead.number, service: lead.serviceType, status });
}
