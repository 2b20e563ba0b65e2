import { AccessToken, CardResponseCode, OutboxMessage } from '../../src/entities';
import type { Database } from '../../src/entities/database';
import { FakePlatform } from '../../src/simulator/fake-platform';
import { TestClock } from './harness';

/**
 * The outbox tests' common start: a new fake platform, a new clock, and an empty outbox and token
 * cache, so no test sees the messages, tokens or card codes of the one before.
 */
export async function freshOutbox(db: Database): Promise<{ platform: FakePlatform; clock: TestClock }> {
  const platform = new FakePlatform();
  await platform.start();
  await db.write(async (m) => {
    for (const entity of [OutboxMessage, AccessToken, CardResponseCode]) await m.createQueryBuilder().delete().from(entity).execute();
  });
  return { platform, clock: new TestClock() };
}
