import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AdminApiError, type AdminView } from './admin';
import type { FakePlatform } from './fake-platform';
import type { ChatMessage, SimulatorSession } from './session';

/**
 * The simulator's HTTP server, one port (3100 by default) for everything:
 *
 * | path              | what |
 * |-------------------|------|
 * | `GET /`           | the page (page.html: plain HTML, CSS and DOM JavaScript, no build step) |
 * | `GET /sim/state`  | demo customers and the staff list (from the bot's admin API) |
 * | `GET /sim/events` | Server-Sent Events: every chat message in order (`?after=N` or Last-Event-ID replays) |
 * | `POST /sim/customer/say`, `/sim/customer/event` | a customer writes / follows: a real OA callback to the bot |
 * | `POST /sim/staff/say`, `/sim/staff/click`       | a member writes / presses a card button: a real WeCom callback |
 * | `GET /sim/records` | leads and tickets (with approvals) from the bot's admin API, for the timeline |
 * | `GET /sim/contracts`, `GET /sim/qrcode?customer=N`, `POST /sim/customer/scan` | running contracts, a customer's signing QR code, and "scanning" it |
 * | `/cgi-bin/*`      | the fake Tencent API (FakePlatform): the bot's WECHAT_API_BASE and WECOM_API_BASE point here |
 */

export interface BotLink {
  session: SimulatorSession;
  admin: AdminView;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function pageFile(): string {
  const candidates = [join(__dirname, 'page.html'), join(process.cwd(), 'src', 'simulator', 'page.html')];
  const found = candidates.find((file) => existsSync(file));
  if (!found) throw new Error('simulator page.html not found');
  return found;
}

export class SimulatorServer {
  private server: Server | undefined;
  private link: BotLink | undefined;
  private readonly streams = new Set<ServerResponse>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly platform: FakePlatform) {}

  async listen(port = 3100, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => void this.route(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.heartbeat = setInterval(() => {
      for (const stream of this.streams) stream.write(': ping\n\n');
    }, 15_000);
    this.heartbeat.unref();
    return this.url;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('simulator not started');
    return `http://${address.address === '::' || address.address === '0.0.0.0' ? '127.0.0.1' : address.address}:${address.port}`;
  }

  /** Connects the running bot: from now on the page can talk to it. */
  attach(link: BotLink): void {
    this.link = link;
    link.session.on('message', (message) => this.broadcast(message));
  }

  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const stream of this.streams) stream.end();
    this.streams.clear();
    this.link?.session.close();
    if (!this.server) return;
    const server = this.server;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (url.pathname.startsWith('/cgi-bin/') || url.pathname === '/connect/oauth2/authorize' || url.pathname === '/wwlogin/sso/login') return this.platform.handleRequest(req, res);
    try {
      if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(readFileSync(pageFile()));
        return;
      }
      if (req.method === 'GET' && url.pathname === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      if (!url.pathname.startsWith('/sim/')) throw new HttpError(404, 'not found');
      const link = this.link;
      if (!link) throw new HttpError(503, 'the bot is not running yet');
      if (req.method === 'GET' && url.pathname === '/sim/events') return this.events(req, res, url, link);
      if (req.method === 'GET' && url.pathname === '/sim/state') {
        return this.json(res, { customers: link.admin.demoCustomers(), staff: await link.admin.staff(), botUrl: link.session.botUrl });
      }
      if (req.method === 'GET' && url.pathname === '/sim/records') {
        return this.json(res, { ...(await link.admin.records()), apiCalls: link.session.apiCalls.slice(-12) });
      }
      if (req.method === 'GET' && url.pathname === '/sim/contracts') return this.json(res, { contracts: await link.admin.contracts() });
      // the QR code handed out at signing, as the contract sheet shows it: /sim/qrcode?customer=3
      if (req.method === 'GET' && url.pathname === '/sim/qrcode') {
        const customer = Number(url.searchParams.get('customer'));
        if (!Number.isInteger(customer) || customer <= 0) throw new HttpError(400, 'customer must be a customer id');
        const image = await link.admin.qrCode(customer);
        res.writeHead(200, { 'content-type': image.contentType, 'cache-control': 'no-store' });
        res.end(image.bytes);
        return;
      }
      if (req.method === 'GET' && url.pathname === '/sim/api-calls') return this.json(res, { calls: link.session.apiCalls.slice(-30) });
      if (req.method === 'POST') {
        const body = await readJson(req);
        const text = (name: string, max = 2000) => {
          const value = body[name];
          if (typeof value !== 'string' || value.trim() === '') throw new HttpError(400, `${name} is required`);
          if (value.length > max) throw new HttpError(400, `${name} is too long`);
          return value;
        };
        const id = (name: string) => {
          const value = text(name, 128).trim();
          if (!/^[\w@.-]+$/.test(value)) throw new HttpError(400, `${name} may hold letters, digits, _ - . @ only`);
          return value;
        };
        switch (url.pathname) {
          case '/sim/customer/say':
            await link.session.customerSays(id('openid'), text('text'));
            return this.json(res, { ok: true });
          case '/sim/customer/event': {
            const event = text('event', 32);
            if (!['subscribe', 'unsubscribe', 'CLICK'].includes(event)) throw new HttpError(400, 'event must be subscribe, unsubscribe or CLICK');
            await link.session.customerEvent(id('openid'), event, typeof body.key === 'string' ? body.key : undefined);
            return this.json(res, { ok: true });
          }
          case '/sim/customer/scan': {
            // "scanning" the customer's code: what WeChat sends for that code's scene, as a new follower or an existing one
            const customer = Number(body.customer);
            if (!Number.isInteger(customer) || customer <= 0) throw new HttpError(400, 'customer must be a customer id');
            const code = await link.admin.get<{ url: string }>(`/api/customers/${customer}/qrcode?format=json`);
            const scene = this.platform.sceneOfUrl(code.url);
            if (!scene) throw new HttpError(409, 'that QR code was not made on this simulator');
            const following = body.following === true;
            await link.session.customerEvent(id('openid'), following ? 'SCAN' : 'subscribe', following ? scene : `qrscene_${scene}`);
            return this.json(res, { ok: true });
          }
          case '/sim/staff/say':
            await link.session.staffSays(id('userId'), text('text'));
            return this.json(res, { ok: true });
          case '/sim/staff/click':
            await link.session.staffClicks(id('userId'), text('taskId', 128), text('key', 128));
            return this.json(res, { ok: true });
        }
      }
      throw new HttpError(404, 'not found');
    } catch (error) {
      const status = error instanceof HttpError ? error.status : error instanceof AdminApiError ? 502 : 500;
      if (!res.headersSent) this.json(res, { error: (error as Error).message }, status);
      else res.end();
    }
  }

  private json(res: ServerResponse, body: unknown, status = 200): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  }

  private events(req: IncomingMessage, res: ServerResponse, url: URL, link: BotLink): void {
    const after = Number(req.headers['last-event-id'] ?? url.searchParams.get('after') ?? 0) || 0;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    for (const message of link.session.since(after)) res.write(sse(message));
    this.streams.add(res);
    req.on('close', () => this.streams.delete(res));
  }

  private broadcast(message: ChatMessage): void {
    const frame = sse(message);
    for (const stream of this.streams) stream.write(frame);
  }
}

function sse(message: ChatMessage): string {
  return `id: ${message.id}\ndata: ${JSON.stringify(message)}\n\n`;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new HttpError(413, 'body too large');
    chunks.push(chunk as Buffer);
  }
  const raw = Buffer.concat(chunks).toString('utf8');
  if (!raw) return {};
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'body must be a JSON object');
  }
}
