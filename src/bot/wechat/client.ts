import type { Logger } from 'pino';
import { REAL_WECHAT_API_BASE, type WechatConfig } from '../../../config';
import type { QrCodes } from '../../handlers/ports';
import type { Database } from '../../entities/database';
import { callApi, DownloadRefused, NetworkError, TokenedApi } from '../api-client';
import { TokenCache } from '../token-cache';

/** The Official Account calls this bot makes (PROTOCOL.md §6). */

interface Answer {
  errcode?: number;
  errmsg?: string;
  msgid?: number | string;
}

/** showqrcode lives on mp.weixin.qq.com and needs no token; a test or simulator base serves both. */
const REAL_QR_IMAGE_BASE = 'https://mp.weixin.qq.com';
/** A QR picture is a few KB; anything far larger is not one. */
const QR_IMAGE_MAX_BYTES = 512 * 1024;

export class WechatClient implements QrCodes {
  readonly api: TokenedApi;
  private readonly imageBase: string;

  constructor(config: WechatConfig, db: Database, log: Logger, now?: () => number) {
    const tokens = new TokenCache(
      db,
      `wechat:${config.id}`,
      async () => {
        const answer = await callApi<{ errcode?: number; errmsg?: string; access_token: string; expires_in: number }>(config.apiBase, '/cgi-bin/token', {
          query: { grant_type: 'client_credential', appid: config.id, secret: config.secret ?? '' },
        });
        return { token: answer.access_token, expiresInSeconds: answer.expires_in };
      },
      log,
      now,
    );
    this.api = new TokenedApi(config.apiBase, tokens);
    this.imageBase = config.apiBase === REAL_WECHAT_API_BASE ? REAL_QR_IMAGE_BASE : config.apiBase;
  }

  /** A temporary parametric QR code (QR_STR_SCENE) with an explicit lifetime (PROTOCOL.md §10). */
  async create(scene: string, expireSeconds: number): Promise<{ ticket: string; url: string; expireSeconds: number }> {
    const answer = await this.api.call<Answer & { ticket: string; url: string; expire_seconds?: number }>('/cgi-bin/qrcode/create', {
      body: { expire_seconds: expireSeconds, action_name: 'QR_STR_SCENE', action_info: { scene: { scene_str: scene } } },
    });
    return { ticket: answer.ticket, url: answer.url, expireSeconds: answer.expire_seconds ?? expireSeconds };
  }

  /** The code's picture (showqrcode: no token, the ticket URL-encoded). */
  async image(ticket: string): Promise<{ contentType: string; bytes: Buffer }> {
    const url = new URL(`${this.imageBase}/cgi-bin/showqrcode`);
    url.searchParams.set('ticket', ticket);
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      throw new NetworkError('/cgi-bin/showqrcode', (error as Error).message);
    }
    if (response.status >= 500) throw new NetworkError('/cgi-bin/showqrcode', `HTTP ${response.status}`, response.status);
    const contentType = response.headers.get('content-type') ?? '';
    if (response.status !== 200 || !contentType.startsWith('image/')) throw new DownloadRefused('/cgi-bin/showqrcode', `HTTP ${response.status} ${contentType.slice(0, 40)}`, response.status);
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > QR_IMAGE_MAX_BYTES) throw new DownloadRefused('/cgi-bin/showqrcode', 'picture too large');
    return { contentType, bytes };
  }

  /** Customer-service message: only within 48 h of the customer's last interaction (45015 otherwise). */
  sendText(openid: string, content: string): Promise<Answer> {
    return this.api.call<Answer>('/cgi-bin/message/custom/send', { body: { touser: openid, msgtype: 'text', text: { content } } });
  }

  /** Template message (服务号), usable outside the 48-hour window. */
  sendTemplate(openid: string, templateId: string, data: Record<string, { value: string }>, url?: string): Promise<Answer> {
    return this.api.call<Answer>('/cgi-bin/message/template/send', { body: { touser: openid, template_id: templateId, url, data } });
  }

  /** Subscribe notification (订阅通知): one send per consent. */
  sendSubscribe(openid: string, templateId: string, data: Record<string, { value: string }>, page?: string): Promise<Answer> {
    return this.api.call<Answer>('/cgi-bin/message/subscribe/bizsend', { body: { touser: openid, template_id: templateId, page, data } });
  }

  /** Custom menu (自定义菜单). */
  createMenu(menu: { button: unknown[] }): Promise<Answer> {
    return this.api.call<Answer>('/cgi-bin/menu/create', { body: menu });
  }
}
