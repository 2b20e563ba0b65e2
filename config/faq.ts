/**
 * Answers to common questions (FAQ). Plain Chinese a customer understands; keep them short and
 * true to the company's commitments (the numbers come from the commitments config). This file is
 * the FAQ's own catalogue of words, next to config/messages.zh-CN.ts: the answers are written
 * around the commitment numbers, so they stay here as functions of them. The greeting lists what
 * the bot does without numbers: a customer answering 「4」 would not be understood.
 */
import type { Commitments } from './commitments';

export type FaqTopic = 'scope' | 'price' | 'commitment' | 'process' | 'contact';

export function faqAnswer(topic: FaqTopic, c: Commitments): string {
  switch (topic) {
    case 'scope':
      return '我们提供：住家保姆、月嫂、育儿嫂、钟点工、老人陪护、病人陪护、日常保洁和深度保洁。告诉我您的需要，我帮您登记，顾问会联系您详细介绍。';
    case 'price':
      return '价格根据服务类型、阿姨经验和服务时长不同而不同，顾问会根据您的具体需要给出报价。您可以说“我想找月嫂，预产期下个月”，我帮您登记后顾问联系您。';
    case 'commitment':
      return `我们的服务承诺：客户请求${c.replyHours}小时内回复；投诉处理期间每${c.complaintFeedbackHours}小时反馈一次进度；需要上门的，服务保障期内${c.onSiteInWarrantyHours}小时、保障期外${c.onSiteOutOfWarrantyHours}小时内到场；服务开始${c.noReasonReturnDays}天内可申请无理由退换（具体退费以合同约定为准）；合同到期前${c.renewalNoticeDays}天提醒续签。`;
    case 'process':
      return '流程很简单：1. 告诉我您的需要并留下电话；2. 顾问联系您了解情况、推荐阿姨；3. 面试满意后签订合同；4. 阿姨上岗，我们定期回访。';
    case 'contact':
      return '您可以直接在这里留言，也可以说“转人工”，客服会尽快联系您。';
  }
}

export const GREETING =
  '您好，我是售后服务助手 😊 可以帮您：\n· 预约服务（如“我想找个月嫂”）\n· 投诉和建议\n· 换阿姨、上门、退款等售后\n· 查询进度（回复“查进度”）\n· 转人工客服（回复“转人工”）\n请直接告诉我您的需要。';

export const NOT_UNDERSTOOD =
  '抱歉，我没太明白您的意思。您可以这样说：“我想找月嫂”、“我要投诉”、“想换个阿姨”、“查进度”或“转人工”。';
