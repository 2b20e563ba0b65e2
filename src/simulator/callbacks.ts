import { randomBytes } from 'node:crypto';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';

/**
 * Builds callbacks exactly as WeChat and WeCom send them (PROTOCOL.md §1-3), with @wecom/crypto,
 * whose output test/bot/crypto.test.ts checks against the official sample vectors. The test
 * suite (test/support/wx.ts re-exports this file) and the simulator use the same builders.
 *
 * The credentials below are test credentials (the OA values are those of the official samples):
 * the simulator configures the bot with them, so every callback it sends is signed and
 * encrypted for real, and every passive reply is opened and its signature checked.
 */

export interface OaCredentials {
  appId: string;
  ghId: string;
  token: string;
  aesKey: string;
  secret: string;
}

export interface WecomCredentials {
  corpId: string;
  agentId: string;
  token: string;
  aesKey: string;
  secret: string;
}

export const OA: OaCredentials = {
  appId: 'wx2c2769f8efd9abc2',
  ghId: 'gh_10f6c3c3ac5a',
  token: 'spamtest',
  aesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  secret: 'oa-secret',
};

export const WECOM: WecomCredentials = {
  corpId: 'wx5823bf96d3bd56c7',
  agentId: '1000002',
  token: 'QDG6eK',
  aesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  secret: 'wecom-secret',
};

/** The environment that points the bot at these credentials (and at a fake API server, if given). */
export function platformEnv(apiBase?: string, oa: OaCredentials = OA, wecom: WecomCredentials = WECOM): Record<string, string> {
  return {
    WECHAT_APPID: oa.appId,
    WECHAT_TOKEN: oa.token,
    WECHAT_AES_KEY: oa.aesKey,
    WECHAT_APPSECRET: oa.secret,
    WECOM_CORPID: wecom.corpId,
    WECOM_AGENTID: wecom.agentId,
    WECOM_TOKEN: wecom.token,
    WECOM_AES_KEY: wecom.aesKey,
    WECOM_SECRET: wecom.secret,
    // the console's WeCom login pages are the fake's too (oauth2/authorize, wwlogin/sso/login)
    ...(apiBase ? { WECHAT_API_BASE: apiBase, WECOM_API_BASE: apiBase, WECOM_OAUTH_BASE: apiBase, WECOM_SSO_BASE: apiBase } : {}),
  };
}

let sequence = 0;
export const nextMsgId = () => String(7_000_000_000_000_000_000n + BigInt(Date.now()) * 1000n + BigInt(sequence++));

/** CDATA cannot contain "]]>": split it the standard way. */
const cdata = (value: string) => `<![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
const nowSeconds = () => String(Math.floor(Date.now() / 1000));
const freshNonce = () => String(Math.floor(Math.random() * 1e9));

/** A one-shot ResponseCode as WeCom puts in every template_card_event. */
export const freshResponseCode = () => `rc-${randomBytes(6).toString('hex')}`;

export function oaText(openid: string, content: string, options: { msgId?: string; createTime?: number; oa?: OaCredentials } = {}): string {
  const oa = options.oa ?? OA;
  return (
    `<xml><ToUserName>${cdata(oa.ghId)}</ToUserName><FromUserName>${cdata(openid)}</FromUserName>` +
    `<CreateTime>${options.createTime ?? Math.floor(Date.now() / 1000)}</CreateTime><MsgType>${cdata('text')}</MsgType>` +
    `<Content>${cdata(content)}</Content><MsgId>${options.msgId ?? nextMsgId()}</MsgId></xml>`
  );
}

export function oaEvent(openid: string, event: string, eventKey?: string, createTime = Math.floor(Date.now() / 1000), oa: OaCredentials = OA): string {
  return (
    `<xml><ToUserName>${cdata(oa.ghId)}</ToUserName><FromUserName>${cdata(openid)}</FromUserName>` +
    `<CreateTime>${createTime}</CreateTime><MsgType>${cdata('event')}</MsgType><Event>${cdata(event)}</Event>` +
    (eventKey === undefined ? '' : `<EventKey>${cdata(eventKey)}</EventKey>`) +
    '</xml>'
  );
}

export function wecomText(userId: string, content: string, options: { msgId?: string; createTime?: number; wecom?: WecomCredentials } = {}): string {
  const wecom = options.wecom ?? WECOM;
  return (
    `<xml><ToUserName>${cdata(wecom.corpId)}</ToUserName><FromUserName>${cdata(userId)}</FromUserName>` +
    `<CreateTime>${options.createTime ?? Math.floor(Date.now() / 1000)}</CreateTime><MsgType>${cdata('text')}</MsgType>` +
    `<Content>${cdata(content)}</Content><MsgId>${options.msgId ?? nextMsgId()}</MsgId><AgentID>${wecom.agentId}</AgentID></xml>`
  );
}

/** A member pressed a button of a button_interaction card (template_card_event). */
export function wecomCardClick(
  userId: string,
  taskId: string,
  key: string,
  options: { responseCode?: string; createTime?: number; wecom?: WecomCredentials } = {},
): string {
  const wecom = options.wecom ?? WECOM;
  return (
    `<xml><ToUserName>${cdata(wecom.corpId)}</ToUserName><FromUserName>${cdata(userId)}</FromUserName>` +
    `<CreateTime>${options.createTime ?? Math.floor(Date.now() / 1000)}</CreateTime><MsgType>${cdata('event')}</MsgType>` +
    `<Event>${cdata('template_card_event')}</Event><EventKey>${cdata(key)}</EventKey><TaskId>${cdata(taskId)}</TaskId>` +
    `<CardType>${cdata('button_interaction')}</CardType><ResponseCode>${cdata(options.responseCode ?? freshResponseCode())}</ResponseCode>` +
    `<AgentID>${wecom.agentId}</AgentID></xml>`
  );
}

export interface SignedRequest {
  /** Path and query, e.g. `/wechat?signature=…`. */
  path: string;
  body: string;
}

/** OA safe mode: encrypted envelope, msg_signature over it, plain signature too. */
export function oaSafeRequest(
  plainXml: string,
  options: { timestamp?: string; nonce?: string; receiveId?: string; token?: string; oa?: OaCredentials } = {},
): SignedRequest {
  const oa = options.oa ?? OA;
  const timestamp = options.timestamp ?? nowSeconds();
  const nonce = options.nonce ?? freshNonce();
  const token = options.token ?? oa.token;
  const encrypted = encrypt(oa.aesKey, plainXml, options.receiveId ?? oa.appId);
  const msgSignature = getSignature(token, timestamp, nonce, encrypted);
  const signature = getSignature(token, timestamp, nonce, '');
  const openid = /<FromUserName><!\[CDATA\[([^\]]*)]]>/.exec(plainXml)?.[1] ?? '';
  const query = new URLSearchParams({ signature, timestamp, nonce, openid, encrypt_type: 'aes', msg_signature: msgSignature });
  return { path: `/wechat?${query}`, body: `<xml><ToUserName><![CDATA[${oa.ghId}]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>` };
}

/** OA plain mode: XML in clear, authenticated by the 3-field signature. */
export function oaPlainRequest(plainXml: string, options: { timestamp?: string; nonce?: string; token?: string; oa?: OaCredentials } = {}): SignedRequest {
  const timestamp = options.timestamp ?? nowSeconds();
  const nonce = options.nonce ?? freshNonce();
  const signature = getSignature(options.token ?? (options.oa ?? OA).token, timestamp, nonce, '');
  return { path: `/wechat?${new URLSearchParams({ signature, timestamp, nonce })}`, body: plainXml };
}

/** WeCom: always encrypted with the corpid as receive id. */
export function wecomRequest(
  plainXml: string,
  options: { timestamp?: string; nonce?: string; receiveId?: string; token?: string; wecom?: WecomCredentials } = {},
): SignedRequest {
  const wecom = options.wecom ?? WECOM;
  const timestamp = options.timestamp ?? nowSeconds();
  const nonce = options.nonce ?? freshNonce();
  const encrypted = encrypt(wecom.aesKey, plainXml, options.receiveId ?? wecom.corpId);
  const msgSignature = getSignature(options.token ?? wecom.token, timestamp, nonce, encrypted);
  return {
    path: `/wecom?${new URLSearchParams({ msg_signature: msgSignature, timestamp, nonce })}`,
    body: `<xml><ToUserName><![CDATA[${wecom.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt><AgentID><![CDATA[${wecom.agentId}]]></AgentID></xml>`,
  };
}

/** Opens an encrypted passive reply the way the platform would, checking its signature and receive id. */
export function openReply(body: string, platform: 'wechat' | 'wecom', credentials: { oa?: OaCredentials; wecom?: WecomCredentials } = {}): string {
  const oa = credentials.oa ?? OA;
  const wecom = credentials.wecom ?? WECOM;
  const expectedId = platform === 'wechat' ? { token: oa.token, aesKey: oa.aesKey, id: oa.appId } : { token: wecom.token, aesKey: wecom.aesKey, id: wecom.corpId };
  const field = (name: string) => new RegExp(`<${name}>(?:<!\\[CDATA\\[)?([^<\\]]*)`).exec(body)?.[1] ?? '';
  const encrypted = field('Encrypt');
  const expected = getSignature(expectedId.token, field('TimeStamp'), field('Nonce'), encrypted);
  if (expected !== field('MsgSignature')) throw new Error('reply signature does not verify');
  const opened = decrypt(expectedId.aesKey, encrypted);
  if (opened.id !== expectedId.id) throw new Error('reply receive id mismatch');
  return opened.message;
}

/** The text of a passive text reply's plaintext XML ('' when it has none). */
export function replyContent(replyXml: string): string {
  return /<Content><!\[CDATA\[([\s\S]*?)]]><\/Content>/.exec(replyXml)?.[1] ?? '';
}
