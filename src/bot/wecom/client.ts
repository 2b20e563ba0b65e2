import type { Logger } from 'pino';
import type { WecomConfig } from '../../../config';
import type { Database } from '../../entities/database';
import { callApi, NetworkError, PlatformApiError, TOKEN_ERRCODES, TokenedApi } from '../api-client';
import { TokenCache } from '../token-cache';

/** The WeCom calls this bot makes, and no others (PROTOCOL.md §6). */

export interface SendResult {
  errcode?: number;
  errmsg?: string;
  msgid?: string;
  response_code?: string;
  invaliduser?: string;
}

/** An upload slower than this is treated as a network failure and retried by the outbox. */
const UPLOAD_TIMEOUT_MS = 30_000;

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

  /** message/send: text, markdown, image or template_card to members (`a|b`). */
  send(touser: string, body: Record<string, unknown>): Promise<SendResult> {
    return this.api.call<SendResult>('/cgi-bin/message/send', {
      body: { touser, agentid: this.config.agentId, enable_duplicate_check: 0, ...body },
    });
  }

  /**
   * auth/getuserinfo (PROTOCOL.md §9): the member a console login code belongs to. The code is
   * single use and lives 5 minutes. A member answers `userid`; anyone else (an external contact,
   * a WeChat user) answers `openid` / `external_userid` and gets undefined: not staff.
   */
  async userIdForCode(code: string): Promise<string | undefined> {
    const answer = await this.api.call<{ errcode?: number; errmsg?: string; userid?: string; UserId?: string }>('/cgi-bin/auth/getuserinfo', { query: { code } });
    const userId = answer.userid ?? answer.UserId;
    return typeof userId === 'string' && userId !== '' ? userId : undefined;
  }

  /**
   * media/upload (type=image): a temporary image (valid 3 days) for an image message. Multipart,
   * so not through the JSON call path; same error split: platform errcode vs network failure,
   * and one token refresh on a token error.
   */
  async uploadImage(png: Buffer, filename: string, type: 'image' | 'voice' | 'video' | 'file' = 'image', contentType = 'image/png'): Promise<string> {
    const attempt = async (token: string) => {
      const url = new URL(`${this.config.apiBase}/cgi-bin/media/upload`);
      url.searchParams.set('access_token', token);
      url.searchParams.set('type', type);
      const form = new FormData();
      form.append('media', new Blob([png], { type: contentType }), filename);
      let response: Response;
      try {
        response = await fetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS) });
      } catch (error) {
        throw new NetworkError('/cgi-bin/media/upload', (error as Error).message);
      }
      if (response.status >= 500 || response.status === 429) throw new NetworkError('/cgi-bin/media/upload', `HTTP ${response.status}`, response.status);
      let json: { errcode?: number; errmsg?: string; media_id?: string };
      try {
        json = (await response.json()) as typeof json;
      } catch {
        throw new NetworkError('/cgi-bin/media/upload', `HTTP ${response.status} with a body that is not JSON`, response.status);
      }
      if (json.errcode) throw new PlatformApiError('/cgi-bin/media/upload', json.errcode, json.errmsg ?? '');
      if (!json.media_id) throw new PlatformApiError('/cgi-bin/media/upload', -1, 'answered without a media_id');
      return json.media_id;
    };
    const token = await this.api.tokens.get();
    try {
      return await attempt(token);
    } catch (error) {
      if (!(error instanceof PlatformApiError) || !TOKEN_ERRCODES.has(error.errcode)) throw error;
      await this.api.tokens.invalidate(token);
      return attempt(await this.api.tokens.get());
    }
  }

  updateTemplateCard(userIds: string[], responseCode: string, templateCard: Record<string, unknown>): Promise<SendResult> {
    return this.api.call<SendResult>('/cgi-bin/message/update_template_card', {
      body: { userids: userIds, partyids: [], tagids: [], atall: 0, agentid: this.config.agentId, response_code: responseCode, template_card: templateCard },
    });
  }
}
