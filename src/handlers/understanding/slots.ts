import { DEFAULT_TZ, firstDate } from './dates';
import { normalize } from './normalise';
import type { ServiceType, Slots } from './types';

// ───────────────────────────── slots ─────────────────────────────

/** 11-digit mainland mobile numbers, optionally +86, with spaces or dashes between digits. */
const PHONE = /(?<![\d])(?:\+?86[\s-]?)?(1[3-9]\d(?:[\s-]?\d){8})(?![\d])/g;

export function blankData(text: string): string {
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

function extractDate(text: string, now: number, timeZone: string): string | undefined {
  // Addresses and phone numbers hold "3号楼" or digit runs that look like dates.
  const address = extractAddress(text);
  return firstDate(blankData(address ? text.replace(address, ' ') : text), now, timeZone);
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
