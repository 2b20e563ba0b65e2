import type { Database } from '../entities/database';
import { Evidence, EvidenceChunk } from '../entities';
import { openBytes, placeOf, sealBytes } from '../entities/personal-data';

/** Evidence files, encrypted and split into TEXT-sized chunks (portable across SQLite and MySQL). */

const CHUNK_CHARS = 48_000;
/** A customer's video can be large; beyond this we keep the record and say why. */
export const MAX_EVIDENCE_BYTES = 20 * 1024 * 1024;

/** The AAD of one evidence file (also used by the re-encryption migration). */
export const evidencePlace = (evidenceId: number) => placeOf('evidence_chunk', 'data', evidenceId);

export class EvidenceStore {
  constructor(private readonly db: Database, private readonly now: () => number) {}

  async save(evidenceId: number, body: Buffer, contentType: string | null): Promise<void> {
    // bound to this evidence record: chunks moved to another record do not open
    const sealed = sealBytes(body, evidencePlace(evidenceId));
    await this.db.write(async (manager) => {
      await manager.delete(EvidenceChunk, { evidenceId });
      for (let seq = 0; seq * CHUNK_CHARS < sealed.length; seq++) {
        await manager.insert(EvidenceChunk, { evidenceId, seq, data: sealed.slice(seq * CHUNK_CHARS, (seq + 1) * CHUNK_CHARS) });
      }
      await manager.update(Evidence, { id: evidenceId }, { status: 'stored', size: body.length, contentType, fetchedAt: this.now() });
    });
  }

  async fail(evidenceId: number): Promise<void> {
    await this.db.write((manager) => manager.update(Evidence, { id: evidenceId }, { status: 'failed' }));
  }

  async load(evidenceId: number): Promise<{ evidence: Evidence; body: Buffer } | null> {
    const evidence = await this.db.reader.findOneBy(Evidence, { id: evidenceId });
    if (!evidence || evidence.status !== 'stored') return evidence ? { evidence, body: Buffer.alloc(0) } : null;
    const chunks = await this.db.reader.find(EvidenceChunk, { where: { evidenceId }, order: { seq: 'ASC' } });
    return { evidence, body: openBytes(chunks.map((c) => c.data).join(''), evidencePlace(evidenceId)) };
  }
}
