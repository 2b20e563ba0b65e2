import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Context, Next } from 'koa';
import { say } from '../../../config/say';

/**
 * The console's front-end: the static files Vite built into dist/console (`npm run build`, which
 * `npm install` runs), served by this same process under /console. Any page path that is not a
 * file gets index.html, so a `详情` link (/console/cases/TS…) opens the right page after a reload.
 */

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.json': 'application/json' };

/** dist/console of the project, found from this file whether it runs from src/ (ts-node) or dist/src/. */
export function consoleDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist', 'console');
    dir = resolve(dir, '..');
  }
  return resolve(__dirname, '../../../dist/console');
}

/** Headers for every console response: no sniffing, no framing, scripts only from here. */
export function securityHeaders(ctx: Context): void {
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('Referrer-Policy', 'same-origin');
  // antd writes its styles into <style> tags at run time: styles inline, scripts never
  ctx.set('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
}

export function serveConsole(dir = consoleDir()) {
  const root = normalize(dir + sep);
  return async (ctx: Context, next: Next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path !== '/console' && !ctx.path.startsWith('/console/')) return next();
    if (ctx.path.startsWith('/console/api/') || ctx.path.startsWith('/console/auth/') || ctx.path.startsWith('/console/forms/')) return next();
    securityHeaders(ctx);
    const relative = decodeURIComponent(ctx.path.slice('/console'.length)).replace(/^\/+/, '');
    const candidate = normalize(join(root, relative));
    const isFile = candidate.startsWith(root) && relative !== '' && existsSync(candidate) && statSync(candidate).isFile();
    const file = isFile ? candidate : join(root, 'index.html');
    if (!existsSync(file)) {
      ctx.status = 503;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = say('console.notBuilt');
      return;
    }
    ctx.type = TYPES[extname(file)] ?? 'application/octet-stream';
    // hashed asset names never change; index.html must always be fresh
    ctx.set('Cache-Control', isFile && relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-store');
    ctx.body = readFileSync(file);
  };
}
