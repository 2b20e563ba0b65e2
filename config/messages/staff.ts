/** Texts of the staff desk (src/handlers/staff): help, refusals, the 登记 command. Keys start with `staff.`. */
export const staffMessages = {
  'staff.help': '您好！可以这样使用：\n· 登记来电/到店咨询：登记 张女士 13800138000 朝阳区 需要月嫂 来源电话\n· 卡片上的按钮：接单、签字、同意/驳回……\n· 回复待办：TS202611260001 您的意见\n· 记录进展：进展 TS202611260001 内容\n· 调整等级：改为严重 TS…／改为普通 TS… 原因\n· 处罚单：处罚 TS… 阿姨编号 金额 原因',
  'staff.staleButton': '这个按钮已失效。',
  'staff.nothingPending': '您当前没有需要回复的待办事项。\n{help}',
  // 登记: what came in by phone or in person
  'staff.log.notAllowed': '只有客服或门店人员可以登记，请联系管理员在员工名单中为您开通。',
  'staff.log.usage': '登记需要客户的姓名或电话。格式：登记 张女士 13800138000 朝阳区 需要月嫂 来源电话',
  'staff.log.someCustomer': '客户',
  'staff.log.who': '{name} {phone}',
  'staff.log.complaint': '已登记投诉 {caseNo}（{severity}）：{who}，来源{channel}。\n告知客户：{toCustomer}',
  'staff.log.request': '已登记售后 {caseNo}：{who}，来源{channel}。\n告知客户：{toCustomer}',
  'staff.log.lead': '已登记咨询 {leadNo}：{who}，{service}，{district}，来源{channel}。',
  'staff.log.serviceUnknown': '服务待定',
  'staff.log.districtUnknown': '区域待定',
  'staff.log.assigned': '已分配给顾问 {name}。',
  'staff.log.notAssigned': '暂未分配顾问（门店或顾问未配置）。',
  'staff.log.missing': '\n缺少：{fields}，请补充后告诉顾问。',
  'staff.log.missing.service': '服务类型',
  'staff.log.missing.district': '区域',
  'staff.log.missing.phone': '电话',
} as const;
