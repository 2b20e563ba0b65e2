/** Texts of complaints and service requests (src/handlers/cases): replies, steps, reminders, commands. Keys start with `cases.`. */
export const casesMessages = {
  'cases.sla.overdue': '超时提醒：投诉 {caseNo}「{step}」已超时（负责：{role} {name}），请督促处理。',
} as const;
