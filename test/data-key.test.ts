import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config';
import { backupName, backupSqlite } from '../src/backup';
import { dataKeyRequiredBecause } from '../src/data-key';
import { Database } from '../src/entities/database';
import { installDataKey } from '../src/entities/personal-data';
import { createLogger } from '../src/logger';
import { installPersonalDataKey } from '../src/startup';
import { CapturedLogs } from './support/harness';
import { platformEnv } from './support/wx';

/**
 * Issue 19, item 6: the personal-data key. A generated development key is for the pure sandbox
 * (SQLite, no platform) only; with MySQL or a platform configured a missing DATA_KEY stops the
 * start with a message naming it. The key never lands in the backup folder.
 */

const ROOT = join(__dirname, '..');
const SOME_KEY = Buffer.alloc(32, 9).toString('base64');
const tempDir = () => mkdtempSync(join(tmpdir(), 'bot-datakey-'));

afterAll(() => installDataKey(SOME_KEY));

/** `npm start` in a child process with exactly this environment (nothing inherited that configures the bot). */
function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src', 'main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // without the check the bot would start and serve: end it so the test fails instead of hanging
  const guard = setTimeout(() => child.kill('SIGKILL'), 40_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stderr });
    }),
  );
}

describe('when DATA_KEY is required', () => {
  it('is required for MySQL and for every configured platform, not for the pure SQLite sandbox', () => {
    expect(dataKeyRequiredBecause(loadConfig({}))).toBeUndefined();
    expect(dataKeyRequiredBecause(loadConfig({ DATABASE_URL: 'mysql://bot:pw@db:3306/aftersales' }))).toMatch(/MySQL/);
    expect(dataKeyRequiredBecause(loadConfig(platformEnv('http://127.0.0.1:9')))).toMatch(/WECHAT_\*, WECOM_\*/);
    expect(dataKeyRequiredBecause(loadConfig({ WECOM_CORPID: 'ww1', WECOM_SECRET: 's', WECOM_AGENTID: '1000002' }))).toMatch(/WECOM_\*/);
    expect(dataKeyRequiredBecause(loadConfig({ WECHATY_PUPPET: 'wechaty-puppet-mock' }))).toMatch(/WECHATY_PUPPET/);
  });

  it('npm start with MySQL and no DATA_KEY exits 2 with a message naming DATA_KEY, before touching the database', async () => {
    const { code, stderr } = await start({ DATABASE_URL: 'mysql://bot:pw@127.0.0.1:9/aftersales' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/invalid configuration: DATA_KEY is missing: DATABASE_URL is MySQL/);
    expect(stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  }, 60_000);

  it('npm start with a platform configured and no DATA_KEY exits 2 and writes no development key', async () => {
    const dir = tempDir();
    const { code, stderr } = await start({ ...platformEnv('http://127.0.0.1:9'), DATABASE_URL: `sqlite:${join(dir, 'bot.sqlite')}` });
    expect(code).toBe(2);
    expect(stderr).toMatch(/DATA_KEY is missing: a platform is configured/);
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);

  it('the pure sandbox still starts with a development key generated beside the SQLite file', () => {
    const dir = tempDir();
    const logs = new CapturedLogs();
    installPersonalDataKey(loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'bot.sqlite')}` }), createLogger('warn', logs.stream));
    expect(existsSync(join(dir, 'data.key'))).toBe(true);
    expect(logs.text()).toContain('generated a development key');
  });

  it('with DATA_KEY set nothing is written', () => {
    const dir = tempDir();
    installPersonalDataKey(loadConfig({ ...platformEnv('http://127.0.0.1:9'), DATA_KEY: SOME_KEY, DATABASE_URL: `sqlite:${join(dir, 'bot.sqlite')}` }), createLogger('silent'));
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('the key and the backups', () => {
  async function sqliteFile(dir: string): Promise<string> {
    const file = join(dir, 'bot.sqlite');
    const db = await Database.open({ kind: 'sqlite', file }, { migrate: true });
    await db.close();
    return file;
  }

  it('a backup is written without the key, and never into a folder that holds it', async () => {
    const data = tempDir();
    const file = await sqliteFile(data);
    writeFileSync(join(data, 'data.key'), SOME_KEY + '\n');
    const backups = join(data, 'backups');
    const { destination } = await backupSqlite(file, backupName(backups, new Date(Date.UTC(2026, 10, 18, 3)), 'sqlite'));
    expect(readdirSync(backups)).toEqual([destination.slice(backups.length + 1)]);
    // `npm run backup -- data` would put the copy beside the key
    await expect(backupSqlite(file, backupName(data, new Date(Date.UTC(2026, 10, 18, 4)), 'sqlite'))).rejects.toThrow(/holds data.key/);
    expect(readdirSync(data).filter((name) => name.startsWith('bot-'))).toEqual([]);
  });

  it('starting on a copy inside the backup folder without DATA_KEY writes no key there', () => {
    const base = tempDir();
    const backups = join(base, 'backups');
    mkdirSync(backups);
    const copy = backupName(backups, new Date(Date.UTC(2026, 10, 18, 3)), 'sqlite');
    writeFileSync(copy, '');
    const elsewhere = join(base, 'copies');
    mkdirSync(elsewhere);
    const named = backupName(elsewhere, new Date(Date.UTC(2026, 10, 18, 3)), 'sqlite');
    writeFileSync(named, '');
    for (const file of [copy, named]) {
      const config = loadConfig({ DATABASE_URL: `sqlite:${file}` });
      expect(() => installPersonalDataKey(config, createLogger('silent'))).toThrow(ConfigError);
      expect(() => installPersonalDataKey(config, createLogger('silent'))).toThrow(/DATA_KEY is missing and the database lies in a backup folder/);
    }
    expect(readdirSync(backups)).toEqual([copy.slice(backups.length + 1)]);
    expect(readdirSync(elsewhere)).toEqual([named.slice(elsewhere.length + 1)]);
  });
});
