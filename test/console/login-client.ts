import type { FakePlatform } from '../../src/simulator/fake-platform';

/**
 * A browser in miniature for the console tests: a cookie jar, redirects followed by hand (so each
 * hop's cookies are kept, as a browser keeps them), the CSRF token the page would send.
 */
export class ConsoleClient {
  readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(readonly botUrl: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** One request, no redirect followed. */
  async raw(url: string, init: RequestInit = {}): Promise<Response> {
    const absolute = url.startsWith('http') ? url : this.botUrl + url;
    const headers = new Headers(init.headers);
    if (this.cookies.size && absolute.startsWith(this.botUrl)) headers.set('cookie', this.cookieHeader());
    const response = await fetch(absolute, { ...init, headers, redirect: 'manual' });
    if (absolute.startsWith(this.botUrl)) this.keep(response);
    return response;
  }

  /** GET following redirects (bot ⇄ fake WeCom); resolves with the last response. */
  async follow(url: string, userAgent?: string): Promise<{ response: Response; hops: string[] }> {
    const hops: string[] = [];
    let next = url;
    for (let i = 0; i < 8; i++) {
      const response = await this.raw(next, { headers: userAgent ? { 'user-agent': userAgent } : {} });
      const location = response.headers.get('location');
      if (!location || response.status < 300 || response.status >= 400) return { response, hops };
      next = new URL(location, next.startsWith('http') ? next : this.botUrl + next).toString();
      hops.push(next);
    }
    throw new Error('too many redirects');
  }

  /** Logs in through the fake WeCom as `userId` (QR login unless in WeCom's own browser). */
  async login(platform: FakePlatform, userId: string, via: 'sso' | 'oauth' = 'sso'): Promise<Response> {
    platform.loginAs = userId;
    const { response } = await this.follow('/console/auth/start?next=/console/', via === 'oauth' ? 'Mozilla/5.0 wxwork/4.1.0' : undefined);
    const me = await this.raw('/console/api/me');
    if (me.status === 200) this.csrf = ((await me.json()) as { csrfToken: string }).csrfToken;
    return response;
  }

  async json<T = Record<string, unknown>>(url: string): Promise<{ status: number; body: T }> {
    const response = await this.raw(url);
    return { status: response.status, body: (await response.json()) as T };
  }

  async post<T = Record<string, unknown>>(url: string, body: unknown, csrf = this.csrf): Promise<{ status: number; body: T }> {
    const response = await this.raw(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as T };
  }
}
