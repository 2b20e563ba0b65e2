import type { Logger } from 'pino';
import type { WecomConfig } from '../../../config';
import type { Database } from '../../entities/database';
import { callApi, TokenedApi } from '../api-client';
import { TokenCache } from '../token-cache';

/** The WeCom calls this bot makes, and no others (PROTOCOL.md §6). */

export interface SendResult {
  errcode?: number;
  errmsg?: string;
  msgid?: string;
  response_code?: string;
  invaliduser?: string;
}

export class WecomClient {
  readonly api: TokenedApi;

  constructor(private readonly config: WecomConfig, db: Database, log: Logger, now?: () => number) {
    const tokens = new TokenCache(
      db,
      `wecom:${config.id}:${config.agentId}`,
      async () => {
        const answer = await callApi<{ errcode?: number; errmsg?: string; access_token: string; expires_in: number }>(config.apiBase, '/cgi-bin/gettoken', {
          query: { corpid: config.id, corpsecret: config.secret ?? '' },
        });
        return { token: answer.access_token, expiresInSeconds: answer.expires_in };
      },
      log,
      now,
    );
    this.api = new TokenedApi(config.apiBase, tokens);
  }

  /** message/send: text, markdown or template_card to members (`a|b`). */
  send(touser: string, body: Record<string, unknown>): Promise<SendResult> {
    return this.api.call<SendResult>('/cgi-bin/message/send', {
      body: { touser, agentid: this.config.agentId, enable_duplicate_check: 0, ...body },
    });
  }

  updateTemplateCard(userIds: string[], responseCode: string, templateCard: Record<string, unknown>): Promise<SendResult> {
    return this.api.call<SendResult>('/cgi-bin/message/update_template_card', {
      body: { userids: userIds, partyids: [], tagids: [], atall: 0, agentid: this.config.agentId, response_code: responseCode, template_card: templateCard },
    });
  }
}
