import type { Commitments } from '../../../config/commitments';
import type { Severity } from '../../entities/ticket';
import { HOUR_MS } from '../calendar';
import { say, sayName } from '../../../config/say';

/**
 * The service commitments (售后服务承诺, R-SL-1) as due times on a case and as the sentence the
 * customer is told. One place, so the promise and the timer cannot drift apart.
 */

export interface Deadlines {
  replyDueAt: number | null;
  feedbackDueAt: number | null;
  onSiteDueAt: number | null;
}

/** A serious incident: the CS manager calls the customer within this many hours (the promise and the timer). */
export const SERIOUS_REPLY_HOURS = 1;

export function complaintDeadlines(c: Commitments, now: number, severity: Severity): Deadlines {
  return {
    // a serious incident is answered at once by the CS manager; the 24 h reply promise still bounds it
    replyDueAt: now + (severity === 'serious' ? SERIOUS_REPLY_HOURS : c.replyHours) * HOUR_MS,
    feedbackDueAt: now + c.complaintFeedbackHours * HOUR_MS,
    onSiteDueAt: null,
  };
}

export function requestDeadlines(c: Commitments, now: number): Deadlines {
  return { replyDueAt: now + c.replyHours * HOUR_MS, feedbackDueAt: null, onSiteDueAt: null };
}

export function complaintPromise(c: Commitments, severity: Severity): string {
  return severity === 'serious'
    ? say('cases.promise.serious', { urgentHours: SERIOUS_REPLY_HOURS, feedbackHours: c.complaintFeedbackHours })
    : say('cases.promise.ordinary', { replyHours: c.replyHours, feedbackHours: c.complaintFeedbackHours });
}

export function requestPromise(c: Commitments, kind: string | undefined): string {
  switch (kind) {
    case 'on_site':
    case 'redo':
      return say('cases.request.promise.onSite', { replyHours: c.replyHours, inHours: c.onSiteInWarrantyHours, outHours: c.onSiteOutOfWarrantyHours });
    case 'refund':
      return say('cases.request.promise.refund', { days: c.noReasonReturnDays, replyHours: c.replyHours });
    case 'replacement':
    case 'leave_cover':
      return say('cases.request.promise.housekeeper', { replyHours: c.replyHours });
    default:
      return say('cases.request.promise.other', { replyHours: c.replyHours });
  }
}

export function leadPromise(c: Commitments): string {
  return say('cases.lead.promise', { replyHours: c.replyHours });
}
