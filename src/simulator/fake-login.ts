import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/**
 * WeCom's login pages as the fake platform plays them (PROTOCOL.md §9): in-app OAuth
 * (`oauth2/authorize`, snsapi_base) and the desktop QR login (`wwlogin/sso/login`,
 * login_type=CorpApp). The browser goes straight back to redirect_uri with a fresh single-use code
 * for `loginAs` and the caller's state, or with the state alone when nobody is logged in (a
 * refused scan). Returns whether a code was issued.
 */
export function serveLogin(url: URL, res: ServerResponse, loginAs: string | undefined, codes: Map<string, string>, choices: { userId: string; label: string }[] = []): boolean {
  const q = url.searchParams;
  // a person trying the simulator picks who they are (as=…); tests set loginAs instead
  const chosen = q.get('as');
  if (loginAs === undefined && chosen === null && choices.length > 0) {
    const link = (userId: string) => {
      const next = new URL(url.toString());
      next.searchParams.set('as', userId);
      return `${next.pathname}${next.search}`.replace(/&/g, '&amp;');
    };
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>企业微信登录（模拟）</title><body style="font-family:sans-serif;max-width:26rem;margin:2rem auto;padding:0 1rem"><h3>企业微信登录（模拟器）</h3><p>选择以哪位成员身份登录：</p><ul>${choices.map((c) => `<li><a href="${link(c.userId)}">${c.label.replace(/[<&]/g, '')}</a></li>`).join('')}</ul></body>`);
    return false;
  }
  if (loginAs === undefined && chosen !== null && choices.some((c) => c.userId === chosen)) loginAs = chosen;
  const wellFormed = url.pathname === '/connect/oauth2/authorize' ? q.get('scope') === 'snsapi_base' && q.get('response_type') === 'code' && Boolean(q.get('agentid')) : q.get('login_type') === 'CorpApp' && Boolean(q.get('agentid'));
  let back: URL | undefined;
  try {
    back = new URL(q.get('redirect_uri') ?? '');
  } catch {
    back = undefined;
  }
  if (!wellFormed || !back || !q.get('appid')) {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('参数错误');
    return false;
  }
  if (loginAs !== undefined) {
    const code = `code_${randomBytes(12).toString('hex')}`;
    codes.set(code, loginAs);
    back.searchParams.set('code', code);
  }
  back.searchParams.set('state', q.get('state') ?? '');
  res.writeHead(302, { location: back.toString() });
  res.end();
  return loginAs !== undefined;
}
