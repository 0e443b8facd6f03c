/**
 * HMAC-SHA256 (RFC 2104) for a key that signs many messages: the key's inner
 * and outer blocks are computed once, so each message costs two one-shot
 * SHA-256 calls instead of building an Hmac object. A SigV4 signing key is
 * used for every request its caller sends that day.
 *
 * Not thread-safe across workers (none share it); each call is synchronous.
 */
import { hash } from 'node:crypto';

const BLOCK = 64;
const DIGEST = 32;
/** Messages up to this many UTF-8 bytes reuse one buffer; longer ones allocate. */
const SCRATCH = 1024;

export class HmacSha256Key {
  /** K xor ipad, followed by room for the message. */
  private readonly inner = Buffer.alloc(BLOCK + SCRATCH);
  /** K xor opad, followed by the inner digest. */
  private readonly outer = Buffer.alloc(BLOCK + DIGEST);

  constructor(key: Buffer) {
    const k = key.length > BLOCK ? hash('sha256', key, 'buffer') : key;
    for (let i = 0; i < BLOCK; i++) {
      const b = i < k.length ? k[i] : 0;
      this.inner[i] = b ^ 0x36;
      this.outer[i] = b ^ 0x5c;
    }
  }

  /** HMAC-SHA256 of the UTF-8 bytes of `message`, as lower-case hex. */
  hex(message: string): string {
    const size = Buffer.byteLength(message, 'utf8');
    let innerInput: Buffer;
    if (size <= SCRATCH) {
      this.inner.write(message, BLOCK, 'utf8');
      innerInput = this.inner.subarray(0, BLOCK + size);
    } else {
      innerInput = Buffer.concat([this.inner.subarray(0, BLOCK), Buffer.from(message, 'utf8')]);
    }
    hash('sha256', innerInput, 'buffer').copy(this.outer, BLOCK);
    return hash('sha256', this.outer, 'hex');
  }
}

/** Whether two strings are equal, in time that depends only on their lengths. */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
