/**
 * 回访话术: the standard questions of follow-up visits (seed 7—2) and of the satisfaction survey
 * after a case closes. Scores are 1-5; the customer can add a comment to any answer.
 */
export const CUSTOMER_VISIT_QUESTIONS = [
  '阿姨的服务态度您满意吗？（请回复1-5分，5分最满意）',
  '阿姨的专业技能（做饭、卫生、照顾老人孩子等）您满意吗？（1-5分）',
  '对我们公司的整体服务您满意吗？（1-5分，也可以写下您的建议）',
];

export const HOUSEKEEPER_VISIT_QUESTIONS = [
  '在客户家工作是否顺利？有没有遇到困难？',
  '客户对您的工作有什么要求或意见？',
  '身体和生活方面是否有需要公司帮助的地方？',
];

export const CASE_SURVEY_QUESTIONS = ['请为本次问题的处理打分（1-5分，5分最满意），也可以写下您的意见。'];

/** A score at or below this opens a ticket so someone follows up. */
export const LOW_SCORE = 2;
