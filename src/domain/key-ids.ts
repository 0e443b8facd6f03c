/**
 * Parsing and formatting of the identifiers a caller may use for a KMS key:
 * key id, key ARN, alias name, alias ARN. Pure.
 */
export const PARTITION = 'aws';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MRK = /^mrk-[0-9a-f]{32}$/;
const ARN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):(key|alias)\/(.+)$/;

export type KeyReference =
  | { kind: 'keyId'; keyId: string }
  | { kind: 'keyArn'; keyId: string; region: string; accountId: string }
  | { kind: 'aliasName'; aliasName: string }
  | { kind: 'aliasArn'; aliasName: string; region: string; accountId: string }
  | { kind: 'invalid' };

export function isKeyId(value: string): boolean {
  return UUID.test(value) || MRK.test(value);
}

export function isMultiRegionKeyId(value: string): boolean {
  return MRK.test(value);
}

export function parseKeyReference(value: string): KeyReference {
  if (value.startsWith('alias/')) return { kind: 'aliasName', aliasName: value };
  const arn = ARN.exec(value);
  if (arn) {
    const [, , region, accountId, type, rest] = arn;
    if (type === 'key') return isKeyId(rest) ? { kind: 'keyArn', keyId: rest, region, accountId } : { kind: 'invalid' };
    return { kind: 'aliasArn', aliasName: `alias/${rest}`, region, accountId };
  }
  return isKeyId(value) ? { kind: 'keyId', keyId: value } : { kind: 'invalid' };
}

export function keyArn(region: string, accountId: string, keyId: string): string {
  return `arn:${PARTITION}:kms:${region}:${accountId}:key/${keyId}`;
}

export function aliasArn(region: string, accountId: string, aliasName: string): string {
  return `arn:${PARTITION}:kms:${region}:${accountId}:${aliasName}`;
}

export function accountRootArn(accountId: string): string {
  return `arn:${PARTITION}:iam::${accountId}:root`;
}

/** Formats 16 random bytes as a lower-case UUID string (version 4 bits set). */
export function formatKeyId(random16: Buffer, multiRegion: boolean): string {
  if (multiRegion) return `mrk-${random16.toString('hex')}`;
  const b = Buffer.from(random16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** 16 raw bytes of a key id, for the ciphertext header. */
export function keyIdToBytes(keyId: string): { multiRegion: boolean; bytes: Buffer } {
  const multiRegion = keyId.startsWith('mrk-');
  const fast = keyId.length === 36 ? hexBytes16(keyId, multiRegion) : undefined;
  if (fast) return { multiRegion, bytes: fast };
  if (multiRegion) return { multiRegion: true, bytes: Buffer.from(keyId.slice(4), 'hex') };
  return { multiRegion: false, bytes: Buffer.from(keyId.replace(/-/g, ''), 'hex') };
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/**
 * The 16 bytes of a 36-character key id (UUID with its four dashes, or
 * mrk- and 32 hex digits), decoded without a regex; undefined for anything
 * else, which keyIdToBytes then decodes as it always has.
 */
function hexBytes16(keyId: string, multiRegion: boolean): Buffer | undefined {
  const out = Buffer.allocUnsafe(16);
  let n = 0;
  for (let i = multiRegion ? 4 : 0; i < 36; i += 2) {
    if (!multiRegion && (i === 8 || i === 13 || i === 18 || i === 23)) {
      if (keyId.charCodeAt(i) !== 0x2d) return undefined;
      i--;
      continue;
    }
    const hi = hexDigit(keyId.charCodeAt(i));
    const lo = hexDigit(keyId.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) return undefined;
    out[n++] = (hi << 4) | lo;
  }
  return out;
}

export function keyIdFromBytes(bytes: Buffer, multiRegion: boolean): string {
  if (multiRegion) return `mrk-${bytes.toString('hex')}`;
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
