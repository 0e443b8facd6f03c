/**
 * Just enough DER to read and write the PKCS#8 and SubjectPublicKeyInfo
 * structures node:crypto cannot build on every supported Node version
 * (ML-DSA keys on Node 20). Definite lengths only; strict about trailing bytes.
 */

export interface Tlv {
  tag: number;
  /** The content octets. */
  value: Buffer;
  /** Offset just past this element. */
  end: number;
}

/** Reads one element at `offset`; throws on malformed or non-minimal encodings. */
export function readTlv(buf: Buffer, offset = 0): Tlv {
  if (offset + 2 > buf.length) throw new Error('DER: truncated header');
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f) throw new Error('DER: multi-byte tags are not supported');
  let pos = offset + 1;
  const first = buf[pos++];
  let length: number;
  if (first < 0x80) {
    length = first;
  } else {
    const n = first & 0x7f;
    if (n === 0 || n > 4) throw new Error('DER: unsupported length');
    if (pos + n > buf.length) throw new Error('DER: truncated length');
    if (buf[pos] === 0) throw new Error('DER: non-minimal length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[pos++];
    if (length < 0x80) throw new Error('DER: non-minimal length');
  }
  const end = pos + length;
  if (end > buf.length) throw new Error('DER: truncated value');
  return { tag, value: buf.subarray(pos, end), end };
}

/** Reads the elements of a constructed value (e.g. a SEQUENCE's content). */
export function readAll(content: Buffer): Tlv[] {
  const out: Tlv[] = [];
  let offset = 0;
  while (offset < content.length) {
    const t = readTlv(content, offset);
    out.push(t);
    offset = t.end;
  }
  return out;
}

/** Reads a buffer that must hold exactly one element with the given tag. */
export function readExactly(buf: Buffer, tag: number): Buffer {
  const t = readTlv(buf, 0);
  if (t.tag !== tag) throw new Error(`DER: expected tag 0x${tag.toString(16)}, got 0x${t.tag.toString(16)}`);
  if (t.end !== buf.length) throw new Error('DER: trailing bytes');
  return t.value;
}

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), encodeLength(body.length), body]);
}

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  SEQUENCE: 0x30,
  /** [0] IMPLICIT, primitive. */
  CONTEXT_0: 0x80,
} as const;

/** Encodes a dotted OID string. */
export function encodeOid(oid: string): Buffer {
  const parts = oid.split('.').map(Number);
  const bytes: number[] = [40 * parts[0] + parts[1]];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    bytes.push(...chunk);
  }
  return tlv(TAG.OID, Buffer.from(bytes));
}
