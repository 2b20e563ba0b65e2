/* eslint-disable no-console */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { understand } from '../src/handlers/understanding';
import { platformEnv } from '../test/support/wx';

/**
 * `npm run bench` (part of it), issue 19:
 * 1. Forged callbacks: a ~16 KB body of many elements with a plausible Encrypt and a forged
 *    msg_signature, against the real bot (verifies before parsing) and against the baseline
 *    (bench/baseline.ts parses the envelope first, as the bot used to). Refusals per second.
 * 2. understand() on a 4,000-character message against a 40-character one, in this process:
 *    ms per call for a realistic long message and for the inputs that used to be quadratic.
 *
 *   BENCH_SECONDS=5   seconds per forged-body run
 *   BENCH_CONNECTIONS=50
 */

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number((process.env.BENCH_CONNECTIONS ?? '50').split(',').pop());
const ROOT = join(__dirname, '..');

function start(mode: 'bot' | 'baseline', env: Record<string, string>): Promise<{ proc: ChildProcess; port: number }> {
  const proc = fork(join(__dirname, 'child.ts'), [], {
    env: { ...process.env, ...env, BENCH_MODE: mode },
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    cwd: ROOT,
  });
  proc.stdout!.resume(); // the bot's log lines (one per refusal) are part of its cost, not of this report
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`${mode} child exited with ${code}`)));
    proc.on('message', (message: { type: string; port?: number }) => {
      if (message.type === 'ready') resolve({ proc, port: message.port! });
    });
  });
}

async function forgedRun(port: number, path: '/wecom' | '/wechat'): Promise<{ rps: number; p99: number; statuses: string }> {
  const encrypt = Buffer.alloc(96, 7).toString('base64');
  const filler = '<Item><Id>1</Id></Item>'.repeat(680);
  const body = `<xml><ToUserName><![CDATA[x]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt>${filler}</xml>`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const query = path === '/wecom' ? `msg_signature=${'a'.repeat(40)}` : `encrypt_type=aes&msg_signature=${'a'.repeat(40)}&signature=${'b'.repeat(40)}`;
  const statuses: Record<string, number> = {};
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${path}?${query}&timestamp=${timestamp}&nonce=1`,
    method: 'POST',
    body,
    headers: { 'content-type': 'text/xml' },
    connections: CONNECTIONS,
    duration: SECONDS,
    setupClient: (client) => client.on('response', (status: number) => void (statuses[status] = (statuses[status] ?? 0) + 1)),
  } as autocannon.Options);
  return { rps: Math.round(result.requests.average), p99: result.latency.p99, statuses: Object.entries(statuses).map(([s, n]) => `${s}×${n}`).join(' ') };
}

function msPerCall(text: string, now: number): number {
  for (let i = 0; i < 3; i++) understand(text, now); // warm-up
  const samples: number[] = [];
  const deadline = Date.now() + 1500;
  while (samples.length < 5 || (Date.now() < deadline && samples.length < 400)) {
    const t0 = process.hrtime.bigint();
    understand(text, now);
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

async function main(): Promise<void> {
  console.log(`\nForged callbacks (${SECONDS} s, ${CONNECTIONS} connections, body ≈ 16 KB of many elements, forged msg_signature)\n`);
  const dir = mkdtempSync(join(tmpdir(), 'bot-bench-forged-'));
  const rows: string[] = ['| server | endpoint | refused/s | p99 ms | answers | vs baseline |', '|---|---|---|---|---|---|'];
  const baseline = await start('baseline', {});
  const bot = await start('bot', {
    ...platformEnv('http://127.0.0.1:9'),
    DATABASE_URL: `sqlite:${join(dir, 'bot.sqlite')}`,
    DATA_KEY: Buffer.alloc(32, 11).toString('base64'),
    JOBS_ENABLED: 'false',
  });
  try {
    for (const path of ['/wecom', '/wechat'] as const) {
      const base = await forgedRun(baseline.port, path);
      const ours = await forgedRun(bot.port, path);
      rows.push(`| baseline (parse, then verify) | ${path} | ${base.rps} | ${base.p99} | ${base.statuses} | — |`);
      rows.push(`| bot (verify before parsing) | ${path} | ${ours.rps} | ${ours.p99} | ${ours.statuses} | ${(ours.rps / base.rps).toFixed(2)} |`);
    }
  } finally {
    for (const child of [baseline, bot]) {
      child.proc.removeAllListeners('exit');
      child.proc.kill();
    }
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(rows.join('\n'));

  const now = Date.parse('2026-11-26T02:00:00Z');
  const corpus = (JSON.parse(readFileSync(join(ROOT, 'test/fixtures/intent-corpus.json'), 'utf8')) as { text: string }[]).map((c) => c.text);
  const fill = (unit: string, length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  const short = fill('阿姨今天迟到了两个小时，孩子哭了也不管，我要投诉', 40);
  const inputs: [string, string][] = [
    ['40 characters (a complaint)', short],
    ['4,000 characters: corpus messages joined', fill(corpus.join('，'), 4000)],
    ['4,000 characters: 2,000 negated cues in one clause (没偷…)', fill('没偷', 4000)],
    ['4,000 characters: one run of Chinese numerals', fill('一二三四五六七八九十', 4000)],
  ];
  console.log('\nunderstand() per call (median, in-process)\n');
  const base = msPerCall(short, now);
  console.log('| message | ms per call | vs 40 characters |\n|---|---|---|');
  for (const [name, text] of inputs) {
    const ms = msPerCall(text, now);
    console.log(`| ${name} | ${ms.toFixed(2)} | ${(ms / base).toFixed(0)}× |`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
