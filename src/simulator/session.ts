import { EventEmitter } from 'node:events';
import { parseXml, type XmlFields } from '../bot/xml';
import {
  freshResponseCode,
  OA,
  oaEvent,
  oaSafeRequest,
  oaText,
  openReply,
  WECOM,
  wecomCardClick,
  wecomRequest,
  wecomText,
  type OaCredentials,
  type SignedRequest,
  type WecomCredentials,
} from './callbacks';
import type { FakePlatform, RecordedCall } from './fake-platform';

/**
 * The simulator's core, shared by the web page (server.ts) and the terminal (cli.ts): it plays
 * the customer on the Official Account and the staff on WeCom against a running bot.
 *
 * - What a person says or clicks becomes a real signed and encrypted callback POSTed to the
 *   bot's /wechat or /wecom; the passive reply is opened (signature and receive id checked)
 *   and shown.
 * - What the bot sends through the platform APIs is seen on the FakePlatform (`call` events):
 *   custom/send, template/send and subscribe/bizsend for customers; message/send (text,
 *   markdown, template_card) and update_template_card for staff.
 *
 * Every one of those becomes a ChatMessage in one ordered log, which the page and the CLI show.
 */

export type Side = 'customer' | 'staff';

/** A WeCom template_card as the bot sent it (the fields the simulator shows). */
export interface TemplateCard {
  card_type?: string;
  task_id?: string;
  source?: { desc?: string };
  main_title?: { title?: string; desc?: string };
  sub_title_text?: string;
  quote_area?: { title?: string; quote_text?: string };
  emphasis_content?: { title?: string; desc?: string };
  horizontal_content_list?: { keyname?: string; value?: string }[];
  jump_list?: { type?: number; title?: string; url?: string }[];
  button_list?: { text?: string; style?: number; key?: string }[];
  [more: string]: unknown;
}

export interface ChatMessage {
  /** Position in the log, from 1. */
  id: number;
  at: number;
  /** customer: the OA chat of `user` (an openid); staff: the WeCom chat of `user` (a UserID). */
  side: Side;
  user: string;
  /** in: the person to the bot; out: the bot to the person; system: the simulator's own note. */
  direction: 'in' | 'out' | 'system';
  /** How it travelled: the callback, its passive reply, or the platform API path. */
  via: string;
  kind: 'text' | 'markdown' | 'card' | 'card_update' | 'template' | 'event' | 'click' | 'error';
  text?: string;
  /** For card and card_update: the card as it now is for this user. */
  card?: TemplateCard;
  taskId?: string;
}

/** One platform API call, for the developer's view. */
export interface ApiCall {
  at: number;
  path: string;
  ok: boolean;
  summary: string;
}

export interface SessionEvents {
  message: [ChatMessage];
  api: [ApiCall];
}

export interface SessionOptions {
  /** Where the bot listens, e.g. http://127.0.0.1:3000 */
  botUrl: string;
  platform: FakePlatform;
  oa?: OaCredentials;
  wecom?: WecomCredentials;
}

const MAX_LOG = 5000;

export class SimulatorSession extends EventEmitter<SessionEvents> {
  readonly messages: ChatMessage[] = [];
  readonly apiCalls: ApiCall[] = [];
  /** The current state of each card each member holds: `${user}\n${taskId}`. */
  private readonly cards = new Map<string, TemplateCard>();
  private sequence = 0;
  private readonly oa: OaCredentials;
  private readonly wecom: WecomCredentials;
  private readonly onCall = (call: RecordedCall) => this.platformCall(call);

  constructor(private readonly options: SessionOptions) {
    super();
    this.oa = options.oa ?? OA;
    this.wecom = options.wecom ?? WECOM;
    options.platform.on('call', this.onCall);
  }

  get botUrl(): string {
    return this.options.botUrl;
  }

  close(): void {
    this.options.platform.off('call', this.onCall);
  }

  /** Messages after `afterId`, in order. */
  since(afterId = 0): ChatMessage[] {
    const first = this.messages.findIndex((m) => m.id > afterId);
    return first < 0 ? [] : this.messages.slice(first);
  }

  card(user: string, taskId: string): TemplateCard | undefined {
    return this.cards.get(`${user}\n${taskId}`);
  }

  // ---------------------------------------------------------------- the people

  /** A customer writes to the Official Account (safe mode). */
  async customerSays(openid: string, text: string): Promise<void> {
    this.push({ side: 'customer', user: openid, direction: 'in', via: 'callback', kind: 'text', text });
    await this.callback('customer', openid, oaSafeRequest(oaText(openid, text, { oa: this.oa }), { oa: this.oa }));
  }

  /** A customer follows the account, unfollows, or presses a menu item (CLICK). */
  async customerEvent(openid: string, event: string, eventKey?: string): Promise<void> {
    const names: Record<string, string> = { subscribe: eventKey?.startsWith('qrscene_') ? '扫签约码关注了公众号' : '关注了公众号', SCAN: '扫了签约码（已关注）', unsubscribe: '取消关注', CLICK: `点击菜单 ${eventKey ?? ''}` };
    this.push({ side: 'customer', user: openid, direction: 'in', via: 'callback', kind: 'event', text: names[event] ?? event });
    await this.callback('customer', openid, oaSafeRequest(oaEvent(openid, event, eventKey, undefined, this.oa), { oa: this.oa }));
  }

  /** A member writes to the WeCom app. */
  async staffSays(userId: string, text: string): Promise<void> {
    this.push({ side: 'staff', user: userId, direction: 'in', via: 'callback', kind: 'text', text });
    await this.callback('staff', userId, wecomRequest(wecomText(userId, text, { wecom: this.wecom }), { wecom: this.wecom }));
  }

  /** A member presses a card button: the real template_card_event with a fresh ResponseCode. */
  async staffClicks(userId: string, taskId: string, key: string): Promise<void> {
    const card = this.card(userId, taskId);
    const label = card?.button_list?.find((b) => b.key === key)?.text ?? key;
    this.push({ side: 'staff', user: userId, direction: 'in', via: 'callback', kind: 'click', text: `点击了「${label}」`, taskId });
    const xml = wecomCardClick(userId, taskId, key, { responseCode: freshResponseCode(), wecom: this.wecom });
    await this.callback('staff', userId, wecomRequest(xml, { wecom: this.wecom }));
  }

  private async callback(side: Side, user: string, request: SignedRequest): Promise<void> {
    const platform = side === 'customer' ? 'wechat' : 'wecom';
    let status: number;
    let body: string;
    try {
      const response = await fetch(this.options.botUrl + request.path, { method: 'POST', body: request.body, headers: { 'content-type': 'text/xml' } });
      status = response.status;
      body = await response.text();
    } catch (error) {
      this.push({ side, user, direction: 'system', via: 'callback', kind: 'error', text: `机器人没有响应：${(error as Error).message}` });
      return;
    }
    if (status !== 200) {
      this.push({ side, user, direction: 'system', via: 'callback', kind: 'error', text: `回调被拒绝：HTTP ${status} ${body.slice(0, 200)}` });
      return;
    }
    // an empty body (or "success") is the platform's "no reply": anything else follows by API
    if (body === '' || body === 'success') return;
    let plain: string;
    try {
      plain = openReply(body, platform, { oa: this.oa, wecom: this.wecom });
    } catch (error) {
      this.push({ side, user, direction: 'system', via: 'passive', kind: 'error', text: `被动回复无法解密：${(error as Error).message}` });
      return;
    }
    this.passiveReply(side, user, plain);
  }

  /** The decrypted passive reply: text, or (WeCom) a card update for the clicking member. */
  private passiveReply(side: Side, user: string, plain: string): void {
    let fields: XmlFields;
    try {
      fields = parseXml(plain);
    } catch {
      this.push({ side, user, direction: 'system', via: 'passive', kind: 'error', text: '被动回复不是合法的 XML' });
      return;
    }
    const type = String(fields.MsgType ?? '');
    if (type === 'text') {
      this.push({ side, user, direction: 'out', via: 'passive', kind: 'text', text: String(fields.Content ?? '') });
    } else if (type === 'update_button') {
      const button = fields.Button as XmlFields | undefined;
      this.push({ side, user, direction: 'out', via: 'passive', kind: 'text', text: `（按钮已更新为「${String(button?.ReplaceName ?? '')}」）` });
    } else {
      this.push({ side, user, direction: 'out', via: 'passive', kind: 'text', text: `[${type || '未知'} 类型的被动回复]` });
    }
  }

  // ---------------------------------------------------------------- what the bot sent by API

  private platformCall(call: RecordedCall): void {
    const api = this.summarise(call);
    if (api) {
      this.apiCalls.push(api);
      if (this.apiCalls.length > 200) this.apiCalls.splice(0, this.apiCalls.length - 200);
      this.emit('api', api);
    }
    if (!call.ok) return;
    const body = (call.body ?? {}) as Record<string, any>;
    switch (call.path) {
      case '/cgi-bin/message/custom/send':
        this.push({ side: 'customer', user: String(body.touser), direction: 'out', via: 'custom/send', kind: 'text', text: customText(body) });
        return;
      case '/cgi-bin/message/template/send':
      case '/cgi-bin/message/subscribe/bizsend':
        this.push({ side: 'customer', user: String(body.touser), direction: 'out', via: call.path.replace('/cgi-bin/message/', ''), kind: 'template', text: templateText(body) });
        return;
      case '/cgi-bin/message/send':
        for (const user of String(body.touser ?? '').split('|').filter(Boolean)) this.memberMessage(user, body);
        return;
      case '/cgi-bin/message/update_template_card':
        for (const user of (body.userids as string[] | undefined) ?? []) this.cardUpdate(user, body);
        return;
    }
  }

  private memberMessage(user: string, body: Record<string, any>): void {
    if (body.msgtype === 'template_card') {
      const card = body.template_card as TemplateCard;
      const taskId = String(card.task_id ?? '');
      this.cards.set(`${user}\n${taskId}`, card);
      this.push({ side: 'staff', user, direction: 'out', via: 'message/send', kind: 'card', card, taskId });
    } else if (body.msgtype === 'markdown') {
      this.push({ side: 'staff', user, direction: 'out', via: 'message/send', kind: 'markdown', text: String(body.markdown?.content ?? '') });
    } else if (body.msgtype === 'text') {
      this.push({ side: 'staff', user, direction: 'out', via: 'message/send', kind: 'text', text: String(body.text?.content ?? '') });
    } else if (body.msgtype === 'textcard') {
      const card = body.textcard ?? {};
      this.push({ side: 'staff', user, direction: 'out', via: 'message/send', kind: 'text', text: [card.title, card.description, card.url].filter(Boolean).join('\n') });
    } else {
      const names: Record<string, string> = { image: '图片', file: '文件', voice: '语音', video: '视频', news: '图文', mpnews: '图文' };
      const what = names[String(body.msgtype)] ?? `${String(body.msgtype)} 消息`;
      const media = body[String(body.msgtype)]?.media_id;
      this.push({ side: 'staff', user, direction: 'out', via: 'message/send', kind: 'text', text: `[${what}${media ? ` ${String(media)}` : ''}]` });
    }
  }

  private cardUpdate(user: string, body: Record<string, any>): void {
    const replacement = body.template_card as TemplateCard | undefined;
    let taskId = String(replacement?.task_id ?? '');
    let card: TemplateCard | undefined = replacement;
    if (!card && body.button?.replace_name) {
      // the short form only renames the pressed button; find the card by its last response code
      const last = [...this.cards.entries()].reverse().find(([k]) => k.startsWith(`${user}\n`));
      if (!last) return;
      taskId = last[0].slice(user.length + 1);
      card = { ...last[1], button_list: [{ text: String(body.button.replace_name), style: 4, key: `decided:${taskId}` }] };
    }
    if (!card) return;
    this.cards.set(`${user}\n${taskId}`, card);
    this.push({ side: 'staff', user, direction: 'out', via: 'update_template_card', kind: 'card_update', card, taskId });
  }

  private summarise(call: RecordedCall): ApiCall | undefined {
    const body = (call.body ?? {}) as Record<string, any>;
    const path = call.path.replace('/cgi-bin/', '');
    let summary: string;
    switch (call.path) {
      case '/cgi-bin/gettoken':
        summary = '企业微信 access_token';
        break;
      case '/cgi-bin/token':
      case '/cgi-bin/stable_token':
        summary = '公众号 access_token';
        break;
      case '/cgi-bin/message/send':
        summary = `${body.msgtype} → ${body.touser}`;
        break;
      case '/cgi-bin/message/update_template_card':
        summary = `更新卡片 ${body.template_card?.task_id ?? ''} → ${(body.userids ?? []).join(',')}`;
        break;
      case '/cgi-bin/message/custom/send':
      case '/cgi-bin/message/template/send':
      case '/cgi-bin/message/subscribe/bizsend':
        summary = `→ ${body.touser}`;
        break;
      default:
        summary = '';
    }
    const ok = Boolean(call.ok);
    const errcode = call.response?.errcode;
    return { at: call.at, path, ok, summary: ok || errcode === undefined ? summary : `${summary} (errcode ${errcode})`.trim() };
  }

  private push(message: Omit<ChatMessage, 'id' | 'at'>): ChatMessage {
    const full: ChatMessage = { id: ++this.sequence, at: Date.now(), ...message };
    this.messages.push(full);
    if (this.messages.length > MAX_LOG) this.messages.splice(0, this.messages.length - MAX_LOG);
    this.emit('message', full);
    return full;
  }
}

function customText(body: Record<string, any>): string {
  switch (body.msgtype) {
    case 'text':
      return String(body.text?.content ?? '');
    case 'news':
      return (body.news?.articles ?? []).map((a: any) => `${a.title ?? ''} ${a.url ?? ''}`.trim()).join('\n') || '[图文消息]';
    default:
      return `[${String(body.msgtype)} 消息]`;
  }
}

function templateText(body: Record<string, any>): string {
  const data = (body.data ?? {}) as Record<string, { value?: string }>;
  const lines = Object.values(data)
    .map((entry) => entry?.value)
    .filter(Boolean);
  return lines.length ? lines.join('\n') : `[模板消息 ${String(body.template_id ?? '')}]`;
}
