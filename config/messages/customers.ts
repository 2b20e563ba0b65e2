/** Texts about customers (src/handlers/customers): identity linking and the like. Keys start with `customers.`. */
export const customersMessages = {
  // linking a follower to their record by the QR code handed out at signing (R-ID-1)
  'customers.link.welcome': '{name}您好，欢迎关注！已为您关联服务合同 {contractNo}，服务阿姨：{housekeeper}。以后有任何问题、投诉或需要续签，直接在这里留言即可。',
  'customers.link.welcomeNoContract': '{name}您好，欢迎关注！已关联您的客户档案，以后有任何问题直接在这里留言即可。',
  'customers.link.unknownHousekeeper': '待安排',
  'customers.link.expired': '这个二维码已过期，没能关联您的合同。我们已通知门店，顾问会为您重新生成二维码；您也可以直接在这里留言。',
  'customers.link.usedByOther': '这个二维码已被其他微信使用过，为保护您的信息没有关联。我们已通知客服核实，请稍候。',
  'customers.link.otherOpenid': '这份合同已关联了另一个微信号，为保护客户信息没有再次关联。我们已通知客服核实，请稍候。',
  'customers.link.unknownCode': '这个二维码无法识别，可能已失效。您可以直接在这里留言，我们会尽快为您服务。',
  'customers.link.staffRefused': '扫码关联被拒绝（{reason}）：合同 {contractNo}，客户 {customer}。请联系客户核实，必要时重新生成二维码。',
  'customers.link.reason.expired': '二维码已过期',
  'customers.link.reason.usedByOther': '二维码已被其他微信使用',
  'customers.link.reason.otherOpenid': '该客户已关联另一个微信',
  // linking by phone, confirmed by something only the customer knows
  'customers.phone.ask': '我们查到手机号 {phone} 有一份服务合同。为确认是您本人，请回复合同编号的后4位，或为您服务的阿姨的姓。',
  'customers.phone.linked': '核实成功，已为您关联服务合同 {contractNo}，服务阿姨：{housekeeper}。',
  'customers.phone.wrong': '核对不上，还可以再试 {left} 次。请回复合同编号的后4位，或阿姨的姓。',
  'customers.phone.blocked': '抱歉，没能核实您的身份，暂不关联这份合同。客服会与您联系人工核实。',
  'customers.phone.staffBlocked': '手机号关联核实三次未通过：客户 {customer}（合同 {contractNo}）。请人工核实对方身份。',
  'customers.phone.otherOpenid': '核实成功，但这份合同已关联了另一个微信号，暂不重复关联。客服会与您联系确认。',
  // merging duplicates (合并 客户A 客户B)
  'customers.merge.usage': '格式：合并 客户编号A 客户编号B（把 B 并入 A），例如：合并 12 15；两份有效合同且电话不同时加“强制”。',
  'customers.merge.notAllowed': '只有客服部经理可以合并客户记录。',
  'customers.merge.done': '已合并：客户 {from} 并入客户 {into}（工单 {tickets}、咨询 {leads}、合同 {contracts}、调查 {surveys}）。',
  'customers.merge.notFound': '找不到客户 {id}，或它已并入其他记录。',
  'customers.merge.same': '两个编号是同一位客户，不需要合并。',
  'customers.merge.twoContracts': '两位客户都有有效合同且电话不同，可能不是同一个人，没有合并。确认是同一人请加“强制”：合并 {into} {from} 强制',
  'customers.merge.twoWechats': '两条记录各自关联了不同的微信号，不能合并成一条。',
  // 大客户 TS…/手机号 [取消] (issue 16)
  'customers.major.notAllowed': '只有客服部经理或总经理可以设置大客户。',
  'customers.major.usage': '格式：大客户 TS…（或客户手机号）[取消]',
  'customers.major.set': '已设为大客户（{reference}）：严重投诉时总经理可决定先行赔付。',
  'customers.major.unset': '已取消大客户（{reference}）。',
} as const;
