import type { Database } from '../../entities/database';
import { CardResponseCode } from '../../entities';
import { run } from '../../entities/rows';

/**
 * WeCom card response codes (PROTOCOL.md §4): single use, 72 hours. The newest per (task, user)
 * is kept; a code is marked used only after WeCom accepted an update with it. One instance
 * delivers its outbox one message at a time; should two instances update the same card at once
 * with one code, WeCom itself refuses the second (single use) and that delivery records why.
 */

const VALID_MS = 72 * 3600_000;
/** The code message/send returns for the card as a whole, not for one member. */
export const WHOLE_CARD = '*';

export class ResponseCodes {
  constructor(private readonly db: Database, private readonly now: () => number = Date.now) {}

  /**
   * Keeps the newest code of (task, member): one upsert that changes nothing for a code already
   * kept (a repeated callback), and otherwise sets it as new and unspent. One statement, not a
   * transaction of a look-up and a write: it runs for every card sent and every click (issue 17).
   */
  async remember(taskId: string, userId: string, code: string): Promise<void> {
    const sql = this.db.kind === 'sqlite'
      ? 'INSERT INTO "card_response_code" ("taskId", "userId", "code", "receivedAt", "spentAt") VALUES (?, ?, ?, ?, NULL) ' +
        'ON CONFLICT ("taskId", "userId") DO UPDATE SET "code" = excluded."code", "receivedAt" = excluded."receivedAt", "spentAt" = NULL WHERE "card_response_code"."code" <> excluded."code"'
      : // MySQL assigns left to right: the code is replaced last, so the conditions compare the kept one
        'INSERT INTO `card_response_code` (`taskId`, `userId`, `code`, `receivedAt`, `spentAt`) VALUES (?, ?, ?, ?, NULL) ' +
        'ON DUPLICATE KEY UPDATE `spentAt` = IF(`code` = VALUES(`code`), `spentAt`, NULL), `receivedAt` = IF(`code` = VALUES(`code`), `receivedAt`, VALUES(`receivedAt`)), `code` = VALUES(`code`)';
    await this.db.statement((manager) => run(manager, sql, [taskId, userId, code, this.now()]));
  }

  /** The newest unspent, unexpired code of a task, not yet marked used; undefined when there is none. */
  async newest(taskId: string): Promise<{ id: number; code: string } | undefined> {
    const candidates = await this.db.reader.find(CardResponseCode, { where: { taskId }, order: { receivedAt: 'DESC', id: 'DESC' } });
    const usable = candidates.find((c) => c.spentAt === null && c.receivedAt + VALID_MS >= this.now());
    return usable && { id: usable.id, code: usable.code };
  }

  /**
   * Marks a code used, once update_template_card has succeeded with it. Marking it before the
   * call left the card with live buttons forever when the call failed on the network: the
   * outbox's retry then found no code. Conditional on the code too: a click during the call may
   * already have replaced the row's code (one row per task and member), and that one is unused.
   */
  async markSpent(used: { id: number; code: string }): Promise<void> {
    await this.db.serial(() =>
      this.db.source
        .createQueryBuilder()
        .update(CardResponseCode)
        .set({ spentAt: this.now() })
        .where('id = :id AND code = :code AND spentAt IS NULL', { id: used.id, code: used.code })
        .execute(),
    );
  }
}
