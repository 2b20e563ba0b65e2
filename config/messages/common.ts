/**
 * Names shared by several rooms: one entry per thing, so a role or a category reads the same on a
 * card, in a reminder and in the monthly report. Keys start with `common.`.
 */
export const commonMessages = {
  'common.role.cs_specialist': '投诉专员',
  'common.role.cs_manager': '客服部经理',
  'common.role.gm': '总经理',
  'common.role.store_manager': '门店经理',
  'common.role.consultant': '销售顾问',
  'common.role.hr': '人资',
  'common.role.finance': '财务',
} as const;
