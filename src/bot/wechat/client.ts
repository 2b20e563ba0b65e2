import type { Logger } from 'pino';
import type { WechatConfig } from '../../../config';
import type { Database } from '../../entities/database';
import { callApi, TokenedApi } from '../api-client';
import { TokenCache } from '../token-cache';

/** The Official Account calls this bot makes (PROTOCOL.md §6). */

interface Answer {
  errcode?: number;
  errmsg?: string;
  msgid?: number | string;
}

export class WechatClient {
  readonly api: TokenedApi;

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
