import type { Config } from '../config';
import { longestRetryMs } from './bot/outbox';
import type { Database } from './entities/database';

/**
 * `npm run check:data` (issue 18): what must never be in the database, counted. Foreign keys make
 * orphans impossible to write from now on, but a database restored from an old backup, edited by
 * hand or written with the keys switched off can still hold them; and some promises (one customer
 * per openid, a number on every case, an outbox that drains) are not keys at all.
 *
 * Only counts and ids, never personal data: the output is safe to paste into a ticket.
 */

export interface Finding {
  check: 'orphan' | 'duplicate_customer' | 'case_without_number' | 'outbox_stuck';
  /** What was checked: `ticket.customerId → customer`, `customer (wechat)`, `ticket`, `outbox_message`. */
  subject: string;
  count: number;
  /** A few row ids to start from (at most 10). */
  ids: number[];
}

export interface DataReport {
  ok: boolean;
  findings: Finding[];
  /** How many checks ran (every reference, then the others). */
  checks: number;
}

const SAMPLE = 10;

export async function checkData(db: Database, config: Pick<Config, 'outbox'>, now: number): Promise<DataReport> {
  const q = (name: string) => db.source.driver.escape(name);
  const rows = async (sql: string, parameters: unknown[] = []) => (await db.reader.query(sql, parameters)) as Record<string, unknown>[];
  const findings: Finding[] = [];
  let checks = 0;
  const found = (check: Finding['check'], subject: string, ids: unknown[], count = ids.length) => {
    if (count > 0) findings.push({ check, subject, count, ids: ids.slice(0, SAMPLE).map(Number) });
  };

  // every reference the entities declare as a foreign key, whether or not the database has it yet
  for (const entity of db.source.entityMetadatas) {
    for (const key of entity.foreignKeys) {
      checks++;
      const column = key.columnNames[0];
      const target = key.referencedEntityMetadata.tableName;
      const targetColumn = key.referencedColumnNames[0];
      const orphans = await rows(
        `SELECT ${q('id')} AS id FROM ${q(entity.tableName)} WHERE ${q(column)} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${q(target)} ${q('t')} WHERE ${q('t')}.${q(targetColumn)} = ${q(entity.tableName)}.${q(column)}) ORDER BY ${q('id')}`,
      );
      found('orphan', `${entity.tableName}.${column} → ${target}`, orphans.map((r) => r.id));
    }
  }

  checks++;
  const duplicates = await rows(
    `SELECT ${q('platform')} AS platform, COUNT(*) AS n, MIN(${q('id')}) AS firstId FROM ${q('customer')} WHERE ${q('externalId')} IS NOT NULL GROUP BY ${q('platform')}, ${q('externalId')} HAVING COUNT(*) > 1`,
  );
  for (const platform of new Set(duplicates.map((d) => String(d.platform)))) {
    const ofPlatform = duplicates.filter((d) => String(d.platform) === platform);
    found('duplicate_customer', `customer (${platform})`, ofPlatform.map((d) => d.firstId), ofPlatform.length);
  }

  for (const table of ['ticket', 'lead']) {
    checks++;
    const unnumbered = await rows(`SELECT ${q('id')} AS id FROM ${q(table)} WHERE ${q('number')} IS NULL OR ${q('number')} = '' ORDER BY ${q('id')}`);
    found('case_without_number', table, unnumbered.map((r) => r.id));
  }

  checks++;
  // pending for longer than every retry the worker may make, or pending with no retry left
  const stuck = await rows(
    `SELECT ${q('id')} AS id FROM ${q('outbox_message')} WHERE ${q('status')} = 'pending' AND (${q('createdAt')} < ? OR ${q('attempts')} >= ?) ORDER BY ${q('id')}`,
    [now - longestRetryMs(config.outbox.maxAttempts), config.outbox.maxAttempts],
  );
  found('outbox_stuck', 'outbox_message', stuck.map((r) => r.id));

  return { ok: findings.length === 0, findings, checks };
}

const EXPLAIN: Record<Finding['check'], string> = {
  orphan: '指向不存在的记录 (orphaned references)',
  duplicate_customer: '同一 openid 有多个客户 (duplicate customers for one openid)',
  case_without_number: '没有编号的工单/线索 (cases without a number)',
  outbox_stuck: '超过重试期限仍未发出的消息 (outbox rows stuck past their retries)',
};

/** The report as an operator reads it. */
export function formatReport(report: DataReport): string {
  if (report.ok) return `数据检查通过：${report.checks} 项检查，无问题。\n`;
  const lines = report.findings.map((f) => `  ${EXPLAIN[f.check]}: ${f.subject}: ${f.count}${f.ids.length ? ` (id ${f.ids.join(', ')}${f.count > f.ids.length ? ', …' : ''})` : ''}`);
  return `数据检查发现 ${report.findings.length} 类问题：\n${lines.join('\n')}\n`;
}
