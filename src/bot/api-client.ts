/**
 * Calls to the Tencent APIs (OA and WeCom share the shape): JSON in, JSON out, `errcode` in the
 * body even when HTTP says 200. Platform answers and network failures are different errors,
 * because they call for different reactions (PROTOCOL.md §6).
 */

/** A call that took longer than this is treated as a network failure and retried later. */
const CALL_TIMEOUT_MS = 10_000;

/** Token errors: refresh once and retry once. */
export const TOKEN_ERRCODES = new Set([40001, 40014, 42001]);
/** Rate limit / quota: back off, do not refresh. */
export const RATE_LIMIT_ERRCODES = new Set([45009, 45011, 45047]);
/**
 * Permanent for this message: outside the 48-hour window, not subscribed, bad openid/user,
 * a card already updated, and so on. Retrying sends nothing.
 */
export const PERMANENT_ERRCODES = new Set([45015, 43004, 40003, 81013, 82001, 40058, 40068, 44004, 45002]);

export class PlatformApiError extends Error {
  constructor(readonly method: string, readonly errcode: number, readonly errmsg: string) {
    super(`${method} answered errcode ${errcode}: ${errmsg}`);
    this.name = 'PlatformApiError';
  }
}

export class NetworkError extends Error {
  constructor(readonly method: string, detail: string, readonly httpStatus?: number) {
    super(`${method}: ${detail}`);
    this.name = 'NetworkError';
  }
}

export type Disposition = 'retry' | 'rate_limited' | 'permanent';

/** What the outbox should do about a failed delivery. */
export function dispositionOf(error: unknown): Disposition {
  if (error instanceof NetworkError) return 'retry';
  if (error instanceof PlatformApiError) {
    if (RATE_LIMIT_ERRCODES.has(error.errcode)) return 'rate_limited';
    if (PERMANENT_ERRCODES.has(error.errcode)) return 'permanent';
    // -1 is "system busy"; token errors that survived one refresh: try again later
    if (error.errcode === -1 || TOKEN_ERRCODES.has(error.errcode)) return 'retry';
    return 'permanent';
  }
  return 'retry';
}

export interface CallOptions {
  query?: Record<string, string | number>;
  body?: unknown;
}

export async function callApi<T extends { errcode?: number; errmsg?: string }>(
  base: string,
  path: string,
  options: CallOptions = {},
): Promise<T> {
  const url = new URL(base + path);
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, String(value));
  const method = path.split('?')[0];
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.body === undefined ? 'GET' : 'POST',
      headers: options.body === undefined ? undefined : { 'content-type': 'application/json; charset=utf-8' },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
  } catch (error) {
    throw new NetworkError(method, (error as Error).message);
  }
  if (response.status >= 500 || response.status === 429) {
    throw new NetworkError(method, `HTTP ${response.status}`, response.status);
  }
  let json: T;
  try {
    json = (await response.json()) as T;
  } catch {
    throw new NetworkError(method, `HTTP ${response.status} with a body that is not JSON`, response.status);
  }
  if (json.errcode !== undefined && json.errcode !== 0) {
    throw new PlatformApiError(method, json.errcode, json.errmsg ?? '');
  }
  return json;
}

export interface TokenSource {
  get(): Promise<string>;
  /** Drop the cached token if it is still this one (another instance may have refreshed already). */
  invalidate(token: string): Promise<void>;
}

/** An API that needs `access_token`: one refresh and one retry on a token error, never a loop. */
export class TokenedApi {
  constructor(readonly base: string, readonly tokens: TokenSource) {}

  async call<T extends { errcode?: number; errmsg?: string }>(path: string, options: CallOptions = {}): Promise<T> {
    const token = await this.tokens.get();
    try {
      return await callApi<T>(this.base, path, { ...options, query: { ...options.query, access_token: token } });
    } catch (error) {
      if (!(error instanceof PlatformApiError) || !TOKEN_ERRCODES.has(error.errcode)) throw error;
      await this.tokens.invalidate(token);
      const fresh = await this.tokens.get();
      return callApi<T>(this.base, path, { ...options, query: { ...options.query, access_token: fresh } });
    }
  }
}

/** media/get: the file itself, or a JSON error body (errcode) with HTTP 200. */
export async function fetchMedia(base: string, tokens: TokenSource, mediaId: string, maxBytes: number): Promise<{ body: Buffer; contentType: string | null }> {
  const attempt = async (token: string) => {
    const url = new URL(`${base}/cgi-bin/media/get`);
    url.searchParams.set('access_token', token);
    url.searchParams.set('media_id', mediaId);
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    } catch (error) {
      throw new NetworkError('media/get', (error as Error).message);
    }
    if (response.status >= 500) throw new NetworkError('media/get', `HTTP ${response.status}`, response.status);
    const contentType = response.headers.get('content-type');
    const body = Buffer.from(await response.arrayBuffer());
    if (contentType?.includes('json') || contentType?.startsWith('text/plain')) {
      const json = JSON.parse(body.toString('utf8')) as { errcode?: number; errmsg?: string; video_url?: string };
      if (json.errcode) throw new PlatformApiError('media/get', json.errcode, json.errmsg ?? '');
      if (json.video_url) {
        const video = await fetch(json.video_url, { signal: AbortSignal.timeout(120_000) });
        return { body: Buffer.from(await video.arrayBuffer()), contentType: video.headers.get('content-type') };
      }
    }
    if (body.length > maxBytes) throw new PlatformApiError('media/get', 45002, `file of ${body.length} bytes is over the ${maxBytes}-byte limit`);
    return { body, contentType };
  };
  const token = await tokens.get();
  try {
    return await attempt(token);
  } catch (error) {
    if (!(error instanceof PlatformApiError) || !TOKEN_ERRCODES.has(error.errcode)) throw error;
    await tokens.invalidate(token);
    return attempt(await tokens.get());
  }
}
