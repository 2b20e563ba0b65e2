import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { IsNull, Not } from 'typeorm';
import type { Config } from '../../../config';
import { ConsoleSession, Staff } from '../../entities';
import type { Database } from '../../entities/database';
import { isUniqueViolation } from '../../entities/errors';
import { ApiError } from '../http';
import { say } from '../../../config/say';

/**
 * Console sessions (R-WB-1): server-side rows (ConsoleSession), a random token in an HttpOnly,
 * SameSite=Lax cookie (Secure when the request came over HTTPS, which behind a proxy means
 * TRUST_PROXY=true), a CSRF token the page sends back in X-CSRF-Token on every request that
 * changes something, an idle timeout and a longest life.
 */

export const SESSION_COOKIE = 'console_sid';
export const CSRF_HEADER = 'x-csrf-token';
/** lastSeenAt is written at most this often, not on every request. */
const TOUCH_EVERY_MS = 60_000;

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
const randomToken = () => randomBytes(32).toString('base64url');

export interface SessionState {
  session: ConsoleSession;
  staff: Staff;
}

export class Sessions {
  constructor(
    private readonly db: Database,
    private readonly settings: Config['console'],
    private readonly now: () => number,
  ) {}

  /**
   * Claims a WeCom login code before it is exchanged: the code is single use, and the unique
   * codeHash makes a second callback with it (a reload, a retry, a second instance) stop here.
   * Returns undefined when the code was claimed before.
   */
  async claimCode(code: string, via: 'oauth' | 'sso'): Promise<{ id: number; token: string } | undefined> {
    const token = randomToken();
    const at = this.now();
    try {
      const id = await this.db.write(async (m) => {
        const row = await m.save(m.create(ConsoleSession, { tokenHash: sha256(token), codeHash: sha256(code), staffId: null, csrfToken: randomToken(), via, createdAt: at, lastSeenAt: at }));
        return row.id;
      });
      return { id, token };
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  /** The exchanged code belonged to this member of staff: the claimed row becomes their session. */
  async complete(id: number, staffId: number): Promise<void> {
    await this.db.write((m) => m.update(ConsoleSession, { id }, { staffId, lastSeenAt: this.now() }));
  }

  /** The development login: a session without a code. */
  async open(staffId: number, via: 'dev'): Promise<string> {
    const token = randomToken();
    const at = this.now();
    await this.db.write((m) => m.insert(ConsoleSession, { tokenHash: sha256(token), codeHash: null, staffId, csrfToken: randomToken(), via, createdAt: at, lastSeenAt: at }));
    return token;
  }

  async end(id: number): Promise<void> {
    await this.db.write((m) => m.delete(ConsoleSession, { id }));
  }

  /** The live session a cookie names, with its active member of staff; undefined otherwise. */
  async find(token: string | undefined): Promise<SessionState | undefined> {
    if (!token || token.length > 64) return undefined;
    const session = await this.db.reader.findOneBy(ConsoleSession, { tokenHash: sha256(token), staffId: Not(IsNull()) });
    if (!session) return undefined;
    const now = this.now();
    if (now - session.lastSeenAt > this.settings.idleMinutes * 60_000 || now - session.createdAt > this.settings.maxHours * 3_600_000) {
      await this.end(session.id);
      return undefined;
    }
    const staff = await this.db.reader.findOneBy(Staff, { id: session.staffId! });
    // a member deactivated since logging in is logged out at their next request
    if (!staff?.active) {
      await this.end(session.id);
      return undefined;
    }
    if (now - session.lastSeenAt > TOUCH_EVERY_MS) {
      await this.db.write((m) => m.update(ConsoleSession, { id: session.id }, { lastSeenAt: now }));
      session.lastSeenAt = now;
    }
    return { session, staff };
  }
}

export function setSessionCookie(ctx: Context, token: string): void {
  ctx.cookies.set(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/console', overwrite: true });
}

export function clearSessionCookie(ctx: Context): void {
  ctx.cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/console', maxAge: 0, overwrite: true });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameToken(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Every /console/api request but the login ones: a live session (401 otherwise), and for anything
 * but GET/HEAD the session's CSRF token in X-CSRF-Token (403 otherwise). The cookie is SameSite=Lax
 * already; the token also stops a same-site page (another app on a sibling domain) from acting.
 */
export function requireSession(sessions: Sessions, log: Logger) {
  return async (ctx: Context, next: Next) => {
    const found = await sessions.find(ctx.cookies.get(SESSION_COOKIE));
    if (!found) {
      clearSessionCookie(ctx);
      throw new ApiError(401, say('console.session.needed'));
    }
    if (!SAFE_METHODS.has(ctx.method) && !sameToken(ctx.get(CSRF_HEADER), found.session.csrfToken)) {
      log.warn({ audit: 'console_csrf_refused', user: found.staff.wecomUserId, path: ctx.path.slice(0, 200), ip: ctx.ip }, 'console: request without the session’s CSRF token refused');
      throw new ApiError(403, say('console.session.csrf'));
    }
    ctx.state.console = found;
    await next();
  };
}

export function stateOf(ctx: Context): SessionState {
  const state = ctx.state.console as SessionState | undefined;
  if (!state) throw new ApiError(401, say('console.session.needed'));
  return state;
}
