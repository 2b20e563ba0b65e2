import type { MigrationInterface, QueryRunner } from 'typeorm';
import { openBytes, openText, placeOf, sealBytes, sealBytesLegacy, sealText, sealTextLegacy } from '../personal-data';

/**
 * Personal data re-encrypted in the `g2:` format: each value bound to its table and column (AES-GCM
 * additional data), so a ciphertext copied elsewhere no longer decrypts. New writes are `g2:`
 * already; this rewrites the `g1:` rows in batches, and evidence files (bound to their record too).
 * Down writes everything back as `g1:` so the release before this one reads it.
 *
 * The list is the encrypted columns as they stood when this migration was written; columns added
 * later are written `g2:` from their first row.
 */

const COLUMNS: { table: string; key: string; columns: string[] }[] = [
  { table: 'access_token', key: 'tokenKey', columns: ['token'] },
  { table: 'approval', key: 'id', columns: ['text', 'card'] },
  { table: 'conversation', key: 'id', columns: ['state'] },
  { table: 'customer', key: 'id', columns: ['name', 'phone', 'address'] },
  { table: 'housekeeper', key: 'id', columns: ['name', 'phone', 'idNumber', 'emergencyContacts'] },
  { table: 'housekeeper_movement', key: 'id', columns: ['note'] },
  { table: 'inbound_message', key: 'id', columns: ['event', 'reply'] },
  { table: 'lead', key: 'id', columns: ['need'] },
  { table: 'outbox_message', key: 'id', columns: ['payload'] },
  { table: 'penalty', key: 'id', columns: ['reason'] },
  { table: 'survey', key: 'id', columns: ['answers'] },
  { table: 'ticket', key: 'id', columns: ['summary'] },
  { table: 'ticket_event', key: 'id', columns: ['note'] },
  { table: 'visit', key: 'id', columns: ['answers'] },
];

/**
 * A value that does not open (damaged, or sealed with another key) is left exactly as it was: it
 * was unreadable before too, and one bad row must not stop every instance from starting.
 */
function tryOpen<T>(open: () => T): T | undefined {
  try {
    return open();
  } catch {
    return undefined;
  }
}

/** Rows per read; each row is rewritten by its key, so memory stays flat on a large table. */
const BATCH = 500;
/** Evidence files per read (each up to 20 MB). */
const EVIDENCE_BATCH = 5;
/** As in EvidenceStore: TEXT-sized pieces on both databases. */
const CHUNK_CHARS = 48_000;

type Direction = 'up' | 'down';

async function rewriteColumn(runner: QueryRunner, table: string, key: string, column: string, direction: Direction): Promise<void> {
  const place = placeOf(table, column);
  // up: rows still `g1:`; down: rows already `g2:`
  const wanted = direction === 'up' ? 'g1:%' : 'g2:%';
  let after: string | number | null = null;
  for (;;) {
    const rows: Record<string, string | number>[] = await runner.query(
      `SELECT \`${key}\` AS k, \`${column}\` AS v FROM \`${table}\` WHERE \`${column}\` LIKE ?${after === null ? '' : ` AND \`${key}\` > ?`} ORDER BY \`${key}\` LIMIT ${BATCH}`,
      after === null ? [wanted] : [wanted, after],
    );
    for (const row of rows) {
      const value = String(row.v);
      const plain = tryOpen(() => openText(value, place));
      if (plain === undefined) continue;
      const rewritten = direction === 'up' ? sealText(plain, place) : sealTextLegacy(plain);
      await runner.query(`UPDATE \`${table}\` SET \`${column}\` = ? WHERE \`${key}\` = ?`, [rewritten, row.k]);
    }
    if (rows.length < BATCH) return;
    after = rows[rows.length - 1].k;
  }
}

async function rewriteEvidence(runner: QueryRunner, direction: Direction): Promise<void> {
  let after = 0;
  for (;;) {
    const ids: { id: number | string }[] = await runner.query(
      `SELECT DISTINCT \`evidenceId\` AS id FROM \`evidence_chunk\` WHERE \`evidenceId\` > ? ORDER BY \`evidenceId\` LIMIT ${EVIDENCE_BATCH}`,
      [after],
    );
    for (const { id } of ids) {
      const evidenceId = Number(id);
      const chunks: { data: string }[] = await runner.query('SELECT `data` FROM `evidence_chunk` WHERE `evidenceId` = ? ORDER BY `seq`', [evidenceId]);
      const sealed = chunks.map((c) => String(c.data)).join('');
      const isNew = sealed.startsWith('g2:');
      if ((direction === 'up') === isNew) continue;
      const place = placeOf('evidence_chunk', 'data', evidenceId);
      const body = tryOpen(() => openBytes(sealed, place));
      if (body === undefined) continue;
      const rewritten = direction === 'up' ? sealBytes(body, place) : sealBytesLegacy(body);
      await runner.query('DELETE FROM `evidence_chunk` WHERE `evidenceId` = ?', [evidenceId]);
      for (let seq = 0; seq * CHUNK_CHARS < rewritten.length; seq++) {
        await runner.query('INSERT INTO `evidence_chunk` (`evidenceId`, `seq`, `data`) VALUES (?, ?, ?)', [evidenceId, seq, rewritten.slice(seq * CHUNK_CHARS, (seq + 1) * CHUNK_CHARS)]);
      }
    }
    if (ids.length < EVIDENCE_BATCH) return;
    after = Number(ids[ids.length - 1].id);
  }
}

async function rewriteAll(runner: QueryRunner, direction: Direction): Promise<void> {
  for (const { table, key, columns } of COLUMNS) {
    for (const column of columns) await rewriteColumn(runner, table, key, column, direction);
  }
  await rewriteEvidence(runner, direction);
}

export class BoundEncryption1764892800000 implements MigrationInterface {
  name = 'BoundEncryption1764892800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await rewriteAll(queryRunner, 'up');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await rewriteAll(queryRunner, 'down');
  }
}

