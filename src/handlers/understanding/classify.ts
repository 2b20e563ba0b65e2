/**
 * Understanding a customer's free text (R-IN-3, R-CP-1, R-AS-1) without any external AI service:
 * normalisation, a lexicon of weighted cues, negation / hypothetical handling, a small scorer
 * and a routing policy, plus slot extraction (phone, name, district, address, service type,
 * start date) and the two dialogue parsers (survey answers, yes/no).
 *
 * Policy in one place (see `decideMain`):
 *  1. A question about the progress of an existing case (进度/有结果了吗/到账了吗…) is a
 *     status_query, even when it mentions the complaint it is about; the complaint stays in `also`.
 *  2. Otherwise any expression of dissatisfaction (a complaint cue) makes the message a complaint;
 *     the remedy the customer asks for (换人/退款…) and any question go to `also`. One exception:
 *     poor work plus a redo request ("没打扫干净，回来重新打扫") is a redo service_request.
 *     And an injury that names no housekeeper inside a request for care ("我爸摔骨折了，想找个
 *     护工") is the reason for the lead: inquiry, with the complaint kept in `also`.
 *  3. Otherwise an intent about the customer's own case (service request, renewal, status, human)
 *     outranks a lead or a general question; among those, and then among inquiry / faq / cancel,
 *     the best-scored wins (ties: the order in PRIORITY).
 *  4. Greeting is the main intent only when nothing else is present; cancel competes with
 *     inquiry and faq on score ("取消预约" is a cancel). Neither is ever listed in `also`
 *     ("你好，我想找月嫂" is an inquiry, not a greeting plus an inquiry).
 *  5. A message no cue understood that names the housekeeper with a person, a belonging or a
 *     negative word falls into a safety net (`safetyNet`): a complaint, serious when a person,
 *     body part, pet or belonging is named.
 *  6. Severity is 'serious' as soon as one serious cue (theft, loss, damage, injury, police) is
 *     present and not negated — a missed theft or injury is the worst outcome, so doubt goes to
 *     serious and staff can downgrade it (R-CP-1: "the bot proposes the severity").
 *  English: only a few unmistakable words are understood (complaint, theft/injury/police,
 *  human/help, hi/hello/thanks); any other English text is 'unknown' so it goes to a person.
 */
import * as chrono from 'chrono-node';
import * as OpenCC from 'opencc-js';

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
}

const DEFAULT_TZ = 'Asia/Shanghai';
/** Longer messages are cut before matching: nothing useful hides after 4,000 characters. */
const MAX_CHARS = 4000;

// ───────────────────────────── normalisation ─────────────────────────────

const toSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });

/** NFKC turns full-width letters, digits and punctuation into ASCII; OpenCC turns 繁體 into 简体. */
export function normalize(text: string): string {
  const s = (text ?? '').slice(0, MAX_CHARS).normalize('NFKC');
  return toSimplified(s).replace(/\s+/g, ' ').trim();
}

// ───────────────────────────── the lexicon ─────────────────────────────

/** Word classes spliced into the patterns below as {NAME}. */
const CLASSES: Record<string, string> = {
  // the housekeeper, however the customer writes it (啊姨 and 保母 are frequent typos)
  STAFF: '(?:阿姨|啊姨|保姆|保母|月嫂|月稍|育儿嫂|育婴嫂|育婴师|钟点工|钟点功|小时工|护工|保洁|师傅|家政员|她)',
  // valuables and money whose disappearance is a theft/loss report
  VAL: '(?:钱|现金|存款|金饰|名表|名牌|存钱罐|鱼缸|块|元|美金|美元|港币|外币|欧元|压岁钱|红包|卡|微信|支付宝|首饰|项链|手链|戒指|钻戒|手镯|镯子|耳环|耳钉|手表|金表|金条|黄金|金子|金器|银器|包|手机|平板|ipad|电脑|相机|银行卡|钱包|茅台|酒|烟|东西|衣服|化妆品|护肤品|玉|翡翠|珍珠|存折|证件|钥匙)',
  // vulnerable people in the customer's home
  KID: '(?:孩子|宝宝|小孩|娃|婴儿|儿子|女儿|老人|老太太|老爷子|我爸|我妈|奶奶|爷爷|外婆|外公|姥姥|姥爷|父亲|母亲|公公|婆婆|老公|产妇)',
  // body parts, minus their idioms: 顶嘴/插嘴, 手机/手续, 脸色, 背后, 头发
  BODY: '(?:头(?!发)|额头|脸(?!色)|眼睛|鼻子|(?<![顶插多还回])嘴|牙|耳朵|脖子|手(?!机|续|艺|里|工|法|段|脚)|胳膊|手臂|手指|手腕|腿|脚|膝盖|屁股|背(?!后|着)|腰|肚子|身上|皮肤|胸)',
  // harm that needs no further context to be an injury
  HARM: '(?:受伤|弄伤|伤到|伤着|烫伤|烫到|烫着|烫红|烫了|烧伤|摔伤|摔倒|摔(?:了)?(?:一跤|跤)|摔了|摔着|摔到|跌了|跌伤|跌倒|滑倒|绊倒|摔下|掉下|坠落|磕到|磕破|磕伤|磕了|碰伤|撞到|撞伤|夹到|夹伤|夹了|骨折|骨裂|脱臼|扭伤|崴了|流血|出血|缝针|划伤|割伤|咬伤|抓伤|淤青|红印|青紫|肿了|肿得|起包|鼓包|过敏|起疹|呕吐|抽搐|惊厥|溺水|呛水)',
};

interface Cue {
  re: RegExp;
  intent: Intent;
  w: number;
  cat?: ComplaintCategory;
  serious?: boolean;
  kind?: RequestKind;
  topic?: FaqTopic;
  /** A status cue that makes the message a status_query whatever else it says (policy 1). */
  dominant?: boolean;
  /** The cue does not count when its clause matches this (e.g. "多久上门" is a policy question). */
  unlessClause?: RegExp;
  /** The cue does not count when the whole message matches this (see SCHEDULE). */
  unlessText?: RegExp;
}
type CueProps = Omit<Cue, 're' | 'intent' | 'w'>;

function expand(pattern: string): RegExp {
  const src = pattern.replace(/\{(\w+)\}/g, (_, name: string) => CLASSES[name] ?? `{${name}}`);
  return new RegExp(src, 'gi');
}

/** One lexicon row: several phrasings that mean the same thing, with one weight. */
function cues(intent: Intent, w: number, props: CueProps, patterns: string[]): Cue[] {
  return patterns.map((p) => ({ re: expand(p), intent, w, ...props }));
}

/**
 * Serious incidents (R-CP-1 严重投诉: property loss, theft, personal injury). Built on verb roots
 * with their few innocent uses excluded, rather than on fixed compounds: customers write 噎住,
 * 噎着 and 噎到, and a missed injury is the worst outcome.
 */
const SERIOUS_CUES: Cue[] = [
  ...cues('complaint', 3, { cat: 'theft', serious: true }, [
    '偷偷(?:拿|带|藏|装|顺|用|转)|(?<!偷)偷(?![懒偷])', '被盗|盗刷|被刷|刷走|失窃|盗窃|小偷|顺走|顺手牵羊|手脚不干净|私拿|私自拿|被人(?:打开|撬|动|翻)过?',
    '{VAL}.{0,8}(?:不见|找不到|找不着|找不见|丢了|丢失|没了|少了|对不上|不翼而飞|踪影|空了)',
    '用(?:了)?我(?:家)?的.{0,6}(?:付款|付钱|买|转账|支付|下单)|给自己买|密码|偷拍',
    '(?:不见了|丢了|少了|丢失了?)(?:一|两|几|\\d)?.{0,4}{VAL}|少了(?:好)?几(?:件|样|个|条)',
    '(?<!垃圾|走)(?:不见了|弄丢了?|丢了)|找不着了|不翼而飞', '(?:{STAFF}|人).{0,3}拿(?:了|走)|{STAFF}.{0,12}拿(?:走|去|回)|拿.{0,3}回家|拿走了?我|带走了?我|没还回来|不还',
  ]),
  ...cues('complaint', 3, { cat: 'injury', serious: true }, [
    '{HARM}', '(?<![心悲感])伤(?!心|感|脑筋)|(?<!熨)烫(?!衣|发|头)|噎|呛|(?<!刷)抓(?:痕|伤|破|出)|掐|拧|踢|踹|拽|扯着|摇晃|使劲摇|捂(?:住|着)?嘴',
    '{BODY}(?:上|都|也)?.{0,4}(?:破|肿|红|青|紫|伤|疼|痛|流血|包|印)', '(?<!吐)吐(?!槽)|泻|腹泻|发烧|发高烧|滑了?一跤|滑倒|(?<!不)小心摔',
    // hitting or pushing a person (not 打扫, 打电话, 推荐 …)
    '打(?:了)?(?:她|他|人|{KID}|{BODY})|抽(?:了)?(?:他|她|我|{KID}|{BODY})|拿.{0,4}(?:衣架|棍|尺|皮带|鞋|扫把|拖把).{0,3}(?:打|抽)|喂了.{0,8}药|给.{0,6}吃了.{0,6}药|(?:被|挨).{0,4}打(?!扫|电话|车|针|疫苗|折|卡)|扇了|巴掌|推(?:倒|了|搡)',
    '虐待|体罚|动手|窒息|中毒|拉肚子|吃错药|喂错药|送(?:去)?医院|进(?:了)?医院|急诊|救护车|打120|晕倒|昏迷|车祸|出事|意外',
    '咬(?:了|伤|破|到)|{KID}.{0,4}(?:走丢|走失|丢了|不见了|找不到)|走丢了|走失|锁在家|一个人(?:留|丢|扔)在家|关(?:进|在).{0,4}(?:厕所|房间|屋|柜)|恐吓',
    '(?:翻|滚|跌|摔)下(?:来|去)|褥疮|压疮|(?<!收)割(?!草)|切(?:到|了|伤)手',
  ]),
  ...cues('complaint', 3, { cat: 'property_damage', serious: true }, [
    '打碎|摔碎|摔坏|弄坏|搞坏|损坏|打坏|划坏|刮花|划花|烫坏|洗坏|泡坏|起鼓|染色|串色|缩水|烧坏|烧焦|掉色|褪色|变色|结块|起球|变硬|变形|开裂|划痕|刮痕',
    '(?:弄|搞|用|洗|擦|碰|摔|烫|刷|泡|拖)(?:得|的)?.{0,2}(?:坏|裂|碎|花了)|坏了|坏掉|颜色.{0,3}变|进水|泡水',
    '开不了机|不能用了|打翻|弄翻|碰翻|(?:全|都)死了|把(?:我|我们|我家)家?的.{0,10}(?:洗|泡|烫|扔|摔|剪|烧|翻)(?:了|坏|掉|破)|(?:皮|漆|色|毛)(?:都)?(?:被)?(?:刷|擦|洗|磨)?掉了|用不了了|废了|毁了|报废|弄漏|(?:管|管子|水管|暖气|地暖).{0,3}漏|(?:都|全)湿了|放跑|跑丢|着火|失火|起火|熏黑|漏水|淹了|水漫|(?<!嘴.{0,2}|心)碎了|裂了',
  ]),
  ...cues('complaint', 3, { cat: 'other', serious: true }, ['报警|报案|派出所|警察|公安|立案|起诉|律师|法院|(?<!\\d)110(?!\\d)']),
];

/** Ordinary complaints (R-CP-1 普通投诉: attitude and the like, no loss). */
const ORDINARY_CUES: Cue[] = [
  ...cues('complaint', 3, { cat: 'attitude' }, [
    '态度.{0,4}(?:差|不好|恶劣|有问题|不行)|态度这么', '顶嘴|甩脸|摆脸色|脸色难看|翻白眼|不耐烦|爱答不理|爱理不理|一问三不知',
    '骂|吼|凶|吵架|(?:跟|和)(?:我|我们|老人|孩子|我妈|我爸|家里人).{0,2}吵|才肯|不肯|数落|冷言冷语|冷嘲热讽|阴阳怪气|强势|不干了|撂挑子|抽烟|烟味|喝酒|说话.{0,2}(?:冲|难听)|难听|脏话|爆粗口|嫌(?:弃|我|我们)|不尊重|没礼貌|没素质|摔门',
    // grumbling about the job and a sulking face: 嫌活多, 天天抱怨, 脸拉得老长, 板着脸
    '嫌(?:活|累|脏|麻烦|钱少|工资|事多)|抱怨|埋怨|发牢骚|牢骚|脸拉|拉(?:着|长)(?:个)?脸|板着(?:个)?脸|黑着(?:个)?脸',
    '(?:玩|刷|看|抱着)(?:手机|抖音|视频)|偷懒|太懒|很懒|不听(?!说)|嘴.{0,2}碎|坏话|到处说|不高兴|脾气',
    '打(?:很长时间|好长时间|半天|好久|一上午|一下午)的?电话|不做饭|不干活|翻.{0,4}(?:抽屉|柜子|衣柜|包|东西)|吵醒|大声',
  ]),
  ...cues('complaint', 3, { cat: 'lateness' }, [
    '迟到|早退|来晚|晚来|晚到|来迟|提前(?:一个小时|半小时|.{0,4})(?:走|下班|离开)|放鸽子|爽约|不按时|不准时|缺勤|旷工',
    '(?:人|又|还|都|根本)没来|{STAFF}.{0,4}没来|(?:小时|分钟|点)就(?:要|说要)?走|(?<!刚)才(?:到|来)', '(?:经常|老是|总是|动不动就?|又|频繁)请假',
    '不说一声|没打招呼|不打招呼|才说|约(?:了|好的?)[\\d一二三四五六七八九十]+点|快[\\d一二三四五六七八九十]+点了|还没(?:到|来)|说好.{0,4}点|现在(?:都)?[\\d一二三四五六七八九十]+点',
  ]),
  ...cues('complaint', 3, { cat: 'quality' }, [
    '不干净|没(?:打扫|擦|弄|洗|收拾)干净|没(?:打扫|擦|拖)|(?:还是|很|太|好|真|特别|挺)脏|脏兮兮|难吃|不好吃|太咸|太淡|油太多|没法吃|吃不下',
    '不会(?:带孩子|做饭|照顾|做菜|消毒)|根本不会|什么都不会|啥都不会|不专业|没经验|太慢|磨蹭|墨迹|磨叽|看不出来',
    '敷衍|马虎|糊弄|偷工减料|没做完|一塌糊涂|乱七八糟|一团糟|不仔细|不讲卫生|卫生习惯.{0,2}差|不洗手|水印',
    '不起夜|不起来|(?:都|也)不管|(?<!管)不管{KID}|都不(?:行|吃)|(?:做|干|弄|搞|打扫)得.{0,2}(?:差|不好|不行)|跟没做一样',
    '(?:干活|做事|水平|手艺)(?:真的|很|太)?(?:不行|差)|不给{KID}|学不会|都不会|连.{0,6}都不|老是糊|比例.{0,2}不对|还(?:有|是)(?:油|灰|水渍|污渍|头发)|全是灰|都是灰|一层灰',
    '要我(?:再|重新)|我还得|只(?:拖|擦|扫)|就拖|随便(?:擦|拖|扫|弄)|根本没(?:有)?(?:做|洗|擦|打扫|收拾|弄|管)|没(?:有)?味道|不爱吃',
    '(?:全|都)是(?:印子|灰|水印|头发|污渍)|(?:让|给)孩子看|不(?:太)?会(?:带|做|照顾|消毒|护理|煮|烧|洗|打扫|收拾|喂|哄)',
  ]),
  ...cues('complaint', 2, { cat: 'other' }, [
    '投诉(?!(?:部门|电话|热线|渠道|方式|流程|之后|以后|后|的事|有))|投述|投拆|举报|差评',
    '不满意(?!的话|可以|能|就|会|怎么)|很不满|失望|太差|差劲|(?:服务|你们).{0,2}(?:差|烂|垃圾)|什么服务|什么破',
    '垃圾|坑|骗人|骗子|欺骗|忽悠|乱收费|多收|不靠谱|过分|受不了|气死|恶心|新手|很烦|烦死|闹心',
    '没人接|不理人|不负责|没有责任心|(?:就|都)不管了|当初说|现在又说|出尔反尔|说话不算数|(?:我|让人|看着|心里)(?:很)?不舒服|不回(?:消息|复|电话)|不接电话|电话也不接|差(?:太|得|很)?远|还收|(?:没有|没)(?:一点)?售后|售后都没|到底(?:还)?管不管|没人管|没做到|说话不算话|不守信|不经(?:过)?同意|私自|一拖再拖',
    '(?:说|承诺|介绍|简历|讲|宣传|广告)的.{0,8}(?:不一样|两样|不符|差)',
    // a broken promise: "说好一周内安排面试，到现在都半个月了", "答应的…结果…"
    '(?:说好|答应|承诺)(?:了|的)?.{0,16}(?:到现在|结果|可是|但是|却|都.{1,4}(?:天|周|星期|个?月)了)', '带.{0,4}(?:孙子|孙女|孩子|亲戚|朋友|老乡).{0,3}来我家',
  ]),
];

/** A recurring schedule (一周三次, 每次两小时, 每天下午) describes a new regular service. */
const SCHEDULE = /(?:一周|每周|一个?星期|每星期|每天|每次|一天)(?:[\d一两二三四五六七八九十半]+(?:次|个?小时|天)|[一二三四五六日末])/;

const REQUEST_CUES: Cue[] = [
  ...cues('service_request', 3, { kind: 'replacement', unlessClause: /收费|费用|多少钱|要钱|几次|流程|手续/ }, [
    '换(?:{STAFF}|人|女的|男的)', '换(?:个|一个|一位|掉)(?!时间|地址|号码|电话|手机|方式|办法|说法)',
    '更换|换成', '重新(?:给我)?(?:安排|派|找|换)(?:个|一个)?(?:{STAFF}|人)', '再(?:找|安排|派)(?:一个|个)', '不要(?:这个|她)(?:{STAFF})?了',
  ]),
  // "钟点工一周三次，每次两小时，能派人吗" asks for a new regular service, not a visit about a case
  ...cues('service_request', 3, { kind: 'on_site', unlessClause: /多久|多长时间|几个?小时/, unlessText: SCHEDULE }, ['派(?:个|一个)?人']),
  ...cues('service_request', 3, { kind: 'on_site', unlessClause: /多久|多长时间|几个?小时/ }, [
    // a visit to look, sort things out, or train/instruct the housekeeper on the spot
    '上门.{0,4}(?:看|处理|沟通|了解|一趟|回访|查看|核实|培训|指导|教)', '(?:来|过来)(?:家里|我家)?(?:看看|一趟|看一下)',
    '来家里|来我家', '当面(?:聊|谈|沟通|说)',
  ]),
  ...cues('service_request', 3, { kind: 'refund' }, [
    '退(?:款|钱|费|押金|回|给我|一下|掉)|(?:钱|费|款)退|剩下的(?:钱|费)|把钱|怎么退|要退|申请退',
  ]),
  // cover while the current housekeeper is away: a substitute word, or absence plus "临时/替/顶"
  ...cues('service_request', 4, { kind: 'leave_cover' }, [
    '(?:请假|休假|有事|回老家|回家|生病|不在|走一周|走几天).{0,16}(?:临时|替|顶)',
  ]),
  ...cues('service_request', 3, { kind: 'leave_cover' }, ['替班|顶班|代班|顶(?:一下|几天)|替(?:几天|一下)|(?:找|有)人替']),
  ...cues('service_request', 2, { kind: 'leave_cover' }, ['请假|休假|休息那天']),
  ...cues('service_request', 3, { kind: 'redo' }, [
    '返工|重做|补做|重新(?:打扫|做|弄|收拾|擦|洗|清洁)', '再来.{0,2}(?:擦|扫|打扫|收拾|弄)一(?:遍|次|下)|再(?:擦|扫|打扫|收拾)一遍',
    '回来(?:重新)?(?:弄|打扫|收拾|擦|补|做完|做好)',
  ]),
];

const STATUS_CUES: Cue[] = [
  ...cues('status_query', 3, { dominant: true }, [
    '(?:处理|进展|安排|弄|办|商量|沟通|谈)(?:得|的)?(?:怎么样|如何|好了?没|到哪)|进度|进展',
    '有(?:结果|消息|回复|回音|答复|着落)了?(?:吗|没)|还没(?:有)?消息|到哪(?:一)?步|谁在跟进|(?:找|安排|办|弄)好了(?:吗|没)|找到了吗',
    '什么时候(?:能|可以)?(?:到账|安排好|到岗|有结果|处理好)|到账|审核|确认了(?:吗|没)|(?:什么|啥)情况了|(?:现在|目前)(?:是)?(?:什么|啥)情况',
    '工单|我的(?:订单|单子)|下一步|人呢|发(?:给我)?了(?:吗|没)|查(?:一)?下|查询|怎么还没(?:有)?(?:人|消息|结果|回复|处理|联系|到账)|钱还没|还没(?:到账|收到|退)|还来(?:吗|不来)|还过来吗',
    '批(?:下来|了|准)了?(?:吗|没)|通过了(?:吗|没)|怎么还没人处理|有人(?:在)?(?:处理|跟进)(?:吗|没)|处理了(?:吗|没)|定(?:下来)?了(?:吗|没)|到哪了|查查',
    '的事(?:情)?.{0,8}(?:什么时候|怎么样|如何)',
  ]),
  ...cues('status_query', 2, {}, [
    '(?:上次|之前|上周|前天|昨天|刚才)(?:说|答应|约|讲|申请|提交|报|反映).{0,6}的', '我(?:预约|申请|提交)的|提交的',
    '说.{0,8}(?:回电话|联系我|回复)', '(?:现在|到现在)(?:都|也|还)', '都.{1,3}天了', '没人(?:联系|理|管|回)|没有人联系',
    '什么时候(?:来|到)|定在哪|能到吗|申请已经|已经.{0,3}(?:天|周|星期|个月)了',
  ]),
];

const OTHER_CUES: Cue[] = [
  ...cues('renewal', 3, {}, [
    '续签|续约|续费|续(?:一|两|半|几|\\d)个?(?:年|月|周|星期|天)|再续|续合同|续一下|想续|要续|打算续|重新签|再签(?:合同)?[一两半]|继续签|接着用|继续用|不续了',
    '合同.{0,6}(?:到期|延长|延期|顺延)|到期.{0,4}(?:续|签)|延长|延期',
    // a prepaid package used up and bought again: "次卡用完了，再买十次"
    '(?:次卡|套餐|课时|次数|会员卡?)(?:的)?.{0,4}(?:用完|用光|快用完|快到期)|(?:再|继续|还要)(?:买|充|订|包)[\d一两二三四五六七八九十几半]+(?:次|个?月|年|周|个?小时)',
  ]),
  ...cues('human', 3, {}, [
    '人工|真人|活人|(?<!扫地)机器人|找客服|(?:和|跟)客服|接通|转接|(?:跟|和)人说话|自动回复',
    '(?:经理|店长|领导|负责人|主管|顾问|客服|专员).{0,6}(?:联系我|打.{0,2}电话|回电|来跟我|跟我说|通(?:个)?(?:电)?话)',
    '(?:叫|找|让)你们的?(?:经理|店长|领导|负责人|主管)', '找人(?!照顾|带|做|打扫|把|替|顶|帮|来|过来|上门|陪|看|收拾|擦|洗)',
  ]).map((c) => ({ ...c, unlessClause: /说.{0,4}给我(?:回|打)/ })),
  // "找保姆的流程是怎样的" asks how finding one works (faq process), not for one
  ...cues('inquiry', 3, { unlessClause: /的(?:流程|手续|步骤)/ }, [
    '想找|要找|找(?:个|一个|一位)|想约|约(?:个|一个|一位)|约到|能约|头胎|二胎|求(?:个|一个|一位|推荐)|请人(?!工)|想请|要请|请(?:个|一个|一位)|帮我(?:找|安排|推荐)|推荐|介绍(?:个|一个|一位)|想做(?:个|一次)',
    '需要.{0,12}(?:{STAFF}|陪护|陪床)|需要(?:有)?人|需要.{0,6}(?:擦|打扫|保洁|清洗|做饭|开荒|除)|需要(?:人)?带(?:孩子|娃|宝宝)|要(?:一个|个|一位).{0,8}{STAFF}|需要.{0,6}照顾|找.{0,4}{STAFF}|预产期|想订|订(?:个|一个|一次)|得找',
    // "需要24小时有人看着", "得有人陪着": a need for care without naming the service
    '(?:需要|得|要).{0,8}有人(?:看着|照顾|陪|守着|管着|帮忙)',
    '急需|想要(?:个|一个)|想咨询|了解.{0,8}服务|怀孕|怀二胎|要生了|(?:月|月份|下个?月|底|初|中旬)生|忙不过来|想给.{0,6}(?:请|找)|还有档期',
  ]),
  ...cues('inquiry', 3, {}, ['有.{0,10}的{STAFF}吗']),
  // a household description is a concrete need
  ...cues('inquiry', 1, {}, ['一家[三四五六七]口|[三四五六七]口人']),
  ...cues('inquiry', 2, {}, ['有没有.{0,16}{STAFF}|能不能.{0,8}来|{STAFF}.{0,4}有吗|有{STAFF}吗', '(?:能|可以)(?:来|安排).{0,10}吗|能安排|就要|找阿姨']),
  // "预约的保洁取消吧" refers to an existing booking
  ...cues('inquiry', 2, { unlessClause: /取消/ }, ['预约(?!的)']),
  ...cues('inquiry', 2, {}, [SCHEDULE.source]),
];

const FAQ_CUES: Cue[] = [
  ...cues('faq', 3, { topic: 'scope' }, [
    '(?:做|管|干|负责|包括)哪些|都(?:做|管|干)(?:什么|啥)|管不管|负不负责|包不包|包括.{0,8}吗|服务范围|服务内容|工作内容',
    '(?:需要|会|能|可以)(?:帮忙)?(?:做|擦|洗|带|管).{0,8}吗|这项服务|这个服务|这种服务|覆盖|服务时间|休息几天|休息时间|放假|几点到几点|带.{0,4}睡吗',
    // who brings the tools and cleaning products
    '自带|(?:清洁)?(?:工具|用品|清洁剂|抹布).{0,6}(?:吗|谁|自己|准备)',
  ]),
  ...cues('faq', 2, { topic: 'scope' }, ['你们这?(?:有没有|有)|{STAFF}(?:能|会|可以|管|负责|需要|要).{0,8}吗|接不接|做不做']),
  ...cues('faq', 2, { topic: 'price' }, [
    '多少钱|价格|价位|价钱|收费|费用|怎么收|怎么算|工资|报价|贵不贵|便宜|什么价|最少|起步|起订|按平米|翻倍|中介费|加钱|涨价|行情|市场价|优惠|扣钱|扣工资|扣费|定金',
  ]),
  ...cues('faq', 3, { topic: 'commitment' }, [
    '保障|保证|承诺|保险(?!柜|箱)|背景调查|背调|健康证|体检|资质|培训|考核|持证|证书|(?:护理|资格|上岗|等级|育婴师)证|售后(?!.{0,2}电话)|规定|无理由|管理|措施|制度|介意|监控|补偿|测评|评估|审核',
    '(?:能|可以)(?:免费)?(?:退|换)(?:吗|不|几)|免费换|换几次|几次.{0,2}换|多久.{0,4}(?:上|处理|到|联系)|(?:不满意|不合适)(?:的话)?.{0,6}(?:换|退)',
    '怎么赔|赔吗|赔不赔|赔偿吗|责任|谁(?:来)?(?:负责|承担)',
  ]),
  // "找保姆的流程" asks about the procedure of finding one, not for one.
  ...cues('faq', 4, { topic: 'process' }, ['的(?:流程|手续|步骤)']),
  ...cues('faq', 3, { topic: 'process' }, ['(?:怎么|如何).{0,3}(?:预约|投诉)|在线预约|流程|手续|步骤']),
  ...cues('faq', 2, { topic: 'process' }, [
    '怎么签|签合同|签约|电子签|面试|带什么|证件|材料|怎么付|付款|分期|怎么预约|在线预约|如何预约|步骤|怎么处理|如何处理|怎么办理|怎么办|找谁|应该怎么',
  ]),
  ...cues('faq', 1, {}, ['问问|想问|问一下|问下']),
  ...cues('faq', 3, { topic: 'contact' }, [
    '门店|(?:你们|门店|公司|店)的?地址|地址(?:在|是)?(?:哪|多少|什么)|(?:你们|公司|店|办公室).{0,3}在哪|电话.{0,4}多少|联系方式|怎么联系|几点(?:上班|下班|开门|关门)|营业|上班吗|热线|有(?:门)?店|公众号|小程序|官网|网站',
  ]),
];

const SOCIAL_CUES: Cue[] = [
  ...cues('greeting', 1, {}, ['你好(?!棒|厉害|漂亮|帅|美)|您好|在吗|在不在|有人吗|哈喽|嗨|早上好|下午好|晚上好|谢谢|多谢|感谢|辛苦了|哈罗|嗨喽|老师好|亲在|^(?:早|早安|在|在么)$']),
  ...cues('cancel', 3, {}, ['取消|算了|不用了|不需要了|不要了|不找了|先不(?:用|要)|不用处理|不用麻烦|不麻烦了|已经找到了|先这样|没事了']),
];

const LEXICON: readonly Cue[] = [
  ...SERIOUS_CUES, ...ORDINARY_CUES, ...REQUEST_CUES, ...STATUS_CUES, ...OTHER_CUES, ...FAQ_CUES, ...SOCIAL_CUES,
];

/** A very small English lexicon (policy: anything else in English is 'unknown'). */
const ENGLISH_CUES: Cue[] = [
  ...cues('complaint', 3, { cat: 'theft', serious: true }, ['\\b(?:stole|stolen|steal|theft|missing|robbed)\\b']),
  ...cues('complaint', 3, { cat: 'injury', serious: true }, ['\\b(?:hurt|injur\\w*|burn\\w*|hit|abus\\w*|hospital)\\b']),
  ...cues('complaint', 3, { cat: 'property_damage', serious: true }, ['\\b(?:broke|broken|damaged?)\\b']),
  ...cues('complaint', 3, { cat: 'other', serious: true }, ['\\bpolice\\b']),
  ...cues('complaint', 2, { cat: 'other' }, ['\\bcomplain\\w*']),
  ...cues('human', 3, {}, ['\\b(?:human|agent|real person|a person|someone|help|staff)\\b']),
  ...cues('greeting', 1, {}, ['\\b(?:hi|hello|hey|thanks|thank you)\\b']),
];

// ───────────────────────────── matching ─────────────────────────────

interface Hit { cue: Cue; index: number; end: number; clause: string; }

const CLAUSE_BREAK = /[,.!?;:、。~…\s]/;
/** A negator right before a cue ("不是投诉", "没有丢东西", "不想换"), with one filler character. */
const NEGATED_BEFORE = /(?:(?<!有)没有?|不是|并非|并没有|未|无|不|别)(?:说|想|打算)?(?:有|是|再|要|被|会|在|想|用|太)?$/;
/** "不考核的吗" is still a question about vetting; "不是投诉" is not a complaint. */
const NEGATABLE: ReadonlySet<Intent> = new Set<Intent>(['complaint', 'service_request', 'inquiry', 'renewal', 'human', 'cancel']);
/** Words that make a clause hypothetical ("如果阿姨偷东西怎么赔", "不满意的话可以换吗"). */
const HYPOTHETICAL_WORDS = ['如果', '万一', '假如', '假设', '假若', '一旦', '要是', '的话', '担心', '怕', '会不会', '防止', '避免'];
/** A question: particles, question words, or the A-not-A form (接不接, 有没有, 能不能). */
const QUESTION = /吗|怎么|如何|什么|多久|多少|哪里|哪儿|哪个|哪些|几点|几个人|谁|\?|([\u4e00-\u9fa5])[不没]\1/;

/**
 * What the cancellation rules ask about one text, computed once per text. A cue can match many
 * times in a long message (2,000 negated "没偷" in one run-on clause), and each match used to
 * walk its clause and re-test the whole message: quadratic, 4,000 characters ≈ 300-450 ms inside
 * the write transaction. Here every per-match question is O(1) or answered once per clause.
 */
class TextFacts {
  /** clauseStart[i]: where the clause holding position i starts (walking back to a break). */
  private readonly clauseStart: Int32Array;
  /** clauseEnd[i]: the first break at or after i (or the end of the text). */
  private readonly clauseEnd: Int32Array;
  /** hypotheticalBy[i]: the latest start of a hypothetical word that ends at or before i, or -1. */
  private readonly hypotheticalBy: Int32Array;
  readonly isQuestion: boolean;
  private readonly memo = new Map<RegExp, Map<number, boolean>>();

  constructor(readonly text: string) {
    const n = text.length;
    this.clauseStart = new Int32Array(n + 1);
    for (let i = 1; i <= n; i++) this.clauseStart[i] = CLAUSE_BREAK.test(text[i - 1]) ? i : this.clauseStart[i - 1];
    this.clauseEnd = new Int32Array(n + 1);
    this.clauseEnd[n] = n;
    for (let i = n - 1; i >= 0; i--) this.clauseEnd[i] = CLAUSE_BREAK.test(text[i]) ? i : this.clauseEnd[i + 1];
    this.hypotheticalBy = new Int32Array(n + 1).fill(-1);
    for (let p = 0; p < n; p++) {
      for (const word of HYPOTHETICAL_WORDS) {
        if (text.startsWith(word, p)) this.hypotheticalBy[p + word.length] = Math.max(this.hypotheticalBy[p + word.length], p);
      }
    }
    for (let i = 1; i <= n; i++) this.hypotheticalBy[i] = Math.max(this.hypotheticalBy[i], this.hypotheticalBy[i - 1]);
    this.isQuestion = QUESTION.test(text);
  }

  /** The clause around a match; it may span a break when the cue's own pattern does. */
  clauseAround(index: number, length: number): { start: number; end: number } {
    return { start: this.clauseStart[index], end: this.clauseEnd[index + length] };
  }

  /** Whether a hypothetical word lies wholly inside text[from, to) (the part of the clause before a match). */
  hypotheticalWithin(from: number, to: number): boolean {
    return this.hypotheticalBy[to] >= from;
  }

  /** re.test(text.slice(start, end)), asked once per clause and regex however many matches it holds. */
  test(re: RegExp, start: number, end: number): boolean {
    let byClause = this.memo.get(re);
    if (!byClause) this.memo.set(re, (byClause = new Map()));
    const key = start * (this.text.length + 1) + end;
    let answer = byClause.get(key);
    if (answer === undefined) byClause.set(key, (answer = re.test(this.text.slice(start, end))));
    return answer;
  }
}

/**
 * Whether a match does not count. Negation is only looked for right before the cue, so
 * "不小心摔了" (careless, not negated) still counts. A hypothetical only cancels a serious cue
 * when the message is also a question: "要是找不到戒指我就报警" is a real report.
 */
function isCancelled(facts: TextFacts, cue: Cue, index: number, length: number): boolean {
  const { text } = facts;
  const { start, end } = facts.clauseAround(index, length);
  if (NEGATABLE.has(cue.intent) && NEGATED_BEFORE.test(text.slice(Math.max(start, index - 5), index))) return true;
  if (cue.unlessClause && facts.test(cue.unlessClause, start, end)) return true;
  if (cue.unlessText && facts.test(cue.unlessText, 0, text.length)) return true;
  if (cue.intent !== 'complaint' && cue.intent !== 'service_request') return false;
  const after = text.slice(index + length, index + length + 2);
  const hypothetical = facts.hypotheticalWithin(start, index) || after === '的话';
  return hypothetical && (!cue.serious || facts.isQuestion);
}

const sameMeaning = (a: Cue, b: Cue) =>
  a.intent === b.intent && a.cat === b.cat && a.kind === b.kind && a.topic === b.topic;

/** Two phrasings of one meaning matching the same words ("换个阿姨") count once. */
function overlapsSameMeaning(hits: Hit[], cue: Cue, index: number, end: number): boolean {
  return hits.some((h) => sameMeaning(h.cue, cue) && h.index < end && index < h.end);
}

/** Each cue counts once: its first match that is neither negated nor already counted. */
function scan(text: string, lexicon: readonly Cue[]): Hit[] {
  const facts = new TextFacts(text);
  const hits: Hit[] = [];
  for (const cue of lexicon) {
    for (const m of text.matchAll(cue.re)) {
      const end = m.index + m[0].length;
      if (end === m.index || overlapsSameMeaning(hits, cue, m.index, end)) continue;
      if (!isCancelled(facts, cue, m.index, m[0].length)) {
        const clause = facts.clauseAround(m.index, m[0].length);
        hits.push({ cue, index: m.index, end, clause: text.slice(clause.start, clause.end) });
        break;
      }
    }
  }
  return hits;
}

// ───────────────────────────── scoring and policy ─────────────────────────────

/** Tie-break between substantive intents with the same score, most specific first. */
const PRIORITY: readonly Intent[] = [
  'complaint', 'status_query', 'renewal', 'service_request', 'human', 'inquiry', 'faq', 'cancel', 'greeting',
];
/** A complaint needs this much evidence: one real cue (weight ≥ 2). */
const COMPLAINT_MIN = 2;
/** Never listed in `also`: they only matter when they are the whole message. */
const NOT_IN_ALSO: ReadonlySet<Intent> = new Set<Intent>(['greeting', 'cancel']);

function sumBy<K extends string>(hits: Hit[], key: (h: Hit) => K | undefined): Map<K, number> {
  const out = new Map<K, number>();
  for (const h of hits) {
    const k = key(h);
    if (k !== undefined) out.set(k, (out.get(k) ?? 0) + h.cue.w);
  }
  return out;
}

function best<K extends string>(scores: Map<K, number>): K | undefined {
  let top: K | undefined;
  for (const [k, v] of scores) if (top === undefined || v > (scores.get(top) ?? 0)) top = k;
  return top;
}

/** Intents present, strongest first (ties by PRIORITY). */
function rank(scores: Map<Intent, number>): Intent[] {
  return [...scores.keys()]
    .filter((i) => i !== 'complaint' || (scores.get(i) ?? 0) >= COMPLAINT_MIN)
    .sort((a, b) => (scores.get(b) ?? 0) - (scores.get(a) ?? 0) || PRIORITY.indexOf(a) - PRIORITY.indexOf(b));
}

/**
 * Intents about the customer's own case. Any of them outranks a lead or a general question in
 * the same message: "续一年，手续怎么办" is a renewal, "想换个阿姨，孩子大了需要育儿嫂" is a
 * replacement whose need is the new housekeeper.
 */
const CASE_INTENTS: ReadonlySet<Intent> = new Set<Intent>(['status_query', 'renewal', 'service_request', 'human']);

/**
 * "没打扫干净，让她回来重新打扫": when the only fault is the work itself (poor or unfinished) and
 * the customer asks for it to be redone, the redo is the request (R-AS-1), the complaint `also`.
 */
function isRedoOfPoorWork(hits: Hit[]): boolean {
  const complaints = hits.filter((h) => h.cue.intent === 'complaint');
  return hits.some((h) => h.cue.kind === 'redo') && complaints.every((h) => h.cue.cat === 'quality' || h.cue.cat === 'lateness');
}

/** Someone who could have caused an incident in the customer's home. */
const AGENT = /阿姨|啊姨|保姆|保母|月嫂|育儿嫂|育婴|钟点工|小时工|护工|保洁|师傅|家政|你们/;

/**
 * "我爸摔骨折了，想找个护工": an injury that names no housekeeper, inside a request for care, is
 * the reason for the lead, not an incident. The complaint stays in `also` (severity serious) so
 * a person still sees it, but the message is routed as an inquiry.
 */
function isBackgroundInjury(hits: Hit[]): boolean {
  const complaints = hits.filter((h) => h.cue.intent === 'complaint');
  const strongLead = hits.some((h) => h.cue.intent === 'inquiry' && h.cue.w >= 3);
  return strongLead && complaints.every((h) => h.cue.cat === 'injury' && !AGENT.test(h.clause));
}

/** The routing policy described at the top of this file; `ranked` is strongest first. */
function decideMain(ranked: Intent[], hits: Hit[]): Intent {
  if (hits.some((h) => h.cue.dominant)) return 'status_query';
  if (ranked.includes('complaint') && !isBackgroundInjury(hits)) {
    return isRedoOfPoorWork(hits) ? 'service_request' : 'complaint';
  }
  const own = ranked.find((i) => CASE_INTENTS.has(i));
  if (own) return own;
  // "取消预约" is a cancel (3 > 2), "你好，我想找月嫂" is not a greeting.
  return ranked.find((i) => i !== 'greeting') ?? ranked[0] ?? 'unknown';
}

/** Serious categories outrank ordinary ones: the serious thing is what staff must see first. */
function complaintCategory(hits: Hit[]): ComplaintCategory {
  const serious = hits.filter((h) => h.cue.serious && h.cue.cat !== 'other');
  const pool = serious.length > 0 ? serious : hits.filter((h) => h.cue.cat && h.cue.cat !== 'other');
  return best(sumBy(pool, (h) => h.cue.cat)) ?? 'other';
}

/**
 * Intent scores are the sum of their cues' weights, with two adjustments:
 * - faq counts its strongest topic only: a message touching price and process is not "more faq"
 *   than one clear request;
 * - inquiry gets a small boost from a concrete need (a service type, a start date).
 */
function intentScores(hits: Hit[], slots: Slots): Map<Intent, number> {
  const scores = sumBy(hits, (h) => h.cue.intent);
  const faqHits = hits.filter((h) => h.cue.intent === 'faq');
  if (faqHits.length > 0) {
    const topics = sumBy(faqHits, (h) => h.cue.topic ?? 'scope');
    scores.set('faq', Math.max(...topics.values()));
  }
  const inquiry = scores.get('inquiry');
  if (inquiry !== undefined) scores.set('inquiry', inquiry + (slots.serviceType ? 1 : 0) + (slots.startDate ? 1 : 0));
  return scores;
}

function classify(hits: Hit[], slots: Slots): Omit<Understanding, 'slots' | 'normalized'> {
  const ranked = rank(intentScores(hits, slots));
  const intent = decideMain(ranked, hits);
  const also = ranked.filter((i) => i !== intent && !NOT_IN_ALSO.has(i));
  const out: Omit<Understanding, 'slots' | 'normalized'> = { intent, also };
  const present = new Set<Intent>([intent, ...also]);
  if (present.has('complaint')) {
    const complaintHits = hits.filter((h) => h.cue.intent === 'complaint');
    out.severity = complaintHits.some((h) => h.cue.serious) ? 'serious' : 'ordinary';
    out.category = complaintCategory(complaintHits);
  }
  if (present.has('service_request')) out.requestKind = best(sumBy(hits, (h) => h.cue.kind));
  if (present.has('faq')) out.faqTopic = best(sumBy(hits, (h) => h.cue.topic));
  return out;
}

/**
 * Safety net for messages no cue understood: one that names the housekeeper (or us) together
 * with a sign of trouble is a complaint — serious when it also names a body part, a person,
 * money, a belonging or a pet, ordinary otherwise. Without a sign of trouble ("阿姨今天带孩子
 * 去公园了") or with praise or a question, the message stays unknown: a false serious alert
 * pages the CS manager at once (R-CP-4), so the net must not fire on everyday remarks.
 */
const FALLBACK_CUES = {
  theft: cues('complaint', 2, { cat: 'theft', serious: true }, ['{VAL}'])[0],
  bodyInjury: cues('complaint', 2, { cat: 'injury', serious: true }, ['{BODY}'])[0],
  injury: cues('complaint', 2, { cat: 'injury', serious: true }, ['{KID}'])[0],
  damage: cues('complaint', 2, { cat: 'property_damage', serious: true }, ['猫|狗|宠物|家具|电器'])[0],
  ordinary: cues('complaint', 2, { cat: 'other' }, ['.'])[0],
};
/** Signs that something went wrong; 被 is the adversative passive ("孩子被…"). */
const TROUBLE = /不|没|太|老是|总是|一直|又|还是|偷偷|乱|随便|怎么回事|竟然|居然|结果|发现|怀疑|莫名其妙|差点|突然|根本|害得|弄得|搞得|被/;
const PRAISE = /很好|挺好|真好|不错|满意|喜欢|爱吃|感谢|谢谢|辛苦|棒|优秀|表扬|好评|放心|勤快|麻利|利索|踏实|贴心/;

function safetyNet(text: string, hits: Hit[]): Hit[] {
  const substantive = hits.some((h) => h.cue.intent !== 'greeting');
  if (substantive || PRAISE.test(text) || QUESTION.test(text) || !TROUBLE.test(text)) return [];
  const agent = text.match(AGENT);
  if (!agent || agent.index === undefined) return [];
  const order: (keyof typeof FALLBACK_CUES)[] =
    agent[0] === '你们' ? ['ordinary'] : ['bodyInjury', 'theft', 'injury', 'damage', 'ordinary'];
  for (const key of order) {
    const cue = FALLBACK_CUES[key];
    const m = text.match(new RegExp(cue.re.source, 'i'));
    if (m?.index !== undefined) return [{ cue, index: m.index, end: m.index + m[0].length, clause: text }];
  }
  return [];
}

const CJK = /[\u3400-\u9fff]/;
const LATIN = /[a-z]/i;

export function understand(text: string, now: number, timeZone: string = DEFAULT_TZ): Understanding {
  const normalized = normalize(text);
  const slots = extractSlots(normalized, now, timeZone);
  // Phone numbers are data, not words: blank them so a "110" inside one cannot look like a cue.
  const words = blankData(normalized);
  const english = !CJK.test(words) && LATIN.test(words);
  const hits = english ? scan(words.toLowerCase(), ENGLISH_CUES) : scan(words, LEXICON);
  if (!english) hits.push(...safetyNet(words, hits));
  return { ...classify(hits, slots), slots, normalized };
}

// ───────────────────────────── slots ─────────────────────────────

/** 11-digit mainland mobile numbers, optionally +86, with spaces or dashes between digits. */
const PHONE = /(?<![\d])(?:\+?86[\s-]?)?(1[3-9]\d(?:[\s-]?\d){8})(?![\d])/g;

function blankData(text: string): string {
  return text.replace(PHONE, (m) => ' '.repeat(m.length));
}

function extractPhone(text: string): string | undefined {
  for (const m of text.matchAll(PHONE)) {
    const digits = m[1].replace(/\D/g, '');
    if (/^1[3-9]\d{9}$/.test(digits)) return digits;
  }
  return undefined;
}

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池乐匡钮';
const SURNAME = `(?:欧阳|司马|诸葛|上官|慕容|司徒|[${SURNAMES}])`;
const NAME_RULES: ReadonlyArray<[RegExp, (m: RegExpMatchArray, text: string) => string]> = [
  [/(?:姓名|联系人|称呼)[:\s]*([\u4e00-\u9fa5]{2,4})/, (m) => m[1]],
  [/我叫([\u4e00-\u9fa5]{2,3}?)(?=$|[^\u4e00-\u9fa5]|想|要|需|在|住|家|电话|手机|是)/, (m) => m[1]],
  [new RegExp(`(${SURNAME})(先生|女士|小姐|太太)`), (m) => m[1] + m[2]],
  [new RegExp(`我姓(${SURNAME})`), (m, text) => m[1] + (/先生|男士/.test(text) ? '先生' : /女士|小姐|太太/.test(text) ? '女士' : '先生/女士')],
  [new RegExp(`我是(${SURNAME}[\\u4e00-\\u9fa5]{1,2}?)(?=$|[,.!;\\s])`), (m) => m[1]],
];

function extractName(text: string): string | undefined {
  for (const [re, build] of NAME_RULES) {
    const m = text.match(re);
    if (m) return build(m, text);
  }
  return undefined;
}

/** Districts recognised even without 区 (Beijing, Shanghai and a few other big cities). */
const BARE_DISTRICTS =
  '东城|西城|朝阳|海淀|丰台|石景山|门头沟|房山|通州|顺义|昌平|大兴|怀柔|平谷|密云|延庆|浦东|徐汇|静安|闵行|嘉定|松江|青浦|奉贤|宝山|杨浦|虹口|崇明|黄浦|长宁|普陀|天河|番禺|福田|南山|宝安|龙岗|萧山|余杭|滨江|武侯|江宁';
const BARE_DISTRICT = new RegExp(`(${BARE_DISTRICTS})(新区|区)?`);
const GENERIC_DISTRICT = /([\u4e00-\u9fa5]{2,4}?)(新区|区|县)/g;
/** Leading words that are not part of a district name ("我家在海淀区"). */
const DISTRICT_LEAD = /^.*(?:在|住|是|家|我|于|到|去|的|和|从|找|个|哪|些|市|省|镇)/;
/** Endings that make "X区" something else: 小区, 社区, 校区, 西园三区 … */
const NOT_DISTRICT = /(?:小|社|园|校|景|城|市|郊|山|病|片|街|营|厂|务|地|全|各|辖|禁|误|分|[\d一二三四五六七八九十])$/;

function extractDistrict(text: string): string | undefined {
  const bare = text.match(BARE_DISTRICT);
  for (const m of text.matchAll(GENERIC_DISTRICT)) {
    if (bare?.index !== undefined && bare.index <= m.index) break;
    const core = m[1].replace(DISTRICT_LEAD, '');
    if (core.length >= 2 && !NOT_DISTRICT.test(core)) return core + m[2];
  }
  if (!bare) return undefined;
  return bare[1] === '浦东' ? '浦东新区' : bare[1] + '区';
}

const ADDRESS_STRONG = /小区|花园|公寓|大厦|苑|胡同|\d+号(?:楼|院)|栋|幢|单元|\d+室|弄|新村|家园/;
const ADDRESS_WEAK = /(?:路|街|大道|巷|村)\d+号?/;
const ADDRESS_LEAD = /^(?:我们家|我家|家|我们|我)?(?:在|住在|住|地址是|地址|位于)?[:\s]*/;
const ADDRESS_STOP = /需要|想|要找|找|请|能|电话|手机|联系|的阿姨|,/;

/** A token that continues an address across a space: "望京西园三区 312号楼 2单元". */
const ADDRESS_CONTINUES = /^[\d一二三四五六七八九十]|号|栋|幢|单元|室|楼/;

function isAddressy(token: string): boolean {
  return ADDRESS_STRONG.test(token) || ADDRESS_WEAK.test(token);
}

function extractAddress(text: string): string | undefined {
  const tokens = blankData(text).split(/[,;!?。，；！？\s]+/);
  for (let i = 0; i < tokens.length; i++) {
    if (!isAddressy(tokens[i])) continue;
    // "朝阳区望京西园三区 312号楼": the place name before the building belongs to it
    let s = i > 0 && /[区园苑村里路街道]$/.test(tokens[i - 1]) ? tokens[i - 1] + tokens[i] : tokens[i];
    while (i + 1 < tokens.length && ADDRESS_CONTINUES.test(tokens[i + 1])) s += tokens[++i];
    s = s.replace(ADDRESS_LEAD, '');
    const stop = s.search(ADDRESS_STOP);
    if (stop > 0) s = s.slice(0, stop);
    if (s.length >= 4) return s;
  }
  return undefined;
}

/** Most specific first: "护工" in a hospital is 病人陪护, "保姆带孩子" is 育儿嫂. */
const SERVICE_TYPES: ReadonlyArray<[ServiceType, RegExp]> = [
  ['病人陪护', /病人陪护|医院陪护|住院陪护|陪床|病人护理|术后|(?:医院|住院|出院|病人|手术).{0,10}(?:护工|陪护|照顾)|(?:护工|陪护).{0,10}(?:医院|住院|手术)/],
  ['月嫂', /月嫂|月稍|月子|产后|产妇|预产期|新生儿|母婴护理|刚出生|怀孕|孕妇|要生了|下个?月生/],
  ['育儿嫂', /育儿嫂|育婴嫂|育婴师|带孩子|带娃|带宝宝|看孩子|带小孩|照顾孩子|照顾宝宝|帮忙带|带老大/],
  ['老人陪护', /老人陪护|陪护老人|照顾老人|护工|陪护|老人.{0,8}(?:照顾|陪)|照顾(?:我|她|他)?的?(?:爸|妈|奶奶|爷爷|外婆|外公|姥姥|姥爷|父亲|母亲|老伴)|养老|失能|瘫痪|痴呆/],
  ['做饭阿姨', /做饭(?:的)?阿姨|烧饭阿姨|煮饭阿姨|做一桌菜|只做(?:午饭|晚饭|饭)/],
  ['钟点工', /钟点工|钟点功|钟点|小时工|计时/],
  ['保洁', /保洁|打扫|开荒|大扫除|擦玻璃|油烟机|家电清洗|除螨/],
  ['住家保姆', /住家|保姆|保母|白班阿姨/],
];

function extractServiceType(text: string): ServiceType | undefined {
  return SERVICE_TYPES.find(([, re]) => re.test(text))?.[0];
}

/** Slots from free text; the text is normalised first, so raw input is fine. */
export function extractSlots(text: string, now: number, timeZone: string = DEFAULT_TZ): Slots {
  const t = normalize(text);
  const slots: Slots = {
    name: extractName(t),
    phone: extractPhone(t),
    district: extractDistrict(t),
    address: extractAddress(t),
    serviceType: extractServiceType(t),
    startDate: extractDate(t, now, timeZone),
  };
  for (const k of Object.keys(slots) as (keyof Slots)[]) if (slots[k] === undefined) delete slots[k];
  return slots;
}

// ───────────────────────────── dates ─────────────────────────────

interface Ymd { y: number; m: number; d: number; }

function wallClock(now: number, timeZone: string): Ymd & { h: number; min: number } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(now));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { y: get('year'), m: get('month'), d: get('day'), h: get('hour'), min: get('minute') };
}

/** Calendar arithmetic on a plain date (UTC is only a neutral carrier here). */
function addDays(day: Ymd, n: number): Ymd {
  const t = new Date(Date.UTC(day.y, day.m - 1, day.d + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}
const isoWeekday = (day: Ymd) => ((new Date(Date.UTC(day.y, day.m - 1, day.d)).getUTCDay() + 6) % 7) + 1;
const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const fmt = (x: Ymd) => `${x.y}-${String(x.m).padStart(2, '0')}-${String(x.d).padStart(2, '0')}`;

const CN_DIGITS: Record<string, number> = { 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
/** 1..99 written as digits or in Chinese (五, 十二, 二十五). */
function cnNumber(s: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  const [tens, ones] = s.includes('十') ? s.split('十') : ['', s];
  const t = s.includes('十') ? (tens ? CN_DIGITS[tens] ?? NaN : 1) : 0;
  return t * 10 + (ones ? CN_DIGITS[ones] ?? NaN : 0);
}
const WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, 末: 6 };
const DAY_NUM = '(\\d{1,2}|[一二三四五六七八九十]{1,3})';

type DateRule = [RegExp, (m: RegExpMatchArray, today: Ymd) => Ymd | undefined];

/** What chrono.zh does not know (后天, 下个月1号, 5号, 下下周二, 月底, 12月底). */
const DATE_RULES: DateRule[] = [
  [/大后天/, (_, t) => addDays(t, 3)],
  [/(?<!大)后天/, (_, t) => addDays(t, 2)],
  [/(下下|下|这|本)?(?:个)?(?:周|星期|礼拜)([一二三四五六日天末])/, (m, t) => {
    const weeks = m[1] === '下下' ? 2 : m[1] === '下' ? 1 : 0;
    const target = WEEKDAY[m[2]];
    let day = addDays(t, (target - isoWeekday(t)) + 7 * weeks);
    if (!m[1] && fmt(day) < fmt(t)) day = addDays(day, 7); // bare 周一 = the next one
    return day;
  }],
  [new RegExp(`(下|这|本)?个?月${DAY_NUM}[号日]`), (m, t) => {
    const next = m[1] === '下';
    const y = next && t.m === 12 ? t.y + 1 : t.y;
    const mo = next ? (t.m % 12) + 1 : t.m;
    return { y, m: mo, d: cnNumber(m[2]) };
  }],
  [new RegExp(`(?:(今年|明年)|(?<![\\d年]))${DAY_NUM}月(底|末|初|上旬|中旬|下旬|中)`), (m, t) => {
    const mo = cnNumber(m[2]);
    const y = m[1] === '明年' || (!m[1] && mo < t.m) ? t.y + 1 : t.y;
    const d = /底|末/.test(m[3]) ? daysInMonth(y, mo) : m[3] === '初' || m[3] === '上旬' ? 1 : m[3] === '下旬' ? 21 : 15;
    return { y, m: mo, d };
  }],
  [/月底/, (_, t) => ({ ...t, d: daysInMonth(t.y, t.m) })],
  [/下个?月初/, (_, t) => addDays({ ...t, d: daysInMonth(t.y, t.m) }, 1)],
  [new RegExp(`(?<![\\d月])${DAY_NUM}[号日](?!楼|院|线|门|床|房|室|机|位|店)`), (m, t) => {
    const d = cnNumber(m[1]);
    return d >= t.d ? { ...t, d } : { ...addDays({ ...t, d: daysInMonth(t.y, t.m) }, 1), d };
  }],
];

function validDay(x: Ymd | undefined): x is Ymd {
  return !!x && x.m >= 1 && x.m <= 12 && x.d >= 1 && x.d <= daysInMonth(x.y, x.m);
}

/**
 * chrono's patterns start `\d+`, `[一二三…]+` and `[\s,，]*` at every position, so a long run of
 * numerals or separators costs it time quadratic in the run (4,000 Chinese numerals ≈ 600 ms).
 * No date or time is written with more than eight numerals in a row (二〇二六年, 20261205), and
 * such a run (an ID, card or order number, a blanked phone number, a row of commas) is not a date:
 * it becomes a neutral mark of the same length, so every index stays where it was.
 */
const LONG_RUN = /[\d零〇一二两兩三四五六七八九十廿卅百千万]{9,}|[\s,，]{9,}/g;
function withoutLongRuns(text: string): string {
  return text.replace(LONG_RUN, (run) => '。'.repeat(run.length));
}

/** chrono.zh for the rest (明天, 12月5日, 2026-12-05 …), reading only the calendar fields. */
function chronoDate(text: string, clock: ReturnType<typeof wallClock>): { index: number; day: Ymd } | undefined {
  // A reference built from the Shanghai wall clock in the process zone: chrono computes in the
  // process zone, and we read back only year/month/day, so the process zone does not matter.
  // chrono.zh reads 明天 before 02:00 as the coming day (same date); we keep that.
  const ref = new Date(clock.y, clock.m - 1, clock.d, clock.h, clock.min);
  for (const r of chrono.zh.parse(withoutLongRuns(text), ref, { forwardDate: true })) {
    if (!r.start.isCertain('day') && !r.start.isCertain('weekday')) continue; // "8点" is not a date
    const day = { y: r.start.get('year') ?? clock.y, m: r.start.get('month') ?? 1, d: r.start.get('day') ?? 1 };
    if (validDay(day)) return { index: r.index, day };
  }
  return undefined;
}

function extractDate(text: string, now: number, timeZone: string): string | undefined {
  const clock = wallClock(now, timeZone);
  const today: Ymd = { y: clock.y, m: clock.m, d: clock.d };
  // Addresses and phone numbers hold "3号楼" or digit runs that look like dates.
  const address = extractAddress(text);
  const t = blankData(address ? text.replace(address, ' ') : text);
  const found: { index: number; day: Ymd }[] = [];
  for (const [re, build] of DATE_RULES) {
    const m = t.match(re);
    const day = m ? build(m, today) : undefined;
    if (m?.index !== undefined && validDay(day)) found.push({ index: m.index, day });
  }
  const c = chronoDate(t, clock);
  if (c) found.push(c);
  found.sort((a, b) => a.index - b.index);
  return found.length > 0 ? fmt(found[0].day) : undefined;
}

// ───────────────────────────── dialogue parsers ─────────────────────────────

const SCORE_WORDS: ReadonlyArray<[RegExp, number]> = [
  [/非常不满意|很不满意|特别不满意|极不满意|太差了?|很差|非常差|差评|垃圾/, 1],
  [/不太满意|不满意|不怎么样|较差|比较差|不好/, 2],
  [/一般般?|还行|还可以|凑合|马马虎虎|中等/, 3],
  [/非常满意|很满意|十分满意|特别满意|超级满意|满分|好评|非常好|很好|太好了|完美|特别好/, 5],
  [/比较满意|满意|挺好|不错|还不错|好的很/, 4],
];
const SCORE_NUMBER = /(?:打|给|评)?\s*([1-5一二两三四五])\s*(?:分|颗星|星)(?!钟)/;
const SCORE_ALONE = /^\s*([1-5])\s*[.!]?\s*$/;
const STARS = /^[\s]*([⭐★]{1,5})/u;

function surveyScore(t: string): { score: number; span: string } | undefined {
  const stars = t.match(STARS);
  if (stars) return { score: [...stars[1]].length, span: stars[0] };
  const alone = t.match(SCORE_ALONE);
  if (alone) return { score: Number(alone[1]), span: alone[0] };
  const num = t.match(SCORE_NUMBER);
  if (num && !/\d/.test(t.charAt((num.index ?? 0) - 1))) return { score: cnNumber(num[1]), span: num[0] };
  for (const [re, score] of SCORE_WORDS) {
    const m = t.match(re);
    if (m) return { score, span: m[0] };
  }
  return undefined;
}

export function parseSurveyAnswer(text: string): { score: number; comment?: string } | undefined {
  const t = normalize(text);
  const found = surveyScore(t);
  if (!found || found.score < 1 || found.score > 5) return undefined;
  const comment = t.replace(found.span, ' ').replace(/^[\s,.!;:。、~]+|[\s,.!;:。、~]+$/g, '').trim();
  // "打三分吧": a lone particle is not a comment
  return comment && !/^[吧啊呀哈了的呢嘛哦噢]+$/.test(comment) ? { score: found.score, comment } : { score: found.score };
}

const PARTICLES = '[了啊吧呀哈呢嘛哦噢喔的]*';
const YES = new RegExp(`^(?:是|对|好|好滴|好哒|可以|行|嗯+|恩|ok|okay|yes|y|没问题|确认|确定|同意|需要|要)${PARTICLES}$`, 'i');
const NO = new RegExp(`^(?:不是|不对|不用|算|不要|不需要|没有|不行|不可以|否|no|n|取消|先不用|暂时不用|不)${PARTICLES}$`, 'i');
const HESITANT = /再想想|考虑|不确定|不知道|看看再说/;

export function parseYesNo(text: string): boolean | undefined {
  const t = normalize(text);
  if (!t || HESITANT.test(t)) return undefined;
  // Only the first phrase counts: "好的，谢谢" is yes, "不用了谢谢" is no.
  const first = t.split(/[,.!?;~。、\s]/)[0].replace(/(?:谢谢|谢了|多谢)$/, '');
  if (NO.test(first)) return false;
  if (YES.test(first)) return true;
  return undefined;
}
