import { timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';

/** Admin API plumbing: bearer auth, JSON errors, parameter parsing. */

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export function requireAdmin(token: string | undefined, log: Logger) {
  return async (ctx: Context, next: Next) => {
    if (!token) throw new ApiError(503, 'the admin API is disabled: set ADMIN_TOKEN');
    const presented = /^Bearer\s+(.+)$/i.exec(ctx.get('authorization'))?.[1] ?? '';
    const a = Buffer.from(presented);
    const b = Buffer.from(token);
    if (a.length !== b.length || !timingSafeEqual(a, b)) {
      log.warn({ audit: 'admin_auth_refused', path: ctx.path, ip: ctx.ip }, 'admin API: bad or missing bearer token');
      throw new ApiError(401, 'missing or wrong bearer token');
    }
    await next();
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
