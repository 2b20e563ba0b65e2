import { randomBytes } from 'node:crypto';
import { encrypt, getSignature } from '@wecom/crypto';

/**
 * Builds callbacks exactly as WeChat and WeCom send them (PROTOCOL.md §1-3), with @wecom/crypto,
 * whose output test/bot/crypto.test.ts checks against the official sample vectors.
 */

export const OA = {
  appId: 'wx2c2769f8efd9abc2',
  ghId: 'gh_10f6c3c3ac5a',
  token: 'spamtest',
  aesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  secret: 'oa-secret',
};

export const WECOM = {
  corpId: 'wx5823bf96d3bd56c7',
  agentId: '1000002',
  token: 'QDG6eK',
  aesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  secret: 'wecom-secret',
};

export function platformEnv(apiBase?: string): Record<string, string> {
  return {
    WECHAT_APPID: OA.appId,
    WECHAT_TOKEN: OA.token,
    WECHAT_AES_KEY: OA.aesKey,
    WECHAT_APPSECRET: OA.secret,
    WECOM_CORPID: WECOM.corpId,
    WECOM_AGENTID: WECOM.agentId,
    WECOM_TOKEN: WECOM.token,
    WECOM_AES_KEY: WECOM.aesKey,
    WECOM_SECRET: WECOM.secret,
    ...(apiBase ? { WECHAT_API_BASE: apiBase, WECOM_API_BASE: apiBase } : {}),
  };
}

let sequence = 0;
export const nextMsgId = () => String(7_000_000_000_000_000_000n + BigInt(Date.now()) * 1000n + BigInt(sequence++));

const cdata = (value: string) => `<![CDATA[${value}]]>`;

export function oaText(openid: string, content: string, options: { msgId?: string; createTime?: number } = {}): string {
  return (
    `<xml><ToUserName>${cdata(OA.ghId)}</ToUserName><FromUserName>${cdata(openid)}</FromUserName>` +
    `<CreateTime>${options.createTime ?? Math.floor(Date.now() / 1000)}</CreateTime><MsgType>${cdata('text')}</MsgType>` +
    `<Content>${cdata(content)}</Content><MsgId>${options.msgId ?? nextMsgId()}</MsgId></xml>`
  );
}

export function oaEvent(openid: string, event: string, eventKey?: string, createTime = Math.floor(Date.now() / 1000)): string {
  return (
    `<xml><ToUserName>${cdata(OA.ghId)}</ToUserName><FromUserName>${cdata(openid)}</FromUserName>` +
    `<CreateTime>${createTime}</CreateTime><MsgType>${cdata('event')}</MsgType><Event>${cdata(event)}</Event>` +
    (eventKey === undefined ? '' : `<EventKey>${cdata(eventKey)}</EventKey>`) +
    '</xml>'
  );
}

export function wecomText(userId: string, content: string, options: { msgId?: string; createTime?: number } = {}): string {
  return (
    `<xml><ToUserName>${cdata(WECOM.corpId)}</ToUserName><FromUserName>${cdata(userId)}</FromUserName>` +
    `<CreateTime>${options.createTime ?? Math.floor(Date.now() / 1000)}</CreateTime><MsgType>${cdata('text')}</MsgType>` +
    `<Content>${cdata(content)}</Content><MsgId>${options.msgId ?? nextMsgId()}</MsgId><AgentID>${WECOM.agentId}</AgentID></xml>`
  );
}

export function wecomCardClick(userId: string, taskId: string, key: string, options: { responseCode?: string; createTime?: number } = {}): string {
  return (
    `<xml><ToUserName>${cdata(WECOM.corpId)}</ToUserName><FromUserName>${cdata(userId)}</FromUserName>` +
    `<CreateTime>${options.createTime ?? Math.floor(Date.now() / 1000)}</CreateTime><MsgType>${cdata('event')}</MsgType>` +
    `<Event>${cdata('template_card_event')}</Event><EventKey>${cdata(key)}</EventKey><TaskId>${cdata(taskId)}</TaskId>` +
    `<CardType>${cdata('button_interaction')}</CardType><ResponseCode>${cdata(options.responseCode ?? `rc-${randomBytes(6).toString('hex')}`)}</ResponseCode>` +
    `<AgentID>${WECOM.agentId}</AgentID></xml>`
  );
}

export interface SignedRequest {
  path: string;
  body: string;
}

const nowSeconds = () => String(Math.floor(Date.now() / 1000));
const freshNonce = () => String(Math.floor(Math.random() * 1e9));

/** OA safe mode: encrypted envelope, msg_signature over it, plain signature too. */
export function oaSafeRequest(plainXml: string, options: { timestamp?: string; nonce?: string; receiveId?: string; token?: string } = {}): SignedRequest {
  const timestamp = options.timestamp ?? nowSeconds();
  const nonce = options.nonce ?? freshNonce();
  const token = options.token ?? OA.token;
  const encrypted = encrypt(OA.aesKey, plainXml, options.receiveId ?? OA.appId);
  const msgSignature = getSignature(token, timestamp, nonce, encrypted);
  const signature = getSignature(token, timestamp, nonce, '');
  const openid = /<FromUserName><!\[CDATA\[([^\]]*)]]>/.exec(plainXml)?.[1] ?? '';
  const query = new URLSearchParams({ signature, timestamp, nonce, openid, encrypt_type: 'aes', msg_signature: msgSignature });
  return { path: `/wechat?${query}`, body: `<xml><ToUserName><![CDATA[${OA.ghId}]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>` };
}

/** OA plain mode: XML in clear, authenticated by the 3-field signature. */
export function oaPlainRequest(plainXml: string, options: { timestamp?: string; nonce?: string; token?: string } = {}): SignedRequest {
  const timestamp = options.timestamp ?? nowSeconds();
  const nonce = options.nonce ?? freshNonce();
  const signature = getSignature(options.token ?? OA.token, timestamp, nonce, '');
  return { path: `/wechat?${new URLSearchParams({ signature, timestamp, nonce })}`, body: plainXml };
}

export function wecomRequest(plainXml: string, options: { timestamp?: string; nonce?: string; receiveId?: string; token?: string } = {}): SignedRequest {
  const timestamp = options.timestamp ?? nowSeconds();
  const nonce = options.nonce ?? freshNonce();
  const encrypted = encrypt(WECOM.aesKey, plainXml, options.receiveId ?? WECOM.corpId);
  const msgSignature = getSignature(options.token ?? WECOM.token, timestamp, nonce, encrypted);
  return {
    path: `/wecom?${new URLSearchParams({ msg_signature: msgSignature, timestamp, nonce })}`,
    body: `<xml><ToUserName><![CDATA[${WECOM.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt><AgentID><![CDATA[${WECOM.agentId}]]></AgentID></xml>`,
  };
}

/** Opens an encrypted passive reply the way the platform would, checking its signature. */
export function openReply(body: string, platform: 'wechat' | 'wecom'): string {
  const { decrypt } = require('@wecom/crypto') as typeof import('@wecom/crypto');
  const credentials = platform === 'wechat' ? { token: OA.token, aesKey: OA.aesKey, id: OA.appId } : { token: WECOM.token, aesKey: WECOM.aesKey, id: WECOM.corpId };
  const field = (name: string) => new RegExp(`<${name}>(?:<!\\[CDATA\\[)?([^<\\]]*)`).exec(body)?.[1] ?? '';
  const encrypted = field('Encrypt');
  const expected = getSignature(credentials.token, field('TimeStamp'), field('Nonce'), encrypted);
  if (expected !== field('MsgSignature')) throw new Error('reply signature does not verify');
  const opened = decrypt(credentials.aesKey, encrypted);
  if (opened.id !== credentials.id) throw new Error('reply receive id mismatch');
  return opened.message;
}
