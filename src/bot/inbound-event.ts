import { createHash } from 'node:crypto';
import type { EventBase, InboundEvent } from '../handlers/ports';
import { textField, XmlError, type XmlFields } from './xml';

/**
 * Every platform adapter (OA XML, WeCom XML, Wechaty) produces the one neutral event. Its shape is
 * the handlers' port (src/handlers/ports.ts): src/bot may import from the handlers, never the
 * other way round.
 */
export type { InboundEvent, Platform } from '../handlers/ports';

export type InboundType = InboundEvent['type'];

/** Longest value we accept in a key-like field; real menu and button keys are far shorter. */
const MAX_KEY_LENGTH = 1024;
/** WeChat text messages are capped well below this; anything longer is not from WeChat. */
const MAX_TEXT_LENGTH = 8192;

export class UnsupportedEvent extends Error {
  constructor(readonly kind: string) {
    super(`unsupported message/event type ${kind}`);
    this.name = 'UnsupportedEvent';
  }
}

function required(fields: XmlFields, name: string): string {
  const value = textField(fields, name);
  if (value === undefined || value === '') throw new XmlError(`missing ${name}`);
  return value;
}

function bounded(value: string | undefined, name: string, max = MAX_KEY_LENGTH): string | undefined {
  if (value !== undefined && value.length > max) throw new XmlError(`${name} longer than ${max}`);
  return value;
}

function selectedOptions(fields: XmlFields): string[] | undefined {
  const items = fields.SelectedItems;
  if (items === undefined || typeof items === 'string') return undefined;
  const list = Array.isArray(items) ? items : [items];
  const ids: string[] = [];
  for (const entry of list as XmlFields[]) {
    const item = entry.SelectedItem;
    for (const selected of (Array.isArray(item) ? item : [item]) as XmlFields[]) {
      const options = selected?.OptionIds;
      if (!options || typeof options === 'string') continue;
      const optionId = (options as XmlFields).OptionId;
      for (const id of Array.isArray(optionId) ? optionId : [optionId]) {
        if (typeof id === 'string') ids.push(bounded(id, 'OptionId')!);
      }
    }
  }
  return ids;
}

/** Turns the decrypted XML of an OA or WeCom callback into the neutral event. */
export function eventFromXml(platform: 'wechat' | 'wecom', fields: XmlFields): InboundEvent {
  const createTime = required(fields, 'CreateTime');
  if (!/^\d{1,12}$/.test(createTime)) throw new XmlError('CreateTime is not a number');
  const base: EventBase = {
    platform,
    appId: bounded(required(fields, 'ToUserName'), 'ToUserName', 128)!,
    from: bounded(required(fields, 'FromUserName'), 'FromUserName', 128)!,
    createdAt: Number(createTime) * 1000,
    messageId: bounded(textField(fields, 'MsgId'), 'MsgId', 64),
    agentId: bounded(textField(fields, 'AgentID'), 'AgentID', 32),
  };
  const msgType = required(fields, 'MsgType').toLowerCase();
  switch (msgType) {
    case 'text':
      return { ...base, type: 'text', text: bounded(textField(fields, 'Content') ?? '', 'Content', MAX_TEXT_LENGTH)! };
    case 'image':
      return { ...base, type: 'image', mediaId: bounded(required(fields, 'MediaId'), 'MediaId')!, picUrl: bounded(textField(fields, 'PicUrl'), 'PicUrl') };
    case 'voice':
      return {
        ...base,
        type: 'voice',
        mediaId: bounded(required(fields, 'MediaId'), 'MediaId')!,
        format: bounded(textField(fields, 'Format'), 'Format', 16),
        recognition: bounded(textField(fields, 'Recognition'), 'Recognition', MAX_TEXT_LENGTH) || undefined,
      };
    case 'video':
    case 'shortvideo':
      return { ...base, type: 'video', mediaId: bounded(required(fields, 'MediaId'), 'MediaId')! };
    case 'location': {
      const latitude = Number(required(fields, 'Location_X'));
      const longitude = Number(required(fields, 'Location_Y'));
      if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) throw new XmlError('location is not numeric');
      return { ...base, type: 'location', latitude, longitude, label: bounded(textField(fields, 'Label'), 'Label') };
    }
    case 'event':
      return eventOf(base, fields);
    default:
      throw new UnsupportedEvent(msgType.slice(0, 32));
  }
}

function eventOf(base: EventBase, fields: XmlFields): InboundEvent {
  // OA sends CLICK, WeCom sends click: compare without case
  const event = required(fields, 'Event').toLowerCase();
  const eventKey = bounded(textField(fields, 'EventKey'), 'EventKey');
  switch (event) {
    case 'subscribe':
      return { ...base, type: 'subscribe', sceneKey: eventKey?.replace(/^qrscene_/, '') || undefined };
    case 'unsubscribe':
      return { ...base, type: 'unsubscribe' };
    // an existing follower scanned a parametric code: the key has no qrscene_ prefix (PROTOCOL.md §10)
    case 'scan':
      if (!eventKey) throw new XmlError('SCAN without EventKey');
      return { ...base, type: 'scan', sceneKey: eventKey };
    case 'click':
      return { ...base, type: 'menu_click', key: eventKey ?? '' };
    case 'template_card_event':
      return {
        ...base,
        type: 'card_click',
        key: eventKey ?? '',
        taskId: bounded(required(fields, 'TaskId'), 'TaskId', 128)!,
        responseCode: bounded(textField(fields, 'ResponseCode'), 'ResponseCode', 256),
        cardType: bounded(textField(fields, 'CardType'), 'CardType', 64),
        selected: selectedOptions(fields),
      };
    default:
      throw new UnsupportedEvent(`event:${event.slice(0, 32)}`);
  }
}

/**
 * The identity of a delivery, the same for every retry of it (PROTOCOL.md §5): the MsgId for
 * messages; sender + CreateTime + event (+ key) for events, which have no MsgId.
 */
export function dedupKey(event: InboundEvent): string {
  const parts = event.messageId
    ? [event.platform, event.appId, event.agentId ?? '', 'msg', event.messageId]
    : [event.platform, event.appId, event.agentId ?? '', 'evt', event.from, String(event.createdAt), event.type, eventKeyOf(event)];
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

function eventKeyOf(event: InboundEvent): string {
  switch (event.type) {
    case 'menu_click':
      return event.key;
    case 'card_click':
      return `${event.taskId}\u0000${event.key}\u0000${event.responseCode ?? ''}`;
    case 'subscribe':
      return event.sceneKey ?? '';
    case 'scan':
      return event.sceneKey;
    default:
      return '';
  }
}
