/** Randomness as the core sees it; always a CSPRNG outside tests. */
import { randomBytes } from 'node:crypto';

export interface Random {
  bytes(n: number): Buffer;
}

export const cryptoRandom: Random = { bytes: (n) => randomBytes(n) };
