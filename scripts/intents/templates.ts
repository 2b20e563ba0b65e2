/**
 * The generator's raw material (issue 14, item 2): sentence templates a 家政 company's customers
 * write, by label, and the word lists their {SLOTS} are filled from. `generate.ts` combines them
 * with a seeded random source and then roughens the result (voice-to-text, typos, dialect,
 * 繁體, emoji, English words) so the classifier learns the meaning, not the punctuation.
 *
 * Labels: `intent` is one of the model's intent labels (see src/handlers/understanding/model.ts),
 * `harm` is what happened to a person or to property in the customer's home (none when nothing
 * did, and none when an injury is the reason for a booking rather than something we caused).
 */
export type ModelIntent =
  | 'inquiry' | 'complaint' | 'sr_replacement' | 'sr_on_site' | 'sr_refund' | 'sr_leave_cover' | 'sr_redo' | 'sr_change'
  | 'status_query' | 'renewal' | 'human' | 'faq' | 'greeting' | 'cancel' | 'survey' | 'other';
export type Harm = 'none' | 'person' | 'property';

export const FILLERS: Record<string, string[]> = {
  STAFF: ['阿姨', '保姆', '月嫂', '育儿嫂', '钟点工', '保洁阿姨', '护工', '师傅', '住家阿姨', '小时工', '家政阿姨', '你们派来的阿姨', '那个阿姨', '新来的阿姨', '保洁员', '陪护', '育婴师', '这个保姆', '王阿姨', '李姐', '张阿姨', '刘师傅'],
  SERVICE: ['住家保姆', '月嫂', '育儿嫂', '钟点工', '老人陪护', '保洁', '病人陪护', '做饭阿姨', '开荒保洁', '擦玻璃', '深度保洁', '油烟机清洗', '空调清洗', '收纳整理', '陪诊', '护工', '白班保姆', '不住家的阿姨', '带娃阿姨', '催乳师', '小时工'],
  KID: ['孩子', '宝宝', '小孩', '我儿子', '我女儿', '娃', '闺女', '老二', '小宝', '我家娃', '大宝', '新生儿', '孩子'],
  ELDER: ['我妈', '我爸', '老人', '奶奶', '爷爷', '外婆', '姥姥', '老爷子', '老太太', '婆婆', '我公公', '老母亲', '家里老人'],
  BODY: ['手', '胳膊', '腿', '额头', '脸', '后脑勺', '膝盖', '手背', '屁股', '嘴角', '脚', '腰', '下巴', '眼角', '手指'],
  INJURY: ['缝了三针', '住院了', '青了一大块', '起了好几个水泡', '肿得老高', '流了好多血', '骨折了', '磕破了', '淤青一片', '烫红了一片', '送急诊了', '去医院拍了片子', '划了个大口子', '到现在还疼', '缝了好几针', '发烧住院', '红肿起泡', '擦破一大块皮'],
  HOW_HURT: ['被开水烫了', '从床上摔下来了', '在卫生间滑倒了', '被门夹了', '从椅子上掉下来', '被推了一把', '被打了', '被掐了', '磕到桌角', '被热油溅到', '吃了不干净的东西上吐下泻', '被拽着走摔了一跤', '呛奶呛到脸发紫', '洗澡时烫着了', '被扇了一巴掌', '摔在地上'],
  VALUABLE: ['金项链', '金手镯', '戒指', '手表', '现金', '红包', '首饰', '玉镯子', '名牌包', '购物卡', '茅台', '金条', '耳环', '平板电脑', '几百块钱', '两千块现金', '钱包里的钱', '存钱罐里的钱', '香烟', '护肤品', '银行卡'],
  DAMAGED: ['电视', '花瓶', '木地板', '真皮沙发', '羊绒大衣', '洗衣机', '冰箱', '实木餐桌', '大理石台面', '红木柜子', '真丝被套', '鱼缸', '扫地机器人', '名牌包', '羽绒服', '相框', '茶具', '玻璃门', '油画', '西装', '婴儿车', '烤箱'],
  BROKEN: ['摔碎了', '泡坏了', '洗得发白了', '刮花了', '烫了个洞', '泡变形了', '弄坏了', '洗缩水了', '掉色了', '裂了', '不转了', '烧坏了', '染色了', '划了好几道', '磕掉一块', '报废了', '起鼓了', '碎了一地'],
  WHEN: ['今天', '昨天', '上午', '前天', '刚才', '这周', '上周', '早上', '晚上', '周末', '前几天', '那天', '下午'],
  DISTRICT: ['朝阳', '海淀', '丰台', '通州', '昌平', '大兴', '顺义', '锦江区', '武侯区', '成华区', '浦东', '闵行', '天河', '南山', '江北', '渝中', '西湖区', '鼓楼', '雁塔', '高新区'],
  DATE: ['下周一', '下个月', '明天', '月底', '15号', '过完年', '后天', '周末', '下礼拜', '三月份', '国庆后', '这周六', '下下周'],
  FAMILY: ['一家三口', '家里四口人', '两个老人', '老两口', '我跟我老公', '三个孩子', '我一个人'],
  CHORE: ['做饭', '打扫卫生', '接送孩子', '洗衣服', '带孩子', '照顾老人', '买菜做饭', '辅导作业', '遛狗', '擦窗户'],
  ATTITUDE: ['态度很差', '说话很冲', '爱答不理', '一直玩手机', '当着我的面骂人', '嫌这嫌那', '跟我吵架', '摔门走了', '一点耐心都没有', '甩脸色', '阴阳怪气的', '骂骂咧咧'],
  QUALITY: ['地没拖干净', '厨房油污还在', '卫生间根本没刷', '窗户上全是印子', '饭菜难吃', '衣服没洗干净', '床底下都是灰', '马马虎虎应付', '活干一半就走', '做事拖拉', '桌子擦得黏糊糊的', '垃圾都没倒'],
  LATE: ['迟到了一个小时', '又迟到了', '到点了人还没来', '每次都晚半小时', '提前一个小时就走了', '放我鸽子', '说好九点十点半才到', '没打招呼就没来'],
  MONEY: ['钱', '费用', '押金', '服务费', '中介费', '剩下的钱', '多收的钱', '管理费'],
  CHANGE_TIME: ['改到周六', '换到下午', '往后推两天', '提前到早上八点', '改到下周', '挪到周日上午', '改成晚上来'],
  FINE: ['擦干净了', '收拾好了', '整理好了', '洗干净了', '晾好了', '摆好了', '放回原处了', '清理了一遍', '擦得锃亮', '归置整齐了', '保养了一下', '除了灰'],
  DONE: ['衣服洗了', '地拖了', '碗刷了', '被子晒了', '窗户擦了', '冰箱收拾了', '菜买回来了', '垃圾倒了', '床单换了', '饭做好了', '玩具收好了', '衣服熨了'],
  EMOJI: ['😡', '😭', '🙏', '😊', '👍', '😤', '💢', '😢', '🤬', '😓', '🥺', '👌'],
};

/** Templates by label. {X} is filled from FILLERS; a template may carry its own harm. */
export interface Template { intent: ModelIntent; harm?: Harm; t: string[] }

export const TEMPLATES: Template[] = [
  // ── leads: someone wants a service ──
  { intent: 'inquiry', t: [
    '想找个{SERVICE}', '我想请个{SERVICE}，{DATE}开始', '{DISTRICT}这边有{SERVICE}吗', '家里{FAMILY}，需要个{SERVICE}', '有没有{SERVICE}推荐一个',
    '需要一个会{CHORE}的阿姨', '{ELDER}年纪大了，想找人{CHORE}', '预产期{DATE}，想订{SERVICE}', '帮我安排个{SERVICE}吧，{DISTRICT}的', '你们能派个{SERVICE}来吗',
    '找阿姨，主要{CHORE}和{CHORE}', '我要预约{SERVICE}', '{DATE}想约一次{SERVICE}', '家里刚装修完要做{SERVICE}', '有{SERVICE}不？价格合适就定',
    '想给{ELDER}找个{SERVICE}，白天照看就行', '{KID}刚出生，需要个{SERVICE}', '想约个阿姨每周来两次{CHORE}', '住{DISTRICT}，想找{SERVICE}，越快越好', '我们家要个{SERVICE}，要求干净利索',
    '啥时候能给我派个{SERVICE}', '整个{SERVICE}来我家', '咋个预约{SERVICE}嘛', '要个{SERVICE}，{FAMILY}', '请问现在还能约{DATE}的{SERVICE}吗',
    '我{ELDER}刚做完手术出院，要找个{SERVICE}照顾', '{ELDER}摔了一跤骨折了，想找个护工照顾', '老人中风了需要人照顾，有{SERVICE}吗', '孩子上学了要个接送的阿姨', '朋友介绍的，想找个{SERVICE}',
    '我们小区好几家都用你们的，我也想约个{SERVICE}', '有会做饭的阿姨吗 要会做{DISTRICT}菜', '想要个{SERVICE} 电话13912345678', '我姓王，{DISTRICT}，要个{SERVICE}', '能不能{DATE}上门做个{SERVICE}',
    'book一个{SERVICE}', '需要{SERVICE} asap', '家里有宠物，想找个不怕狗的{SERVICE}', '要个长期的{SERVICE}，最好四十岁左右', '找个{SERVICE}，有经验的',
  ] },
  // ── complaints that hurt a person ──
  { intent: 'complaint', harm: 'person', t: [
    '{STAFF}带{KID}的时候{KID}{HOW_HURT}，现在{INJURY}', '{KID}{BODY}上{INJURY}，问了才知道是{STAFF}弄的', '{STAFF}把{KID}{HOW_HURT}', '{ELDER}{HOW_HURT}，{STAFF}当时就在旁边玩手机',
    '{WHEN}{STAFF}给{ELDER}洗澡水太烫，{BODY}{INJURY}', '{STAFF}没看住，{KID}从沙发上掉下来{INJURY}', '监控看到{STAFF}打{KID}，{BODY}都{INJURY}', '{ELDER}{BODY}{INJURY}，{STAFF}一句话都没说',
    '你们的{STAFF}推了{ELDER}一把，人摔了{INJURY}', '{KID}{BODY}一块块青紫，怀疑{STAFF}掐的', '{STAFF}喂饭太急{KID}噎着了送医院', '{STAFF}给{KID}吃了过敏的东西，浑身起疹子住院了',
    '{WHEN}{STAFF}拖完地没擦干，{ELDER}滑倒{INJURY}', '{STAFF}做饭热油溅到{KID}{BODY}，{INJURY}', '{STAFF}用热水袋把{ELDER}{BODY}烫出水泡', '{ELDER}在{STAFF}看护下{HOW_HURT}，{INJURY}，你们怎么解释',
    '{STAFF}打孩子！！！{KID}{BODY}{INJURY}', '{STAFF}骂{ELDER}还动手，{BODY}都有印子', '{KID}半夜哭，{STAFF}捂着嘴不让哭', '{STAFF}把{ELDER}一个人锁家里，{ELDER}{HOW_HURT}',
    '{STAFF}抱着{KID}摔了一跤，{KID}{INJURY}', '{ELDER}跟我说{STAFF}拧他{BODY}', '{STAFF}给{KID}洗澡没试水温，{INJURY}', '{STAFF}喂错药，{ELDER}{INJURY}',
    '{STAFF}开车接孩子出了事故，{KID}{INJURY}', '我{WHEN}回家发现{KID}{BODY}{INJURY}，{STAFF}说不知道', '{STAFF}让{KID}一个人在阳台玩，{KID}{HOW_HURT}', '{STAFF}扶{ELDER}没扶稳，{ELDER}{INJURY}',
  ] },
  // ── complaints about property: theft, loss, damage ──
  { intent: 'complaint', harm: 'property', t: [
    '家里的{VALUABLE}不见了，就{STAFF}来过', '{STAFF}走了以后发现{VALUABLE}少了', '我怀疑{STAFF}拿了我的{VALUABLE}', '{VALUABLE}找不到了，{STAFF}在的那几天丢的',
    '{STAFF}把我的{DAMAGED}{BROKEN}', '{WHEN}{STAFF}打扫的时候把{DAMAGED}{BROKEN}', '{DAMAGED}被{STAFF}{BROKEN}，这个很贵的', '{STAFF}用错了清洁剂，{DAMAGED}{BROKEN}',
    '{STAFF}拿{DAMAGED}去洗，结果{BROKEN}', '钱包里少了钱，只有{STAFF}进过卧室', '{STAFF}偷偷用我的卡买东西', '监控拍到{STAFF}把{VALUABLE}装进自己包里',
    '{STAFF}手脚不干净，{VALUABLE}都没了', '{STAFF}擦{DAMAGED}的时候{BROKEN}，也不跟我说', '{STAFF}走的时候把我家{VALUABLE}带走了', '柜子里的{VALUABLE}少了好几样，{STAFF}说没动过',
    '{STAFF}拖地水太多，{DAMAGED}{BROKEN}', '{STAFF}用钢丝球擦{DAMAGED}，全{BROKEN}', '{STAFF}把{DAMAGED}碰倒了，{BROKEN}', '{STAFF}把衣服全丢进洗衣机，{DAMAGED}{BROKEN}',
    '{STAFF}忘了关水龙头，楼下都淹了，{DAMAGED}{BROKEN}', '{STAFF}偷吃偷拿，{VALUABLE}也不见了', '{STAFF}拿走了我的{VALUABLE}，要报警', '{STAFF}把{DAMAGED}搞坏了还藏起来',
    '{STAFF}走后{VALUABLE}没了，我要报警了', '{STAFF}把我家{DAMAGED}{BROKEN}，要你们赔', '{WHEN}发现少了{VALUABLE}，{STAFF}说没见过', '{STAFF}洗{DAMAGED}用了漂白水，{BROKEN}',
  ] },
  // ── complaints without harm ──
  { intent: 'complaint', harm: 'none', t: [
    '{STAFF}{ATTITUDE}', '{STAFF}{QUALITY}', '{STAFF}{LATE}', '{STAFF}{ATTITUDE}，我很不满意', '我要投诉{STAFF}，{ATTITUDE}',
    '{WHEN}来的{STAFF}{QUALITY}，这钱花得冤', '{STAFF}{LATE}，耽误我上班', '投诉，{STAFF}{QUALITY}', '你们服务太差了，{STAFF}{QUALITY}', '{STAFF}{ATTITUDE}，还{QUALITY}',
    '{STAFF}做事太马虎，{QUALITY}', '{STAFF}天天{ATTITUDE}，受不了', '对{STAFF}非常不满，{LATE}', '什么服务啊，{QUALITY}', '你们的{STAFF}{ATTITUDE}，有没有人管',
    '{STAFF}在我家打私人电话一打就是一个小时', '{STAFF}老是偷懒，{QUALITY}', '太失望了，{STAFF}{QUALITY}', '{STAFF}不按我说的做，{QUALITY}', '{STAFF}和我{ELDER}吵架，{ATTITUDE}',
    '顾问承诺的事都没做到，电话也不回', '说好的服务内容都没做，{QUALITY}', '{STAFF}带{KID}出去不跟我说一声', '{STAFF}做的饭{KID}一口不吃，{QUALITY}', '{STAFF}一进门就抱怨，{ATTITUDE}',
    '{STAFF}嫌活多，{ATTITUDE}', '约的{SERVICE}{LATE}，电话也不接', '差评，{STAFF}{QUALITY}', '{STAFF}当着{KID}的面抽烟', '{STAFF}每天看剧，{QUALITY}',
  ] },
  // ── service requests, by kind ──
  { intent: 'sr_replacement', t: [
    '想换个{STAFF}', '这个{STAFF}不合适，给我换一个', '能不能换人，{STAFF}跟我们合不来', '麻烦换个{STAFF}，{KID}不喜欢她', '申请更换{STAFF}',
    '{STAFF}做饭口味不合，想换个会做饭的', '换阿姨要怎么弄，现在这个不太行', '帮我重新匹配一个{STAFF}', '我想换掉现在的{STAFF}', '{STAFF}年纪太大了，能换个年轻点的吗',
    '孩子大了，想把月嫂换成育儿嫂', '换人换人，这个不要了', '给我换个有经验的{STAFF}', '能换个会照顾{ELDER}的人吗', '现在的阿姨要走了，给我再派一个',
  ] },
  { intent: 'sr_on_site', t: [
    '麻烦派个人上门看看', '能不能派人来一趟，{STAFF}这边有点问题', '请门店的人上门处理一下', '家里洗衣机漏水，派个师傅来看看', '需要你们的人来家里当面谈',
    '派个督导来看一下{STAFF}的工作', '你们来个人到我家吧，说不清楚', '请安排人{DATE}上门', '让管理阿姨的负责人来一趟', '能上门看一下吗，情况比较复杂',
  ] },
  { intent: 'sr_refund', t: [
    '我要退款', '不用了，把{MONEY}退给我', '申请退{MONEY}', '服务没做完，剩下的{MONEY}退回来', '合同不续了，{MONEY}怎么退',
    '多收了我{MONEY}，退一下', '退钱！服务太差了不要了', '不满意，要求全额退款', '押金什么时候退', '退掉剩下的课时费',
    '没上几天就不做了，{MONEY}退我', 'refund，谢谢', '帮我办一下退费', '{STAFF}走了，{MONEY}按天退给我', '把管理费退了吧',
  ] },
  { intent: 'sr_leave_cover', t: [
    '{STAFF}要请假几天，找个人替一下', '{STAFF}{DATE}回老家，这几天有人顶班吗', '阿姨休假期间能安排替班吗', '保姆过年放假，要个临时的', '{STAFF}生病请假了，派个人来顶几天',
    '{STAFF}家里有事走一个礼拜，这期间谁来', '阿姨请假了，孩子没人带，能先派个人吗', '找个替班的，{DATE}到下周', '阿姨休息那天能不能有人来', '阿姨回家奔丧，请安排替班',
  ] },
  { intent: 'sr_redo', t: [
    '没打扫干净，让{STAFF}回来重新弄', '{QUALITY}，麻烦返工', '厨房没弄好，再来一次', '请{STAFF}回来把卫生间重新打扫', '擦得不干净，要求重做',
    '{WHEN}的保洁不合格，安排再来一遍', '窗户还是脏的，再来擦一遍', '油烟机没洗干净，回来返工', '地毯没清理好，重新来弄一下', '{QUALITY}，让她回来补做',
  ] },
  { intent: 'sr_change', t: [
    '{DATE}的保洁能{CHANGE_TIME}吗', '阿姨上门时间想{CHANGE_TIME}', '我们搬家了，以后去新地址，在{DISTRICT}', '服务地址换了，改到{DISTRICT}', '{DATE}出差，{STAFF}先停一个月',
    '钟点工暂停两周，回来再继续', '每周两次改成三次', '能把服务时间改一下吗，{CHANGE_TIME}', '下周不用来了，再下周照常', '想把白班改成住家',
    '{SERVICE}的服务先暂停一下', '改一下上门时间，{CHANGE_TIME}', '原来约的{DATE}改成{DATE}', '阿姨的工作时间能不能调一下', '地址写错了，应该是{DISTRICT}那边',
    '家里装修，服务先停一阵子', '想减少次数，一周一次就够了', '临时有事，今天别来了，改天', '服务内容加一项{CHORE}', '把做饭去掉，只要打扫',
  ] },
  // ── the customer's own case ──
  { intent: 'status_query', t: [
    '我的投诉处理得怎么样了', '之前说的事有结果了吗', '工单到哪一步了', '退款到账了吗', '上次反映的问题怎么还没人联系我',
    '查进度', '我那个预约安排好了没', '换阿姨那件事怎么样了', '说好回电话的，怎么还没回', '都三天了，我的事到底管不管',
    '帮我查一下工单进展', '退的钱什么时候到', '顾问说今天给答复，到现在也没有', '上门的师傅到底什么时候来', '我的事情处理到哪了',
    '之前丢东西的事警察那边有消息吗', '赔偿的事怎么说', '投诉都一个礼拜了还没处理完', '月嫂定下来了吗', '我申请的替班安排了没',
  ] },
  { intent: 'renewal', t: [
    '合同快到期了，想续签', '阿姨挺好的，继续用她，续一年', '续约怎么办理', '想再续半年', '合同{DATE}到期，要续',
    '续签有优惠吗', '我们打算续签，还是这个{STAFF}', '到期了接着签', '服务期满了想延期', '续费一年多少钱',
    '明年还用你们，续合同', '想续签但换个阿姨', '合同续一下', '延长三个月服务', '帮我续约',
  ] },
  { intent: 'human', t: [
    '转人工', '人工客服', '我要找真人', '别让机器人回答了', '叫你们经理出来',
    '能不能让客服打电话给我', '找你们负责人', '我要跟人说话', '人工人工', '接客服',
    '你是机器人吧，换个人来', '打字说不清，让人联系我', '有没有活人', '找店长', 'customer service please',
  ] },
  { intent: 'faq', t: [
    '{SERVICE}多少钱一个月', '{SERVICE}怎么收费', '你们的阿姨有健康证吗', '阿姨都做过背景调查吗', '签合同需要什么材料',
    '预约流程是什么', '你们门店在哪', '{SERVICE}一般做哪些事', '住家保姆一个月休几天', '不满意可以换几次',
    '{SERVICE}是按小时算吗', '保险有没有', '阿姨出了事谁负责', '你们营业时间是几点', '{SERVICE}包不包{CHORE}',
    '中介费怎么算', '可以先试用几天吗', '{SERVICE}的价格是多少', '你们有培训吗', '怎么联系你们',
    '阿姨是持证上岗的吗', '过年期间价格会涨吗', '{SERVICE}和{SERVICE}有什么区别', '服务范围包括{DISTRICT}吗', '合同一般签多久',
  ] },
  { intent: 'greeting', t: [
    '你好', '您好', '在吗', '在不在', '有人吗', '谢谢', '好的谢谢', '辛苦了', '早上好', '哈喽', '嗯嗯好的', '收到', '好滴', 'thx', 'hello', '晚安', '麻烦了', '谢谢你们', 'OK', '知道了',
  ] },
  { intent: 'cancel', t: [
    '取消预约', '不用了', '算了不要了', '先不找了', '已经找到了，不用了', '预约取消吧', '不需要了谢谢', '那个预约不要了', '先这样吧，不弄了', '刚才说的不算，取消',
  ] },
  { intent: 'survey', t: [
    '5分', '打4分吧', '非常满意', '满意', '⭐⭐⭐⭐⭐', '十分满意', '3分吧，一般', '还行，4分', '5分，阿姨很好', '给五星',
    '评分5', '一般般', '挺满意的', '五分五分', '4', '5', '还可以吧', '满意，谢谢', '非常好', '很满意 阿姨很勤快',
  ] },
  // ── everyday remarks and chatter: nothing to do, nothing wrong (answered as not understood) ──
  { intent: 'other', t: [
    '{STAFF}今天带{KID}去楼下玩了', '{STAFF}把饭做好了', '{STAFF}{WHEN}回老家了', '{STAFF}说明天九点到', '{STAFF}给{KID}洗完澡了',
    '{STAFF}做的红烧肉{ELDER}很爱吃', '{STAFF}人挺好的，{KID}很喜欢她', '{STAFF}把衣服都叠好了', '{STAFF}陪{ELDER}去公园散步了', '{STAFF}在厨房忙着呢',
    '{KID}今天睡得很早', '{ELDER}最近胃口不错', '{STAFF}的儿子考上大学了', '{STAFF}今天穿得挺精神', '{STAFF}把{KID}哄睡了',
    '今天天气不错', '哈哈哈哈', '测试一下', '你是机器人吗', '随便看看',
    '刚到家', '孩子放学了', '我在开会，晚点说', '发错了', '嗯',
    '{STAFF}买菜回来了', '{STAFF}说{KID}今天很乖', '{STAFF}教{KID}认字了', '我老公说{STAFF}做饭好吃', '{STAFF}下午要去接{KID}',
    '{STAFF}帮我把{DONE}', '{STAFF}已经把{DONE}', '{DONE}，{STAFF}刚走', '{STAFF}说{DONE}', '{STAFF}上午把{DONE}，下午陪{ELDER}',
    '{STAFF}的事', '关于{STAFF}', '家里的{STAFF}', '{STAFF}那个事儿', '说一下{STAFF}', '{SERVICE}的事情',
    '{STAFF}把{DAMAGED}{FINE}', '{STAFF}今天把{DAMAGED}{FINE}，挺仔细的', '{DAMAGED}{STAFF}已经{FINE}', '{STAFF}帮我把{DAMAGED}{FINE}',
    '{STAFF}带{KID}去打疫苗了', '{KID}有点咳嗽，{STAFF}煮了梨水', '{ELDER}今天去医院复查，{STAFF}陪着去的', '{STAFF}给{ELDER}按摩了{BODY}',
    '{STAFF}给{KID}剪了指甲', '{ELDER}{BODY}有点酸，{STAFF}给热敷了一下', '{KID}今天有点发烧，{STAFF}一直在旁边照顾', '{STAFF}提醒{ELDER}按时吃药',
    '{KID}脸上长了点湿疹，{STAFF}给涂了药膏', '{ELDER}今天量了血压，挺正常', '{STAFF}把阳台的花浇了', '{STAFF}提醒我明天要交水费', '{STAFF}帮忙取了快递',
  ] },
];

/** Compound messages: a complaint and a booking or a question in one; the complaint leads. */
export const COMPOUNDS: { intent: ModelIntent; harm: Harm; first: string; second: string }[] = [
  { intent: 'complaint', harm: 'none', first: '{STAFF}{ATTITUDE}', second: '另外我还想再约个{SERVICE}' },
  { intent: 'complaint', harm: 'none', first: '{STAFF}{QUALITY}', second: '顺便问下{SERVICE}多少钱' },
  { intent: 'complaint', harm: 'person', first: '{KID}{BODY}{INJURY}，是{STAFF}弄的', second: '我要换人' },
  { intent: 'complaint', harm: 'property', first: '{STAFF}把{DAMAGED}{BROKEN}', second: '下周的保洁还来不来' },
  { intent: 'complaint', harm: 'property', first: '{VALUABLE}不见了', second: '这个阿姨我不要了，退钱' },
  { intent: 'complaint', harm: 'none', first: '{STAFF}{LATE}', second: '明天能不能准时' },
];
