/** Texts the understanding room (src/handlers/understanding) makes people read: clarifying questions. Keys start with `understanding.`. */
export const understandingMessages = {
  // One short question when the classifier hesitates between two intents (issue 14, item 4);
  // {first} and {second} are two of the understanding.choice.* texts below.
  'understanding.separate': '您是想{first}，还是{second}？',
  'understanding.choice.inquiry': '预约新的服务',
  'understanding.choice.service_request': '调整现在的服务',
  'understanding.choice.complaint': '反映服务中的问题',
  'understanding.choice.status_query': '查询已经提交的事情的进度',
  'understanding.choice.renewal': '续签合同',
  'understanding.choice.human': '找人工客服',
  'understanding.choice.faq': '先了解一下我们的服务',
  'understanding.choice.cancel': '取消之前的预约',
} as const;
