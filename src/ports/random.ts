/** Randomness as the core sees it; always a CSPRNG outside tests. */
import { randomFillSync } from 'node:crypto';

export interface Random {
  bytes(n: number): Buffer;
}

const POOL_SIZE = 16 * 1024;
let pool = Buffer.allocUnsafe(0);
let offset = 0;

/**
 * CSPRNG bytes. Small requests (IVs, ids) are served from a pool refilled by
 * one randomFillSync call, saving a system call per request; every byte is
 * handed out once, copied into a fresh buffer.
 */
export const cryptoRandom: Random = {
  bytes(n: number): Buffer {
    if (n > 256) return randomFillSync(Buffer.allocUnsafe(n));
    if (offset + n > pool.length) {
      pool = randomFillSync(Buffer.allocUnsafe(POOL_SIZE));
      offset = 0;
    }
    const out = Buffer.from(pool.subarray(offset, offset + n));
    pool.fill(0, offset, offset + n);
    offset += n;
    return out;
  },
};
