import type { RunningBot } from './harness';
import { oaEvent, oaSafeRequest, oaText, openReply, wecomCardClick, wecomRequest, wecomText } from './wx';

/** Talking to a running bot the way the platforms do, and reading back what it answered. */

export function contentOf(replyXml: string): string {
  return /<Content><!\[CDATA\[([\s\S]*?)]]><\/Content>/.exec(replyXml)?.[1] ?? '';
}

async function answer(bot: RunningBot, request: { path: string; body: string }, platform: 'wechat' | 'wecom'): Promise<string> {
  const response = await bot.post(request.path, request.body);
  if (response.status !== 200) throw new Error(`${platform} callback answered ${response.status}: ${response.text}`);
  if (response.text === '' || response.text === 'success') return '';
  return contentOf(openReply(response.text, platform));
}

/** A customer writes to the Official Account; resolves with the passive reply's text. */
export function customerSays(bot: RunningBot, openid: string, text: string): Promise<string> {
  return answer(bot, oaSafeRequest(oaText(openid, text)), 'wechat');
}

export function customerEvent(bot: RunningBot, openid: string, event: string, key?: string): Promise<string> {
  return answer(bot, oaSafeRequest(oaEvent(openid, event, key)), 'wechat');
}

/** A member writes to the WeCom app. */
export function staffSays(bot: RunningBot, userId: string, text: string): Promise<string> {
  return answer(bot, wecomRequest(wecomText(userId, text)), 'wecom');
}

/** A member presses a card button (a real encrypted template_card_event). */
export function staffClicks(bot: RunningBot, userId: string, taskId: string, key: string, responseCode?: string): Promise<string> {
  return answer(bot, wecomRequest(wecomCardClick(userId, taskId, key, { responseCode })), 'wecom');
}

export async function adminGet<T = any>(bot: RunningBot, path: string, token = 'test-admin-token-for-the-bot-under-test'): Promise<{ status: number; body: T }> {
  const response = await fetch(bot.url + path, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as T };
}

export async function adminSend<T = any>(bot: RunningBot, method: string, path: string, body: unknown, token = 'test-admin-token-for-the-bot-under-test'): Promise<{ status: number; body: T }> {
  const response = await fetch(bot.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': typeof body === 'string' ? 'text/csv' : 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}
