import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '../config';
import { checkData, formatReport } from '../src/data-check';
import { longestRetryMs } from '../src/bot/outbox';
import { Customer, OutboxMessage, Ticket } from '../src/entities';
import type { Database } from '../src/entities/database';
import { describeEachDatabase } from './support/databases';
import { addCase } from './support/seed';

/**
 * npm run check:data (issue 18): a clean database passes; an orphan planted with the foreign keys
 * switched off for that one insert, a case without a number and an outbox row stuck past its
 * retries are each reported, and the script exits non-zero.
 */

const ROOT = join(__dirname, '..');
const NOW = Date.parse('2026-11-30T02:00:00Z');
const config = loadConfig({});

/** One insert with foreign-key checks off on its own connection, as a hand edit or an old restore would. */
async function withoutForeignKeys(db: Database, sql: string, parameters: unknown[]): Promise<void> {
  await db.serial(async () => {
    const runner = db.source.createQueryRunner();
    try {
      await runner.query(db.kind === 'sqlite' ? 'PRAGMA foreign_keys = OFF' : 'SET FOREIGN_KEY_CHECKS = 0');
      await runner.query(sql, parameters);
    } finally {
      await runner.query(db.kind === 'sqlite' ? 'PRAGMA foreign_keys = ON' : 'SET FOREIGN_KEY_CHECKS = 1');
      await runner.release();
    }
  });
}

function runScript(databaseUrl: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(ROOT, 'scripts', 'check-data.ts')], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, TS_NODE_TRANSPILE_ONLY: 'true', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout }));
  });
}

describeEachDatabase('npm run check:data', ({ db, dialect, skipped }) => {
  it('passes on a database that keeps its promises', async () => {
    if (skipped()) return;
    await db().write((m) => addCase(m));
    const report = await checkData(db(), config, NOW);
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
    // every foreign key was looked at, and the other checks
    expect(report.checks).toBeGreaterThan(30);
    expect(formatReport(report)).toContain('无问题');
  });

  it('reports an orphan planted past the foreign keys, a case without a number and a stuck outbox row — and the script exits non-zero', async () => {
    if (skipped()) return;
    const { ticket } = await db().write((m) => addCase(m));
    const q = (name: string) => db().source.driver.escape(name);
    // the keys refuse this write on their own...
    await expect(db().write((m) => m.update(Ticket, { id: ticket.id }, { customerId: 424242 }))).rejects.toThrow(/foreign key/i);
    // ...so it is planted the way only a hand edit could
    await withoutForeignKeys(db(), `UPDATE ${q('ticket')} SET ${q('customerId')} = ? WHERE ${q('id')} = ?`, [424242, ticket.id]);
    const unnumbered = await db().write((m) => addCase(m));
    await db().write((m) => m.update(Ticket, { id: unnumbered.ticket.id }, { number: '' }));
    const stuck = await db().write(async (m) => {
      const createdAt = NOW - longestRetryMs(config.outbox.maxAttempts) - 60_000;
      const result = await m.insert(OutboxMessage, { dedupKey: `stuck:${dialect}`, platform: 'wechat', kind: 'text', recipient: 'o_stuck', payload: { type: 'text', text: '您好' }, status: 'pending', attempts: 3, nextAttemptAt: createdAt, lockedUntil: null, lastError: '45009', result: null, createdAt, deliveredAt: null });
      return Number(result.identifiers[0].id);
    });
    // a row still inside its retries is not stuck
    await db().write((m) => m.insert(OutboxMessage, { dedupKey: `fresh:${dialect}`, platform: 'wechat', kind: 'text', recipient: 'o_fresh', payload: { type: 'text', text: '您好' }, status: 'pending', attempts: 1, nextAttemptAt: NOW, lockedUntil: null, lastError: null, result: null, createdAt: NOW - 60_000, deliveredAt: null }));

    const report = await checkData(db(), config, NOW);
    expect(report.ok).toBe(false);
    expect(report.findings).toEqual([
      { check: 'orphan', subject: 'ticket.customerId → customer', count: 1, ids: [ticket.id] },
      { check: 'case_without_number', subject: 'ticket', count: 1, ids: [unnumbered.ticket.id] },
      { check: 'outbox_stuck', subject: 'outbox_message', count: 1, ids: [stuck] },
    ]);
    const text = formatReport(report);
    expect(text).toContain(`ticket.customerId → customer: 1 (id ${ticket.id})`);
    expect(text).not.toContain('o_stuck');
    expect(await db().reader.countBy(Customer, { id: 424242 })).toBe(0);

    const where = db().config;
    const url = where.kind === 'sqlite' ? `sqlite:${where.file}` : where.url;
    const run = await runScript(url);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('ticket.customerId → customer: 1');
  }, 60_000);
});
