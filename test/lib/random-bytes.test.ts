import { freshRandomBytes } from '../../src/lib/random-bytes';

/** The IV and nonce pool (src/lib/random-bytes.ts): never the same bytes twice, never shared. */
describe('random bytes from the pool', () => {
  it('hands out each byte once, across refills of the pool, as copies of the asked length', () => {
    const seen = new Set<string>();
    // 12-byte IVs through several refills of the 4 KB pool (4096 is not a multiple of 12)
    for (let i = 0; i < 2_000; i++) {
      const iv = freshRandomBytes(12);
      expect(iv).toHaveLength(12);
      seen.add(iv.toString('hex'));
    }
    expect(seen.size).toBe(2_000);
    // a caller's bytes are its own: refilling the pool later does not change them
    const iv = freshRandomBytes(12);
    const kept = Buffer.from(iv);
    for (let i = 0; i < 400; i++) freshRandomBytes(16);
    expect(iv.equals(kept)).toBe(true);
    expect(freshRandomBytes(10_000)).toHaveLength(10_000);
  });
});
