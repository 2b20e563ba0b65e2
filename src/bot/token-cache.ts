import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Database } from '../entities/database';
import { AccessToken } from '../entities';
import type { TokenSource } from './api-client';

/**
 * The central access-token cache (中控, PROTOCOL.md §6): the token lives in the database so every
 * instance uses the same one; one instance at a time refreshes it, under a short lease, and the
 * others wait for its result instead of fetching their own (on the OA a new token invalidates
 * the old one within minutes, so uncoordinated refreshers would knock each other out).
 */

/** Refresh this long before the platform's expiry, so no call uses a token about to die. */
const REFRESH_MARGIN_MS = 5 * 60_000;
/** How long one instance may hold the refresh lease. */
const LEASE_MS = 15_000;
const WAIT_STEP_MS = 100;

export type TokenFetcher = () => Promise<{ token: string; expiresInSeconds: number }>;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class TokenCache implements TokenSource {
  private inflight: Promise<string> | undefined;
  /**
   * The token last read from or written to the database, kept until its refresh margin: reading
   * and decrypting the row for every outbound call cost a statement per message (issue 17). A
   * token another instance invalidated meanwhile is refused by the platform; the client then
   * invalidates it here too and the next get() reads the database again.
   */
  private held: { token: string; expiresAt: number } | undefined;

  constructor(
    private readonly db: Database,
    readonly key: string,
    private readonly fetchToken: TokenFetcher,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<string> {
    const cached = await this.usable();
    if (cached) return cached;
    this.inflight ??= this.refresh().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  async invalidate(token: string): Promise<void> {
    if (this.held?.token === token) this.held = undefined;
    await this.db.serial(() =>
      this.db.source
        .createQueryBuilder()
        .update(AccessToken)
        .set({ expiresAt: 0 })
        .where('tokenKey = :key AND tokenHash = :hash', { key: this.key, hash: hashOf(token) })
        .execute(),
    );
  }

  private async usable(): Promise<string | undefined> {
    if (this.held && this.held.expiresAt - REFRESH_MARGIN_MS > this.now()) return this.held.token;
    this.held = undefined;
    const row = await this.db.reader.findOneBy(AccessToken, { tokenKey: this.key });
    if (!row?.token || row.expiresAt - REFRESH_MARGIN_MS <= this.now()) return undefined;
    this.held = { token: row.token, expiresAt: row.expiresAt };
    return row.token;
  }

  private async refresh(): Promise<string> {
    await this.ensureRow();
    const deadline = this.now() + LEASE_MS;
    while (this.now() < deadline) {
      if (await this.takeLease()) {
        try {
          // Someone may have finished a refresh between our read and our lease.
          const fresh = await this.usable();
          if (fresh) return fresh;
          const { token, expiresInSeconds } = await this.fetchToken();
          const expiresAt = this.now() + expiresInSeconds * 1000;
          await this.db.write((manager) =>
            manager.update(AccessToken, { tokenKey: this.key }, {
              token,
              tokenHash: hashOf(token),
              expiresAt,
              lockedUntil: null,
              refreshCount: () => 'refreshCount + 1',
            }),
          );
          this.held = { token, expiresAt };
          this.log.info({ tokenKey: this.key, expiresInSeconds }, 'access token refreshed');
          return token;
        } finally {
          await this.releaseLease();
        }
      }
      await sleep(WAIT_STEP_MS);
      const refreshedByOther = await this.usable();
      if (refreshedByOther) return refreshedByOther;
    }
    throw new Error(`access token ${this.key}: no refresh completed within ${LEASE_MS} ms`);
  }

  private async ensureRow(): Promise<void> {
    const exists = await this.db.reader.existsBy(AccessToken, { tokenKey: this.key });
    if (exists) return;
    try {
      await this.db.write((manager) =>
        manager.insert(AccessToken, { tokenKey: this.key, token: null, tokenHash: null, expiresAt: 0, lockedUntil: null, refreshCount: 0 }),
      );
    } catch {
      // another instance inserted it first
    }
  }

  private async takeLease(): Promise<boolean> {
    const now = this.now();
    const result = await this.db.serial(() =>
      this.db.source
        .createQueryBuilder()
        .update(AccessToken)
        .set({ lockedUntil: now + LEASE_MS })
        .where('tokenKey = :key AND (lockedUntil IS NULL OR lockedUntil < :now)', { key: this.key, now })
        .execute(),
    );
    return (result.affected ?? 0) === 1;
  }

  private async releaseLease(): Promise<void> {
    await this.db.serial(() =>
      this.db.source.createQueryBuilder().update(AccessToken).set({ lockedUntil: null }).where('tokenKey = :key', { key: this.key }).execute(),
    );
  }
}
