/** What the understanding of a customer's message says (see classify.ts for the policy). */

export type Intent =
  | 'inquiry' | 'complaint' | 'service_request' | 'status_query' | 'renewal'
  | 'human' | 'faq' | 'greeting' | 'cancel' | 'unknown';
export type ServiceType = '住家保姆' | '月嫂' | '育儿嫂' | '钟点工' | '老人陪护' | '保洁' | '病人陪护' | '做饭阿姨';
export type ComplaintCategory = 'attitude' | 'theft' | 'property_damage' | 'injury' | 'lateness' | 'quality' | 'other';
export type RequestKind = 'replacement' | 'on_site' | 'refund' | 'leave_cover' | 'redo';
export type FaqTopic = 'scope' | 'price' | 'commitment' | 'process' | 'contact';
export interface Slots {
  name?: string;
  phone?: string;
  district?: string;
  address?: string;
  serviceType?: ServiceType;
  /** YYYY-MM-DD in the given time zone (Asia/Shanghai by default). */
  startDate?: string;
}
export interface Understanding {
  intent: Intent;
  also: Intent[];
  severity?: 'ordinary' | 'serious';
  category?: ComplaintCategory;
  requestKind?: RequestKind;
  faqTopic?: FaqTopic;
  slots: Slots;
  normalized: string;
  /**
   * How sure the understanding is of `intent`, 0–1: 1 for an explicit command, otherwise the
   * model's probability for it (0 when nothing understood it). For the dialogue and the hand-off.
   */
  confidence: number;
  /** Who settled the intent: the rules, the trained model, both agreeing, or the optional language model. */
  decidedBy: 'rules' | 'model' | 'both' | 'llm';
  /**
   * Set when the understanding is not sure enough to act alone:
   * - between: the model hesitates between two intents — ask one question that separates them;
   * - harm: a complaint that may hide harm — ask the safety question;
   * - floor: nothing understood the message well enough — the hand-off rules apply.
   */
  unsure?: { reason: 'between'; between: [Intent, Intent] } | { reason: 'harm' } | { reason: 'floor' };
}
