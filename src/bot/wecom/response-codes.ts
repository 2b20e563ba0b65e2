import type { Database } from '../../entities/database';
import { CardResponseCode } from '../../entities';

/**
 * WeCom card response codes (PROTOCOL.md §4): single use, 72 hours. The newest per (task, user)
 * is kept; spending is a conditional UPDATE so two workers never spend the same code.
 */

const VALID_MS = 72 * 3600_000;
/** The code message/send returns for the card as a whole, not for one member. */
export const WHOLE_CARD = '*';

export class ResponseCodes {
  constructor(private readonly db: Database, private readonly now: () => number = Date.now) {}

  async remember(taskId: string, userId: string, code: string): Promise<void> {
    const receivedAt = this.now();
    await this.db.write(async (manager) => {
      const existing = await manager.findOneBy(CardResponseCode, { taskId, userId });
      if (existing) {
        if (existing.code !== code) await manager.update(CardResponseCode, { id: existing.id }, { code, receivedAt, spentAt: null });
      } else {
        await manager.insert(CardResponseCode, { taskId, userId, code, receivedAt, spentAt: null });
      }
    });
  }

  /** Takes the newest unspent, unexpired code of a task; undefined when there is none. */
  async spend(taskId: string): Promise<string | undefined> {
    const candidates = await this.db.reader.find(CardResponseCode, { where: { taskId }, order: { receivedAt: 'DESC', id: 'DESC' } });
    for (const candidate of candidates) {
      if (candidate.spentAt !== null || candidate.receivedAt + VALID_MS < this.now()) continue;
      const result = await this.db.serial(() =>
        this.db.source
          .createQueryBuilder()
          .update(CardResponseCode)
          .set({ spentAt: this.now() })
          .where('id = :id AND spentAt IS NULL', { id: candidate.id })
          .execute(),
      );
      if ((result.affected ?? 0) === 1) return candidate.code;
    }
    return undefined;
  }
}
