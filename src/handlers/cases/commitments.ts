import type { Commitments } from '../../../config/commitments';
import type { Severity } from '../../entities/ticket';
import { HOUR_MS } from '../calendar';

/**
 * The service commitments (售后服务承诺, R-SL-1) as due times on a case and as the sentence the
 * customer is told. One place, so the promise and the timer cannot drift apart.
 */

export interface Deadlines {
  replyDueAt: number | null;
  feedbackDueAt: number | null;
  onSiteDueAt: number | null;
}

export function complaintDeadlines(c: Commitments, now: number, severity: Severity): Deadlines {
  return {
    // a serious incident is answered at once by the CS manager; the 24 h reply promise still bounds it
    replyDueAt: now + (severity === 'serious' ? 1 : c.replyHours) * HOUR_MS,
    feedbackDueAt: now + c.complaintFeedbackHours * HOUR_MS,
    onSiteDueAt: null,
  };
}

export function requestDeadlines(c: Commitments, now: number): Deadlines {
  return { replyDueAt: now + c.replyHours * HOUR_MS, feedbackDueAt: null, onSiteDueAt: null };
}

export function complaintPromise(c: Commitments, severity: Severity): string {
  return severity === 'serious'
    ? '已作为严重事件立即上报客服部经理，经理会马上与您联系；处理期间我们每' + c.complaintFeedbackHours + '小时向您反馈一次进度。如有人身危险请先拨打110或120。'
    : `投诉专员会在${c.replyHours}小时内与您联系，处理期间每${c.complaintFeedbackHours}小时向您反馈一次进度，直到处理完毕。`;
}

export function requestPromise(c: Commitments, kind: string | undefined): string {
  switch (kind) {
    case 'on_site':
    case 'redo':
      return `我们会在${c.replyHours}小时内回复您；需要上门的，保修期内${c.onSiteInWarrantyHours}小时内、保修期外${c.onSiteOutOfWarrantyHours}小时内安排人员到场（保修期外会先告知费用）。`;
    case 'refund':
      return `服务开始${c.noReasonReturnDays}天内可无理由退款；超过${c.noReasonReturnDays}天按合同约定处理。客服会在${c.replyHours}小时内与您确认。`;
    case 'replacement':
    case 'leave_cover':
      return `门店会在${c.replyHours}小时内与您联系，安排合适的阿姨。`;
    default:
      return `客服会在${c.replyHours}小时内回复您。`;
  }
}

export function leadPromise(c: Commitments): string {
  return `专属顾问会在${c.replyHours}小时内与您联系（通常在工作时间内很快回复）。`;
}
