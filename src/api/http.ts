import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';

/** Admin API plumbing: bearer auth, JSON errors, parameter parsing. */

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Constant-time token check. Both sides are hashed first so the compare always runs over 32 bytes:
 * neither the time nor an early length mismatch tells a caller how long the token is.
 */
export function tokenMatches(presented: string, token: string): boolean {
  return timingSafeEqual(sha256(presented), sha256(token));
}

export function requireAdmin(token: string | undefined, log: Logger) {
  return async (ctx: Context, next: Next) => {
    if (!token) throw new ApiError(503, 'the admin API is disabled: set ADMIN_TOKEN');
    const presented = /^Bearer\s+(.+)$/i.exec(ctx.get('authorization'))?.[1] ?? '';
    if (!tokenMatches(presented, token)) {
      log.warn({ audit: 'admin_auth_refused', path: ctx.path.slice(0, 200), ip: ctx.ip }, 'admin API: bad or missing bearer token');
      throw new ApiError(401, 'missing or wrong bearer token');
    }
    await next();
  };
}

/** Thrown by canonicalPath for a path whose percent-encoding is broken. */
export class MalformedPath extends Error {}

/**
 * The path as a lenient router could read it: percent-decoded until it no longer changes,
 * backslashes as slashes, Unicode compatibility forms folded (ＡＰＩ, the Kelvin sign), lower
 * case, empty and "." segments dropped and ".." applied. Used only to decide which requests are
 * admin requests, so it errs towards "admin": a spelling it maps onto /api needs the token.
 */
export function canonicalPath(raw: string): string {
  let path = raw;
  for (let i = 0; i < 5; i++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      throw new MalformedPath('malformed percent-encoding');
    }
    if (decoded === path) break;
    path = decoded;
  }
  const segments: string[] = [];
  for (const segment of path.replace(/\\/g, '/').normalize('NFKC').toLowerCase().split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return '/' + segments.join('/');
}

/** True when the request, however spelled, is meant for the admin API under /api. */
export function isAdminPath(raw: string): boolean {
  const path = canonicalPath(raw);
  return path === '/api' || path.startsWith('/api/');
}

/**
 * Mounts the admin API at the application level. Every request whose canonical path falls under
 * /api must present the bearer token before any router sees it, and the admin router is only ever
 * run behind that check: a spelling the check does not recognise never reaches the admin routes
 * at all (it falls through to 404). The routers matching case-insensitively, decoding or
 * tolerating a trailing slash therefore cannot open a way around the token.
 */
export function adminGate(token: string | undefined, log: Logger, api: (ctx: Context, next: Next) => Promise<unknown>) {
  const errors = apiErrors(log);
  const auth = requireAdmin(token, log);
  return async (ctx: Context, next: Next) => {
    let admin: boolean;
    try {
      admin = isAdminPath(ctx.path);
    } catch (error) {
      if (!(error instanceof MalformedPath)) throw error;
      log.warn({ audit: 'bad_path', ip: ctx.ip }, 'request refused: malformed percent-encoding in the path');
      ctx.status = 400;
      ctx.body = { error: 'malformed percent-encoding in the path' };
      return;
    }
    if (!admin) return next();
    await errors(ctx, () => auth(ctx, () => api(ctx, next)));
  };
}

export function apiErrors(log: Logger) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof ApiError) {
        ctx.status = error.status;
        ctx.body = { error: error.message };
        return;
      }
      log.error({ err: error, path: ctx.path }, 'admin API failed');
      ctx.status = 500;
      ctx.body = { error: 'internal error' };
    }
  };
}

export function idParam(value: string | undefined): number {
  if (!value || !/^\d{1,10}$/.test(value)) throw new ApiError(400, 'id must be a positive whole number');
  return Number(value);
}

export function optionalString(ctx: Context, name: string, allowed?: readonly string[]): string | undefined {
  const value = ctx.query[name];
  if (value === undefined || value === '') return undefined;
  if (Array.isArray(value)) throw new ApiError(400, `${name} given more than once`);
  if (allowed && !allowed.includes(value)) throw new ApiError(400, `${name} must be one of ${allowed.join(', ')}`);
  if (value.length > 128) throw new ApiError(400, `${name} is too long`);
  return value;
}

export function paging(ctx: Context): { take: number; skip: number } {
  const limit = optionalString(ctx, 'limit');
  const offset = optionalString(ctx, 'offset');
  const take = limit === undefined ? 50 : Number(limit);
  const skip = offset === undefined ? 0 : Number(offset);
  if (!Number.isInteger(take) || take < 1 || take > 500) throw new ApiError(400, 'limit must be 1-500');
  if (!Number.isInteger(skip) || skip < 0) throw new ApiError(400, 'offset must be ≥ 0');
  return { take, skip };
}

export function monthParam(ctx: Context): string {
  const month = optionalString(ctx, 'month');
  if (!month || !/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new ApiError(400, 'month must be YYYY-MM');
  return month;
}

export const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
