/**
 * Canonical encoding of an encryption context, bound as AES-GCM additional
 * authenticated data. Pairs are sorted by the UTF-8 bytes of their keys and
 * every key and value is length-prefixed, so no two distinct contexts share an
 * encoding ({"a":"bc"} and {"ab":"c"} differ). Pure.
 *
 *   u32 pairCount, then per pair: u32 keyLength, key, u32 valueLength, value
 */
export type EncryptionContext = Record<string, string>;

const EMPTY = Buffer.alloc(4);

/**
 * The encoding, after `reserve` leading bytes that the caller fills (the
 * ciphertext blob puts its header there, so header and context are one AAD
 * buffer). With no reserve, an empty context's encoding is a shared buffer
 * the caller must not change.
 */
export function encodeEncryptionContext(context: EncryptionContext | undefined, reserve = 0): Buffer {
  const pairs = context ? Object.entries(context).map(([k, v]) => [Buffer.from(k, 'utf8'), Buffer.from(v, 'utf8')] as const) : [];
  if (pairs.length === 0) return reserve === 0 ? EMPTY : Buffer.alloc(reserve + EMPTY.length);
  pairs.sort((a, b) => Buffer.compare(a[0], b[0]));
  let size = reserve + 4;
  for (const [k, v] of pairs) size += 8 + k.length + v.length;
  const out = Buffer.allocUnsafe(size);
  let at = out.writeUInt32BE(pairs.length, reserve);
  for (const [k, v] of pairs) {
    at = out.writeUInt32BE(k.length, at);
    at += k.copy(out, at);
    at = out.writeUInt32BE(v.length, at);
    at += v.copy(out, at);
  }
  return out;
}
