import { normalize } from '../understanding';

/**
 * What makes the bot hand a conversation to a person (R-HO-1) before or besides anything else it
 * understood: the customer asks for one, or the tone is upset (angry, threatening to go public or
 * to the authorities, demanding compensation). Read on the normalised text (简体, NFKC).
 */

const ASKS_FOR_PERSON = /转人工|人工客服|人工服务|找客服|真人|活人|客服在吗|(?:和|跟)(?:人|客服)(?:说|聊|沟通)|接通客服|转接客服|不要机器人|别用机器人/;

// input words: what an upset customer writes, read by soundsUpset and never shown
const UPSET = new RegExp(
  [
    // demands and threats
    '给(?:我)?(?:个|一个)?说法', '讨(?:个|一个)?说法', '赔偿', '赔钱', '索赔', '退钱', '曝光', '12315', '投诉到', '消协', '消费者协会', '工商局?', '市场监管',
    '律师', '起诉', '告你们', '法院', '报警', '媒体', '记者', '网上(?:发|说)', '差评',
    // anger
    '很生气', '非常生气', '太生气', '气死', '愤怒', '火大', '恼火', '太过分', '过分了', '忍无可忍', '受够了', '什么破', '垃圾公司', '骗子', '坑人', '欺负人', '不像话', '岂有此理', '无法接受', '不能接受', '欺人太甚',
  ].join('|'),
);

export function asksForPerson(text: string): boolean {
  return ASKS_FOR_PERSON.test(normalize(text));
}

export function soundsUpset(text: string): boolean {
  const plain = normalize(text);
  // "不生气" / "没有生气" is not anger; exclamation marks alone are not either
  return UPSET.test(plain) && !/(?:不|没有?|别)(?:很|太)?生气/.test(plain);
}
