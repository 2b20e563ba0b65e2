import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serveLogin } from './fake-login';
import QRCode from 'qrcode';

/**
 * A local stand-in for the Tencent APIs the bot calls (OA and WeCom): gettoken/token,
 * message/send, update_template_card, custom/send, template/send, subscribe/bizsend, menu,
 * qrcode/create and showqrcode (the picture is a real QR code of the code's URL, as PNG).
 * It records every call, issues real-looking tokens that expire, and can be scripted to fail,
 * so tests (and the simulator) exercise the bot's real HTTP clients over a real socket.
 *
 * It is the one implementation of the platform side: the test suite starts it on its own port
 * (`start()`), the simulator mounts it inside its own HTTP server (`handleRequest`) and listens
 * to `on('call', …)` to show what the bot sent.
 */

export interface RecordedCall {
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown> | undefined;
  at: number;
  /** The platform answered success (errcode 0). */
  ok?: boolean;
  /** The JSON the platform answered (absent for media bytes and outages). */
  response?: Record<string, unknown>;
}

export interface FakePlatformEvents {
  /** Emitted once a call is answered, with `ok` and `response` filled in. */
  call: [RecordedCall];
}

/** What to answer instead of the normal result: an errcode body or an HTTP status. */
export type ScriptedAnswer = { errcode: number; errmsg?: string } | { httpStatus: number };

const TOKEN_TTL_SECONDS = 7200;

export class FakePlatform extends EventEmitter<FakePlatformEvents> {
  readonly calls: RecordedCall[] = [];
  private server: Server | undefined;
  private readonly validTokens = new Set<string>();
  private readonly scripted = new Map<string, ScriptedAnswer[]>();
  private responseCodeCounter = 0;
  /** Parametric QR codes made with qrcode/create, by ticket: what a simulated scan sends back. */
  readonly qrCodes = new Map<string, { scene: string; url: string; expireSeconds: number }>();
  private uploadCounter = 0;
  /** Slow media downloads, headers sent and body held until `releaseSlowMedia()`. */
  private readonly heldMedia: (() => void)[] = [];
  /** Everything a test can look at besides raw calls. */
  tokenIssued = 0;
  down = false;
  /** Body bytes written per media id (oversize ones stop when the bot hangs up). */
  readonly mediaBytesServed = new Map<string, number>();
  /** Media ids whose connection the bot closed before the body was complete. */
  readonly mediaHungUp = new Set<string>();
  /**
   * Who is "logged in to WeCom" in the browser: the console's login (oauth2/authorize or
   * wwlogin/sso/login) comes straight back with a code for this UserID, as WeCom's in-app OAuth
   * does without asking. A value starting with `o_` plays a WeChat user who is not a member
   * (getuserinfo then answers an openid). Unset: the login is refused (no code, as a refused scan).
   */
  loginAs: string | undefined;
  /** For a person at the simulator: with loginAs unset, the login page lists these to choose from. */
  loginChoices: { userId: string; label: string }[] = [];
  /** Login codes issued and not yet exchanged (single use, like WeCom's). */
  private readonly loginCodes = new Map<string, string>();

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => void this.handleRequest(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, resolve);
    });
    return this.url;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('fake platform not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  /** The next calls to `path` answer these, in order, before normal service resumes. */
  script(path: string, ...answers: ScriptedAnswer[]): void {
    this.scripted.set(path, [...(this.scripted.get(path) ?? []), ...answers]);
  }

  /** How many slow media downloads are waiting for `releaseSlowMedia()`. */
  get slowMediaWaiting(): number {
    return this.heldMedia.length;
  }

  /** Lets every held slow media download finish. */
  releaseSlowMedia(): void {
    for (const release of this.heldMedia.splice(0)) release();
  }

  /** Makes every issued token invalid, as when the platform revokes tokens early. */
  revokeTokens(): void {
    this.validTokens.clear();
  }

  callsTo(path: string): RecordedCall[] {
    return this.calls.filter((call) => call.path === path);
  }

  /** Messages delivered (not failed) to a path, bodies only. */
  delivered(path: string): Record<string, unknown>[] {
    return this.callsTo(path)
      .filter((call) => call.ok)
      .map((call) => call.body ?? {});
  }

  /** Serves one API request; another HTTP server (the simulator's) can hand `/cgi-bin/*` here. */
  async handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let call: RecordedCall | undefined;
    try {
      call = await this.handle(req, res);
    } finally {
      if (call) this.emit('call', call);
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<RecordedCall | undefined> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname === '/connect/oauth2/authorize' || url.pathname === '/wwlogin/sso/login') return this.serveLogin(url, res);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (url.pathname === '/cgi-bin/media/upload') return this.serveUpload(url, req.headers['content-type'] ?? '', Buffer.concat(chunks), res);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> | undefined;
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
    } catch {
      this.answer(res, { errcode: 47001, errmsg: 'data format error' });
      return undefined;
    }
    const call: RecordedCall = { path: url.pathname, query: Object.fromEntries(url.searchParams), body, at: Date.now() };
    this.calls.push(call);
    if (this.down) {
      this.answer(res, undefined, 503);
      return call;
    }
    const scripted = this.scripted.get(url.pathname)?.shift();
    if (scripted) {
      call.response = 'httpStatus' in scripted ? { errcode: -1, errmsg: 'scripted failure' } : { errmsg: 'scripted', ...scripted };
      this.answer(res, call.response, 'httpStatus' in scripted ? scripted.httpStatus : 200);
      return call;
    }
    if (url.pathname === '/cgi-bin/showqrcode') {
      await this.serveQrImage(url, res, call);
      return call;
    }
    if (url.pathname === '/cgi-bin/media/get') {
      this.serveMedia(url, req, res, call);
      return call;
    }
    if (url.pathname.startsWith('/media/video/')) {
      this.serveVideo(decodeURIComponent(url.pathname.slice('/media/video/'.length)), res, call);
      return call;
    }
    const result = this.serve(url, body);
    call.ok = result.errcode === 0 || result.errcode === undefined;
    call.response = result;
    this.answer(res, result);
    return call;
  }

  private serve(url: URL, body: Record<string, unknown> | undefined): Record<string, unknown> {
    const path = url.pathname;
    if (path === '/cgi-bin/gettoken' || path === '/cgi-bin/token') {
      const secret = url.searchParams.get('corpsecret') ?? url.searchParams.get('secret');
      if (!secret) return { errcode: 40001, errmsg: 'invalid credential' };
      const token = `tok_${randomBytes(12).toString('hex')}`;
      this.validTokens.add(token);
      this.tokenIssued++;
      return { errcode: 0, errmsg: 'ok', access_token: token, expires_in: TOKEN_TTL_SECONDS };
    }
    const token = url.searchParams.get('access_token');
    if (!token || !this.validTokens.has(token)) return { errcode: 42001, errmsg: 'access_token expired' };
    switch (path) {
      case '/cgi-bin/message/send': {
        const answer: Record<string, unknown> = { errcode: 0, errmsg: 'ok', msgid: `msg_${this.calls.length}` };
        if (body?.msgtype === 'template_card') answer.response_code = `rc_${++this.responseCodeCounter}`;
        return answer;
      }
      case '/cgi-bin/message/update_template_card':
        return body?.response_code ? { errcode: 0, errmsg: 'ok' } : { errcode: 40058, errmsg: 'invalid response_code' };
      case '/cgi-bin/message/custom/send':
      case '/cgi-bin/message/template/send':
      case '/cgi-bin/message/subscribe/bizsend':
        return { errcode: 0, errmsg: 'ok', msgid: this.calls.length };
      case '/cgi-bin/menu/create':
        return { errcode: 0, errmsg: 'ok' };
      case '/cgi-bin/qrcode/create':
        return this.createQrCode(body);
      case '/cgi-bin/auth/getuserinfo': {
        const code = url.searchParams.get('code') ?? '';
        const user = this.loginCodes.get(code);
        if (user === undefined) return { errcode: 40029, errmsg: 'invalid code' };
        this.loginCodes.delete(code);
        return user.startsWith('o_') ? { errcode: 0, errmsg: 'ok', openid: user } : { errcode: 0, errmsg: 'ok', userid: user };
      }
      default:
        return { errcode: 48001, errmsg: `api unauthorized: ${path}` };
    }
  }

  /** qrcode/create as PROTOCOL.md §10 describes it: QR_STR_SCENE with a 1-64 character scene and an explicit lifetime. */
  private createQrCode(body: Record<string, unknown> | undefined): Record<string, unknown> {
    const scene = (body?.action_info as { scene?: { scene_str?: unknown } } | undefined)?.scene?.scene_str;
    const expireSeconds = body?.expire_seconds;
    if (body?.action_name !== 'QR_STR_SCENE' || typeof scene !== 'string' || scene.length < 1 || scene.length > 64) return { errcode: 40097, errmsg: 'invalid args: scene_str' };
    if (typeof expireSeconds !== 'number' || expireSeconds < 60 || expireSeconds > 2_592_000) return { errcode: 40097, errmsg: 'invalid args: expire_seconds' };
    const ticket = `gQ${randomBytes(18).toString('base64url')}==`;
    const url = `http://weixin.qq.com/q/${randomBytes(9).toString('base64url')}`;
    this.qrCodes.set(ticket, { scene, url, expireSeconds });
    return { ticket, expire_seconds: expireSeconds, url };
  }

  /** The scene behind a QR URL (what the simulator "scans"). */
  sceneOfUrl(url: string): string | undefined {
    for (const code of this.qrCodes.values()) if (code.url === url) return code.scene;
    return undefined;
  }

  /** showqrcode: no token; an unknown ticket answers a 404 page, as the real host does. */
  private async serveQrImage(url: URL, res: ServerResponse, call: RecordedCall): Promise<void> {
    const code = this.qrCodes.get(url.searchParams.get('ticket') ?? '');
    if (!code) {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><body>404 Not Found</body></html>');
      return;
    }
    call.ok = true;
    const png = await QRCode.toBuffer(code.url, { type: 'png', margin: 2, width: 240 });
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(png.length) });
    res.end(png);
  }

  /** WeCom's login pages (PROTOCOL.md §9), in fake-login.ts. */
  private serveLogin(url: URL, res: ServerResponse): RecordedCall {
    const call: RecordedCall = { path: url.pathname, query: Object.fromEntries(url.searchParams), body: undefined, at: Date.now() };
    this.calls.push(call);
    call.ok = serveLogin(url, res, this.loginAs, this.loginCodes, this.loginChoices);
    return call;
  }

  /**
   * Media downloads answer bytes. The id says what to play:
   * - `expired…`: the platform's errcode 40007;
   * - `missing…`: HTTP 404 with a page, as a CDN answers;
   * - `oversize…`: an endless JPEG without a length, until the bot hangs up (bytes counted);
   * - `slow…`: headers and the first bytes at once, the rest on `releaseSlowMedia()`;
   * - `video…`: JSON with a `video_url` on this server (see `serveVideo`);
   * - anything else: a small JPEG naming the id.
   */
  private serveMedia(url: URL, req: IncomingMessage, res: ServerResponse, call: RecordedCall): void {
    const token = url.searchParams.get('access_token');
    if (!token || !this.validTokens.has(token)) return this.answer(res, { errcode: 42001, errmsg: 'access_token expired' });
    const mediaId = url.searchParams.get('media_id') ?? '';
    if (mediaId.startsWith('expired')) return this.answer(res, { errcode: 40007, errmsg: 'invalid media_id' });
    if (mediaId.startsWith('missing')) {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><body>404 Not Found</body></html>');
      return;
    }
    call.ok = true;
    if (mediaId.startsWith('video')) {
      return this.answer(res, { video_url: `http://${req.headers.host ?? '127.0.0.1'}/media/video/${encodeURIComponent(mediaId)}` });
    }
    if (mediaId.startsWith('oversize')) return this.serveEndless(mediaId, res, 'image/jpeg');
    const bytes = Buffer.from(`\xff\xd8fake-jpeg:${mediaId}`, 'latin1');
    res.writeHead(200, { 'content-type': 'image/jpeg' });
    if (mediaId.startsWith('slow')) {
      res.write(bytes.subarray(0, 2));
      this.heldMedia.push(() => res.end(bytes.subarray(2)));
      return;
    }
    res.end(bytes);
  }

  /**
   * A video's CDN link: `video_missing…` answers 404, `video_oversize…` an endless body without a
   * length, `video_declared_oversize…` declares 64 MB and streams it; others a small MP4.
   */
  private serveVideo(mediaId: string, res: ServerResponse, call: RecordedCall): void {
    if (mediaId.startsWith('video_missing')) {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><body>404 Not Found</body></html>');
      return;
    }
    call.ok = true;
    if (mediaId.startsWith('video_oversize')) return this.serveEndless(mediaId, res, 'video/mp4');
    if (mediaId.startsWith('video_declared_oversize')) return this.serveEndless(mediaId, res, 'video/mp4', 64 * 1024 * 1024);
    res.writeHead(200, { 'content-type': 'video/mp4' });
    res.end(Buffer.from(`fake-mp4:${mediaId}`, 'latin1'));
  }

  /**
   * Writes 64 KB chunks as fast as the client reads them, until it hangs up (or `length` bytes,
   * declared in Content-Length, have gone; without a length it stops at 256 MB as a safety net).
   */
  private serveEndless(mediaId: string, res: ServerResponse, contentType: string, length?: number): void {
    const limit = length ?? 256 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x5a);
    let served = 0;
    res.writeHead(200, length === undefined ? { 'content-type': contentType } : { 'content-type': contentType, 'content-length': String(length) });
    res.on('close', () => {
      if (served < limit) this.mediaHungUp.add(mediaId);
    });
    const pump = () => {
      while (served < limit && !res.destroyed) {
        const piece = chunk.subarray(0, Math.min(chunk.length, limit - served));
        served += piece.length;
        this.mediaBytesServed.set(mediaId, served);
        if (!res.write(piece)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end();
    };
    pump();
  }

  /**
   * media/upload (multipart, field `media`): answers a media_id like WeCom and records what came,
   * the file's size instead of its bytes (`body.media`).
   */
  private serveUpload(url: URL, contentType: string, raw: Buffer, res: ServerResponse): RecordedCall {
    const media = multipartFile(contentType, raw);
    const call: RecordedCall = { path: url.pathname, query: Object.fromEntries(url.searchParams), body: media ? { media } : undefined, at: Date.now() };
    this.calls.push(call);
    if (this.down) {
      this.answer(res, undefined, 503);
      return call;
    }
    const scripted = this.scripted.get(url.pathname)?.shift();
    const token = url.searchParams.get('access_token');
    call.response = scripted
      ? 'httpStatus' in scripted ? { errcode: -1, errmsg: 'scripted failure' } : { errmsg: 'scripted', ...scripted }
      : !token || !this.validTokens.has(token)
        ? { errcode: 42001, errmsg: 'access_token expired' }
        : !media || media.field !== 'media' || media.size === 0
          ? { errcode: 41005, errmsg: 'media data missing' }
          : { errcode: 0, errmsg: 'ok', type: url.searchParams.get('type') ?? 'image', media_id: `media_${++this.uploadCounter}`, created_at: String(Math.floor(Date.now() / 1000)) };
    call.ok = call.response.errcode === 0;
    this.answer(res, call.response, scripted && 'httpStatus' in scripted ? scripted.httpStatus : 200);
    return call;
  }

  private answer(res: ServerResponse, body: unknown, status = 200): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }
}

/** The first file of a multipart/form-data body: its field, name, type and size in bytes. */
function multipartFile(contentType: string, raw: Buffer): { field: string; filename: string; contentType: string; size: number } | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!boundary) return undefined;
  const delimiter = `--${boundary[1] ?? boundary[2]}`;
  const start = raw.indexOf(delimiter);
  const headersEnd = raw.indexOf('\r\n\r\n', start);
  if (start < 0 || headersEnd < 0) return undefined;
  const headers = raw.subarray(start + delimiter.length, headersEnd).toString('utf8');
  const end = raw.indexOf(`\r\n${delimiter}`, headersEnd + 4);
  if (end < 0) return undefined;
  return {
    field: /name="([^"]*)"/.exec(headers)?.[1] ?? '',
    filename: /filename="([^"]*)"/.exec(headers)?.[1] ?? '',
    contentType: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1] ?? '',
    size: end - (headersEnd + 4),
  };
}
