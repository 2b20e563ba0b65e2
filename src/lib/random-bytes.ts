import { randomFillSync } from 'node:crypto';

/**
 * Random bytes for nonces and IVs, drawn from a pool the CSPRNG fills 4 KB at a time: asking
 * OpenSSL for 12 or 16 bytes on every sealed field cost more than the encryption itself (bench
 * profile, issue 17). Every byte comes from the CSPRNG and is handed out once; callers get a copy.
 */
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

export function freshRandomBytes(size: number): Buffer {
  if (size > POOL_BYTES) return randomFillSync(Buffer.alloc(size));
  if (offset + size > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + size));
  offset += size;
  return bytes;
}
