/**
 * Calls to the Tencent APIs (OA and WeCom share the shape): JSON in, JSON out, `errcode` in the
 * body even when HTTP says 200. Platform answers and network failures are different errors,
 * because they call for different reactions (PROTOCOL.md §6).
 */

import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** A call silent for longer than this is treated as a network failure and retried later. */
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
  if (error instanceof DownloadRefused) return 'permanent';
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

/**
 * One connection pool per scheme, kept alive between calls: the outbox makes one call per
 * message, and fetch (undici) cost about twice the CPU of node's own client for these small JSON
 * exchanges (issue 17, bench profile). An idle connection is closed after 4 s, before the 5 s a
 * node server (and most proxies) keep one open, so a call rarely meets a connection closed under it.
 */
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 64, timeout: 4_000 };
const agents = { 'http:': new HttpAgent(AGENT_OPTIONS), 'https:': new HttpsAgent(AGENT_OPTIONS) };

interface HttpAnswer {
  status: number;
  text: string;
}

/** A connection kept alive and closed by the server just as it was reused: the request never arrived. */
const STALE_CONNECTION = new Set(['ECONNRESET', 'EPIPE']);

function exchange(url: URL, body: string | undefined, retryOnStale = true): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const agent = agents[url.protocol as keyof typeof agents];
    if (!agent) return reject(new Error(`unsupported scheme ${url.protocol}`));
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      {
        method: body === undefined ? 'GET' : 'POST',
        agent,
        headers: body === undefined ? undefined : { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    // silent this long (no byte either way): given up, and retried later by the caller
    request.setTimeout(CALL_TIMEOUT_MS, () => request.destroy(new Error(`no answer within ${CALL_TIMEOUT_MS} ms`)));
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (retryOnStale && request.reusedSocket && STALE_CONNECTION.has(error.code ?? '')) resolve(exchange(url, body, false));
      else reject(error);
    });
    request.end(body);
  });
}

export async function callApi<T extends { errcode?: number; errmsg?: string }>(
  base: string,
  path: string,
  options: CallOptions = {},
): Promise<T> {
  const url = new URL(base + path);
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, String(value));
  const method = path.split('?')[0];
  let answer: HttpAnswer;
  try {
    answer = await exchange(url, options.body === undefined ? undefined : JSON.stringify(options.body));
  } catch (error) {
    throw new NetworkError(method, (error as Error).message);
  }
  if (answer.status >= 500 || answer.status === 429) {
    throw new NetworkError(method, `HTTP ${answer.status}`, answer.status);
  }
  let json: T;
  try {
    json = JSON.parse(answer.text) as T;
  } catch {
    throw new NetworkError(method, `HTTP ${answer.status} with a body that is not JSON`, answer.status);
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

/**
 * A download the platform refused for good: a 4xx other than 429 (an expired video link answers
 * 404), or a file over the size limit. Retrying fetches nothing better.
 */
export class DownloadRefused extends Error {
  constructor(readonly method: string, detail: string, readonly httpStatus?: number) {
    super(`${method}: ${detail}`);
    this.name = 'DownloadRefused';
  }
}

/** media/get answers within this; a video from its CDN link gets longer. */
const MEDIA_TIMEOUT_MS = 60_000;
const VIDEO_TIMEOUT_MS = 120_000;
/** An error body from media/get is a few dozen bytes of JSON; more than this is not one. */
const MEDIA_JSON_MAX_BYTES = 64 * 1024;

/**
 * Opens a download and checks its HTTP status before any byte of the body is read: 5xx and 429
 * are passing (retried), any other non-2xx is refused for good.
 */
async function openDownload(method: string, url: URL | string, timeoutMs: number): Promise<{ response: Response; abort: () => void }> {
  const controller = new AbortController();
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.any([controller.signal, AbortSignal.timeout(timeoutMs)]) });
  } catch (error) {
    throw new NetworkError(method, (error as Error).message);
  }
  const abort = () => controller.abort();
  if (response.status >= 500 || response.status === 429) {
    abort();
    throw new NetworkError(method, `HTTP ${response.status}`, response.status);
  }
  if (response.status < 200 || response.status > 299) {
    abort();
    throw new DownloadRefused(method, `HTTP ${response.status}`, response.status);
  }
  return { response, abort };
}

/**
 * Reads a body chunk by chunk and stops at `maxBytes`: a declared length over the limit is refused
 * before reading, an undeclared one as soon as the count passes it (the connection is dropped),
 * so a large or endless file never sits in memory whole.
 */
async function readCapped(method: string, download: { response: Response; abort: () => void }, maxBytes: number): Promise<Buffer> {
  const { response, abort } = download;
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    abort();
    throw new DownloadRefused(method, `file of ${declared} bytes is over the ${maxBytes}-byte limit`);
  }
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    let read: Awaited<ReturnType<typeof reader.read>>;
    try {
      read = await reader.read();
    } catch (error) {
      throw new NetworkError(method, `download broke off after ${total} bytes: ${(error as Error).message}`);
    }
    if (read.done) break;
    total += read.value.byteLength;
    if (total > maxBytes) {
      abort();
      await reader.cancel().catch(() => undefined);
      throw new DownloadRefused(method, `file over the ${maxBytes}-byte limit (stopped after ${total} bytes)`);
    }
    chunks.push(Buffer.from(read.value.buffer, read.value.byteOffset, read.value.byteLength));
  }
  return Buffer.concat(chunks, total);
}

/**
 * media/get: the file itself, or a JSON error body (errcode) with HTTP 200, or for a video a JSON
 * body with a `video_url` to download from. Every path checks the status and keeps to `maxBytes`.
 */
export async function fetchMedia(base: string, tokens: TokenSource, mediaId: string, maxBytes: number): Promise<{ body: Buffer; contentType: string | null }> {
  const attempt = async (token: string) => {
    const url = new URL(`${base}/cgi-bin/media/get`);
    url.searchParams.set('access_token', token);
    url.searchParams.set('media_id', mediaId);
    const download = await openDownload('media/get', url, MEDIA_TIMEOUT_MS);
    const contentType = download.response.headers.get('content-type');
    if (contentType?.includes('json') || contentType?.startsWith('text/plain')) {
      const raw = await readCapped('media/get', download, MEDIA_JSON_MAX_BYTES);
      let json: { errcode?: number; errmsg?: string; video_url?: string };
      try {
        json = JSON.parse(raw.toString('utf8')) as typeof json;
      } catch {
        throw new NetworkError('media/get', `HTTP ${download.response.status} with a ${contentType} body that is not JSON`, download.response.status);
      }
      if (json.errcode) throw new PlatformApiError('media/get', json.errcode, json.errmsg ?? '');
      if (!json.video_url) throw new PlatformApiError('media/get', -1, 'answered JSON without a file or a video_url');
      let videoUrl: URL;
      try {
        videoUrl = new URL(json.video_url);
      } catch {
        throw new DownloadRefused('media/get', 'video_url is not a URL');
      }
      if (videoUrl.protocol !== 'https:' && videoUrl.protocol !== 'http:') throw new DownloadRefused('media/get', 'video_url is not http(s)');
      const video = await openDownload('media/get video_url', videoUrl, VIDEO_TIMEOUT_MS);
      return { body: await readCapped('media/get video_url', video, maxBytes), contentType: video.response.headers.get('content-type') };
    }
    return { body: await readCapped('media/get', download, maxBytes), contentType };
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
