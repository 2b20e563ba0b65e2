import { z } from 'zod';

/**
 * Service commitments (售后服务承诺) with the seed's defaults (PRODUCT.md, "Defaults the seed gives").
 * Each can be overridden by an environment variable of the same meaning.
 */
export interface Commitments {
  /** 客户请求 24 小时内回复 */
  replyHours: number;
  /** 投诉处理进度每 24 小时反馈一次，直到结案 */
  complaintFeedbackHours: number;
  /** 保修期内 12 小时内到场 */
  onSiteInWarrantyHours: number;
  /** 保修期外 48 小时内到场 */
  onSiteOutOfWarrantyHours: number;
  /** 十五天无理由退换 */
  noReasonReturnDays: number;
  /** 合同到期前 15 天提醒续签 */
  renewalNoticeDays: number;
  /** 上月投诉分析报告，每月 5 日前 */
  monthlyComplaintReportDay: number;
  /** 对话空闲多久后视为结束（分钟） */
  conversationIdleMinutes: number;
}

export const SEED_COMMITMENTS: Commitments = {
  replyHours: 24,
  complaintFeedbackHours: 24,
  onSiteInWarrantyHours: 12,
  onSiteOutOfWarrantyHours: 48,
  noReasonReturnDays: 15,
  renewalNoticeDays: 15,
  monthlyComplaintReportDay: 5,
  conversationIdleMinutes: 30,
};

const ENV_NAMES: Record<keyof Commitments, string> = {
  replyHours: 'COMMIT_REPLY_HOURS',
  complaintFeedbackHours: 'COMMIT_COMPLAINT_FEEDBACK_HOURS',
  onSiteInWarrantyHours: 'COMMIT_ONSITE_IN_WARRANTY_HOURS',
  onSiteOutOfWarrantyHours: 'COMMIT_ONSITE_OUT_OF_WARRANTY_HOURS',
  noReasonReturnDays: 'COMMIT_NO_REASON_RETURN_DAYS',
  renewalNoticeDays: 'COMMIT_RENEWAL_NOTICE_DAYS',
  monthlyComplaintReportDay: 'COMMIT_MONTHLY_COMPLAINT_REPORT_DAY',
  conversationIdleMinutes: 'CONVERSATION_IDLE_MINUTES',
};

type Reader = <T>(name: string, schema: z.ZodType<T>, fallback: T) => T;

export function commitmentsFromEnv(read: Reader): Commitments {
  const positive = z.coerce.number().int().min(1, 'must be a whole number ≥ 1');
  const out = {} as Commitments;
  for (const key of Object.keys(SEED_COMMITMENTS) as (keyof Commitments)[]) {
    out[key] = read(ENV_NAMES[key], positive, SEED_COMMITMENTS[key]);
  }
  return out;
}
