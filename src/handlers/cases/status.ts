import type { Ticket } from '../../entities';
import { chineseDateTime } from '../calendar';
import { say, sayName } from '../../../config/say';

/** A case's status in plain Chinese (R-SL-1, issue "customer view"): what a customer sees when they ask. */

/** Where the case stands, in the customer's words (cases.status.*). */
export const ticketStatusText = (ticket: Pick<Ticket, 'status'>): string => sayName(`cases.status.${ticket.status}`, 'cases.status.other');

export function describeTicket(ticket: Ticket, timeZone: string): string {
  const params = { kind: sayName(`cases.kind.${ticket.kind}`, 'cases.kind.other'), caseNo: ticket.number, status: ticketStatusText(ticket) };
  if (!ticket.feedbackDueAt) return say('cases.status.line', params);
  return say('cases.status.lineWithFeedback', { ...params, next: chineseDateTime(ticket.feedbackDueAt, timeZone) });
}
