// The console's own Chinese texts for stored codes (statuses, timeline entries, roles): the
// front-end's locale file. Server-side texts live in the message catalogue (config/messages).

const STATUS: Record<string, string> = {
  open: '待受理', accepted: '已受理', contacted: '已联系客户', instructed: '门店调查中', investigated: '已调查', decided: '已决定处理方案',
  communicated: '已告知客户', signed_cs: '客服部经理已签字', signed_gm: '总经理已签字', archived: '已归档', closed: '已结案', cancelled: '已取消',
  confirmed: '已确认', dispatched: '已派人', in_progress: '处理中', reported: '已上报', hk_contacted: '已联系阿姨',
  draft: '登记中', new: '新线索', assigned: '已分配', signed: '已签约', lost: '未成交',
};

const EVENT: Record<string, string> = {
  created: '受理', step_opened: '新步骤', step_decided: '步骤完成', customer_message: '客户留言', customer_notified: '已告知客户', progress: '进展',
  status: '状态变更', severity: '严重程度变更', category: '类别变更', evidence: '证据', sla_breach: '超时', reminder: '提醒', reply: '回复客户',
  penalty: '处罚单', penalty_decided: '处罚单审批', internal_note: '内部备注', handoff_taken: '人工接手', handoff_passed: '转交', handoff_paged: '呼叫同事',
  handoff_escalated: '升级', refund_window: '退款期限', police_report: '报警', survey: '满意度回访', linked: '关联客户', unassigned: '待分配',
};

export const statusName = (code: string) => STATUS[code] ?? code;
export const eventName = (code: string) => EVENT[code] ?? code;
export const actorName = (code: string) => ({ customer: '客户', system: '系统', admin: '管理员' })[code] ?? code;
