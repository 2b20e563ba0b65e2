import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/**
 * WeCom's login pages as the fake platform plays them (PROTOCOL.md §9): in-app OAuth
 * (`oauth2/authorize`, snsapi_base) and the desktop QR login (`wwlogin/sso/login`,
 * login_type=CorpApp). The browser goes straight back to redirect_uri with a fresh single-use code
 * for `loginAs` and the caller's state, or with the state alone when nobody is logged in (a
 * refused scan). Returns whether a code was issued.
 */
export function serveLogin(url: URL, res: ServerResponse, loginAs: string | undefined, codes: Map<string, string>): boolean {
  const q = url.searchParams;
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
