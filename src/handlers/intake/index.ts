import type { Customer } from '../../entities';
import { Customer as CustomerEntity } from '../../entities';
import { GREETING } from '../../../config/faq';
import type { HandlerContext } from '../ports';
import { customerArrives } from '../handoff';
import { answerPhoneLink, askPhoneLink, customerByExternalId, linkByScene } from '../customers';
import { attachMedia, handleCustomerText } from './customer-dialogue';
import { say } from '../../../config/say';
import { updateRows } from '../../entities/rows';

export { prepareUnderstanding } from './prepare';

/** Everything a customer sends on the OA (or personal WeChat): messages, menu clicks, follows. */

const LAST_INBOUND_PRECISION_MS = 60_000;

/** OA custom-menu keys (自定义菜单) and what a customer means by pressing them: input words, read by the understanding, never shown. */
export const MENU_TEXT: Record<string, string> = {
  MENU_BOOK: '我想预约家政服务',
  MENU_COMPLAIN: '我要投诉',
  MENU_AFTER_SALES: '我要申请售后',
  MENU_STATUS: '查进度',
  MENU_HUMAN: '转人工',
};

export async function handleCustomerEvent(ctx: HandlerContext): Promise<void> {
  const { event } = ctx;
  const now = ctx.clock.now();
  const customer = await customerByExternalId(ctx.db, event.platform, event.from, now);
  const subscribed = event.type !== 'unsubscribe';
  // the OA's 48-hour window needs the last message's time, not to the second: within a minute of
  // the last one written it stays (a write less for a customer writing several in a row; the
  // window then closes up to a minute early, never late)
  const last = customer.lastInboundAt;
  if (customer.subscribed !== subscribed || last === null || now < last || now - last >= LAST_INBOUND_PRECISION_MS) {
    await updateRows(ctx.db, CustomerEntity, { id: customer.id }, { lastInboundAt: now, subscribed });
    Object.assign(customer, { lastInboundAt: now, subscribed });
  }
  // a member of staff holding this conversation gets the message instead of the bot (R-HO-2)
  if ((await customerArrives(ctx, customer)) === 'live') return;
  switch (event.type) {
    case 'text':
      // the answer to 「合同编号后4位或阿姨的姓」 comes first; a phone just given may bring that question
      if (await answerPhoneLink(ctx, customer, event.text)) return;
      await handleCustomerText(ctx, customer, event.text);
      return askPhoneLink(ctx, customer);
    case 'voice':
      // WeChat's speech recognition, when on, gives us the words; the recording stays as evidence
      if (event.recognition) return handleCustomerText(ctx, customer, event.recognition);
      return attachMedia(ctx, customer, { kind: 'voice', mediaId: event.mediaId });
    case 'image':
    case 'video':
      return attachMedia(ctx, customer, { kind: event.type, mediaId: event.mediaId });
    case 'location':
      return handleLocation(ctx, customer, event.label);
    case 'subscribe':
      // a follow by scanning the code handed out at signing: the welcome is the passive reply
      ctx.reply(event.sceneKey ? await linkByScene(ctx, customer, event.sceneKey) : GREETING);
      return;
    case 'scan':
      ctx.reply(await linkByScene(ctx, customer, event.sceneKey));
      return;
    case 'unsubscribe':
      return;
    case 'menu_click': {
      const meaning = MENU_TEXT[event.key];
      if (meaning) return handleCustomerText(ctx, customer, meaning);
      ctx.reply(GREETING);
      return;
    }
    case 'card_click':
      return; // customers have no cards
  }
}

async function handleLocation(ctx: HandlerContext, customer: Customer, label: string | undefined): Promise<void> {
  if (!label) {
    ctx.reply(say('intake.location'));
    return;
  }
  // the label is an address: treat it as if the customer had typed it
  return handleCustomerText(ctx, customer, `地址：${label}`); // input words: read as an address
}
