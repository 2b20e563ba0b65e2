import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { Config } from '../../../config';
import { Staff } from '../../entities';
import type { Database } from '../../entities/database';
import { ApiError } from '../http';
import { readJsonObject } from '../upsert';
import { clearSessionCookie, SESSION_COOKIE, setSessionCookie, type Sessions } from './session';
import type { LoginOptions } from './types';
import { say } from '../../../config/say';

/**
 * Logging in to the console (R-WB-1, PROTOCOL.md §9). Inside the WeCom app the browser goes to
 * 网页授权 (`oauth2/authorize`, snsapi_base with the agentid) and comes back at once with a code;
 * in a desktop browser to 扫码登录 (`wwlogin/sso/login`, login_type=CorpApp). Both callbacks carry
 * `code` and our `state`; the code is claimed (single use), exchanged at /cgi-bin/auth/getuserinfo,
 * and the userid must be an active member of staff. `state` is also in a short-lived cookie, so a
 * callback this browser did not start is refused (login CSRF).
 */

/** Exchanges a login code for the member's WeCom UserID (undefined: not a member of the corp). */
export type ExchangeCode = (code: string) => Promise<string | undefined>;

const STATE_COOKIE = 'console_state';
const NEXT_COOKIE = 'console_next';
const STATE_MAX_AGE_MS = 10 * 60_000;

/** Where a login may return to: a path of the console, nothing that leaves the site. */
export function safeNext(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length > 300) return '/console/';
  return /^\/console(\/[A-Za-z0-9\-._~%/?=&#]*)?$/.test(raw) && !raw.includes('//') ? raw : '/console/';
}

function page(title: string, text: string): string {
  const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escape(title)}</title></head><body style="font-family:sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem"><h2>${escape(title)}</h2><p>${escape(text)}</p><p><a href="/console/auth/start">${escape(say('console.login.again'))}</a></p></body></html>`;
}

function refuse(ctx: Context, status: number, title: string, text: string): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = page(title, text);
}

export function authRoutes(deps: { config: Config; db: Database; sessions: Sessions; exchange: ExchangeCode | undefined; log: Logger }): Router {
  const { config, db, sessions, exchange, log } = deps;
  const router = new Router();
  const cookie = (ctx: Context) => ({ httpOnly: true, sameSite: 'lax' as const, secure: ctx.secure, path: '/console/auth', maxAge: STATE_MAX_AGE_MS, overwrite: true });

  router.get('/auth/options', (ctx) => {
    const options: LoginOptions = { wecom: Boolean(exchange), devLogin: config.console.devLogin };
    ctx.body = options;
  });

  /** Starts a WeCom login: in WeCom's own browser the in-app OAuth, elsewhere the QR login. */
  router.get('/auth/start', (ctx) => {
    const next = safeNext(ctx.query.next);
    if (config.console.devLogin) return ctx.redirect(`/console/login?next=${encodeURIComponent(next)}`);
    if (!exchange) return refuse(ctx, 503, say('console.login.failed'), say('console.login.noWecom'));
    const asked = ctx.query.via;
    const via = asked === 'oauth' || asked === 'sso' ? asked : /wxwork/i.test(ctx.get('user-agent')) ? 'oauth' : 'sso';
    const state = randomBytes(24).toString('hex');
    ctx.cookies.set(STATE_COOKIE, state, cookie(ctx));
    ctx.cookies.set(NEXT_COOKIE, encodeURIComponent(next), cookie(ctx));
    // Koa 3 answers "null" for ctx.origin here: built from protocol and host (both X-Forwarded-* only with TRUST_PROXY)
    const redirectUri = `${ctx.protocol}://${ctx.host}/console/auth/callback/${via}`;
    const { wecom } = config;
    if (via === 'oauth') {
      const url = new URL(`${wecom.oauthBase}/connect/oauth2/authorize`);
      url.search = new URLSearchParams({ appid: wecom.id, redirect_uri: redirectUri, response_type: 'code', scope: 'snsapi_base', state, agentid: String(wecom.agentId) }).toString();
      url.hash = 'wechat_redirect';
      return ctx.redirect(url.toString());
    }
    const url = new URL(`${wecom.ssoBase}/wwlogin/sso/login`);
    url.search = new URLSearchParams({ login_type: 'CorpApp', appid: wecom.id, agentid: String(wecom.agentId), redirect_uri: redirectUri, state }).toString();
    ctx.redirect(url.toString());
  });

  router.get('/auth/callback/:via', async (ctx) => {
    const via = ctx.params.via;
    if (via !== 'oauth' && via !== 'sso') return refuse(ctx, 404, say('console.login.failed'), say('console.login.badPath'));
    if (!exchange) return refuse(ctx, 503, say('console.login.failed'), say('console.login.noWecomShort'));
    const code = typeof ctx.query.code === 'string' ? ctx.query.code : '';
    const state = typeof ctx.query.state === 'string' ? ctx.query.state : '';
    const expected = ctx.cookies.get(STATE_COOKIE);
    const next = safeNext(decodeURIComponent(ctx.cookies.get(NEXT_COOKIE) ?? ''));
    if (!code) return refuse(ctx, 400, say('console.login.notLoggedIn'), say('console.login.scanRefused'));
    if (!/^[A-Za-z0-9_-]{1,512}$/.test(code)) return refuse(ctx, 400, say('console.login.failed'), say('console.login.badCode'));
    if (!expected || state !== expected) {
      log.warn({ audit: 'console_login_refused', reason: 'state_mismatch', ip: ctx.ip }, 'console login refused: the callback was not started by this browser');
      return refuse(ctx, 400, say('console.login.failed'), say('console.login.stateMismatch'));
    }
    const claimed = await sessions.claimCode(code, via);
    if (!claimed) {
      // the same code again (a reload of the callback): a browser already logged in just goes on
      if (await sessions.find(ctx.cookies.get(SESSION_COOKIE))) return ctx.redirect(next);
      log.warn({ audit: 'console_login_refused', reason: 'code_reused', ip: ctx.ip }, 'console login refused: the login code was used before');
      return refuse(ctx, 400, say('console.login.failed'), say('console.login.codeUsed'));
    }
    let userId: string | undefined;
    try {
      userId = await exchange(code);
    } catch (error) {
      log.warn({ audit: 'console_login_refused', reason: 'exchange_failed', err: (error as Error).message, ip: ctx.ip }, 'console login refused: WeCom did not accept the code');
      await sessions.end(claimed.id);
      return refuse(ctx, 400, say('console.login.failed'), say('console.login.exchangeFailed'));
    }
    const staff = userId ? await db.reader.findOneBy(Staff, { wecomUserId: userId }) : null;
    if (!staff?.active) {
      log.warn({ audit: 'console_login_refused', reason: userId ? 'not_active_staff' : 'not_a_member', user: userId, ip: ctx.ip }, 'console login refused: not an active member of staff');
      await sessions.end(claimed.id);
      return refuse(ctx, 403, say('console.login.forbidden'), say('console.login.notStaff'));
    }
    await sessions.complete(claimed.id, staff.id);
    ctx.cookies.set(STATE_COOKIE, '', { ...cookie(ctx), maxAge: 0 });
    setSessionCookie(ctx, claimed.token);
    log.info({ audit: 'console_login', user: staff.wecomUserId, via }, 'console: staff logged in');
    ctx.redirect(next);
  });

  /** Development login: choose a member of staff. Only with CONSOLE_DEV_LOGIN=true and no platform (config refuses otherwise). */
  router.get('/auth/dev', async (ctx) => {
    if (!config.console.devLogin) throw new ApiError(404, 'not found');
    const staff = await db.reader.find(Staff, { where: { active: true }, order: { id: 'ASC' } });
    ctx.body = { staff: staff.map((s) => ({ userId: s.wecomUserId, name: s.name, roles: s.roles.split(',') })) };
  });

  router.post('/auth/dev', async (ctx) => {
    if (!config.console.devLogin) throw new ApiError(404, 'not found');
    // JSON only: a form on another site cannot send it without the browser asking first (CORS)
    if (!ctx.is('application/json')) throw new ApiError(415, say('console.login.badRequest'));
    const body = await readJsonObject(ctx);
    const userId = typeof body.userId === 'string' ? body.userId : '';
    const staff = userId ? await db.reader.findOneBy(Staff, { wecomUserId: userId, active: true }) : null;
    if (!staff) throw new ApiError(404, say('console.login.noSuchStaff'));
    setSessionCookie(ctx, await sessions.open(staff.id, 'dev'));
    log.warn({ audit: 'console_login', user: staff.wecomUserId, via: 'dev' }, 'console: DEVELOPMENT LOGIN used (CONSOLE_DEV_LOGIN=true, no platform configured)');
    ctx.body = { ok: true };
  });

  return router;
}

export { clearSessionCookie };
