import type { InboundEvent } from './inbound-event';
import { buildXml } from './xml';

/**
 * A passive text reply (OA and WeCom share the shape): To is the sender, From is our
 * gh_ id / corpid. CreateTime is the event's, so a retry gets byte-identical plaintext.
 */
export function renderTextReply(event: InboundEvent, text: string): string {
  return buildXml({
    ToUserName: event.from,
    FromUserName: event.appId,
    CreateTime: Math.floor(event.createdAt / 1000),
    MsgType: 'text',
    Content: text,
  });
}
