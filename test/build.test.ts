import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/**
 * Issue 12, item 6: the production build. `npm start` runs the JavaScript tsconfig.build.json
 * emits, with node alone: TypeScript and ts-node are build tools, not run-time ones. The build is
 * compiled here into a folder of its own (inside the project, so node_modules resolves as it does
 * for dist/), which checks the build config as it is now rather than whatever dist/ last held.
 */

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'test-output', `build-${process.pid}`);
const BUILD_TOOLS = /^(ts-node|typescript)(\/|$)/;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string>, cwd = ROOT): Promise<Run> {
  const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

beforeAll(async () => {
  rmSync(OUT, { recursive: true, force: true });
  const tsc = await run([join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', OUT], {});
  if (tsc.code !== 0) throw new Error(`tsc -p tsconfig.build.json failed:\n${tsc.stdout}${tsc.stderr}`);
}, 300_000);

afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe('the npm scripts', () => {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

  it('npm start and the operator commands run the compiled JavaScript with node; npm run dev keeps ts-node', () => {
    expect(scripts.start).toMatch(/^node (--[\w-]+(=\d+)? )*dist\/src\/main\.js$/);
    expect(scripts.backup).toMatch(/^node (--[\w-]+ )*dist\/scripts\/backup\.js$/);
    expect(scripts['check:data']).toMatch(/^node (--[\w-]+ )*dist\/scripts\/check-data\.js$/);
    expect(scripts.dev).toBe('ts-node --transpile-only src/main.ts');
  });

  it('npm install builds with tsconfig.build.json, and npm test still type-checks everything before jest', () => {
    expect(scripts.prepare).toBe('npm run build');
    expect(scripts.build).toContain('tsc -p tsconfig.build.json');
    expect(scripts.test).toBe('tsc --noEmit -p . && tsc --noEmit -p console && jest');
    // the staff console's pages (issue 21) are built by the same npm install, into dist/console
    expect(scripts.build).toMatch(/&& npm run build:console$/);
    expect(scripts['build:console']).toContain('vite build --config console/vite.config.mts');
  });
});

describe('the build', () => {
  it('holds the bot, its configuration and the operator scripts: no tests, no benchmarks', () => {
    expect(readdirSync(OUT).sort()).toEqual(['config', 'scripts', 'src']);
    expect(filesUnder(join(OUT, 'src')).map((file) => relative(OUT, file))).toContain(join('src', 'main.js'));
  });

  it('requires neither TypeScript nor ts-node anywhere', () => {
    const offenders = filesUnder(OUT)
      .filter((file) => file.endsWith('.js'))
      .filter((file) => /(require\(|import\(|from )\s*["'](ts-node|typescript)(\/[^"']*)?["']/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(OUT, file));
    expect(offenders).toEqual([]);
  });

  it('starts with node alone, answers /healthz, stops cleanly on SIGTERM, and its backup and check:data commands run', async () => {
    const data = mkdtempSync(join(tmpdir(), 'bot-build-'));
    // loading TypeScript or ts-node at run time fails the start outright, so the check covers
    // what the start really loads, not only what the files spell
    const guard = join(data, 'no-build-tools.js');
    writeFileSync(
      guard,
      `const Module = require('node:module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (${BUILD_TOOLS}.test(request)) throw new Error('a build tool was loaded at run time: ' + request);
  return resolve.call(this, request, ...rest);
};
`,
    );
    const port = await freePort();
    const env = { DATABASE_URL: `sqlite:${join(data, 'bot.sqlite')}`, PORT: String(port), LOG_LEVEL: 'info' };
    // started from another folder: nothing may be looked up relative to the working directory
    const child = spawn(process.execPath, ['-r', guard, join(OUT, 'src', 'main.js')], {
      cwd: data,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // a bot that never comes up is ended so the test fails with its output instead of hanging
    const hang = setTimeout(() => child.kill('SIGKILL'), 120_000);
    try {
      const listening = await new Promise<boolean>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString('utf8');
          if (stdout.includes('listening on')) resolve(true);
        });
        void exited.then(() => resolve(false));
      });
      expect({ listening, stderr }).toEqual({ listening: true, stderr: '' });
      const started = stdout.split('\n').find((line) => line.includes('listening on'))!;
      expect(JSON.parse(started)).toMatchObject({ port, database: `sqlite ${join(data, 'bot.sqlite')}`, wechat: 'sandbox (no credentials)' });

      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stdout).toContain('shutting down');
      expect(stderr).toBe('');

      const backup = await run(['-r', guard, join(OUT, 'scripts', 'backup.js'), join(data, 'copies')], env, data);
      expect(backup).toMatchObject({ code: 0, stderr: '' });
      expect(backup.stdout).toMatch(/^backup written: .*copies\/bot-.*\.sqlite/);

      const check = await run(['-r', guard, join(OUT, 'scripts', 'check-data.js')], env, data);
      expect(check).toMatchObject({ code: 0, stderr: '' });
    } finally {
      clearTimeout(hang);
      child.kill('SIGKILL');
      rmSync(data, { recursive: true, force: true });
    }
  }, 180_000);
});
