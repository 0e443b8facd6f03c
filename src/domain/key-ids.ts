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
  if (keyId.startsWith('mrk-')) return { multiRegion: true, bytes: Buffer.from(keyId.slice(4), 'hex') };
  return { multiRegion: false, bytes: Buffer.from(keyId.replace(/-/g, ''), 'hex') };
}

export function keyIdFromBytes(bytes: Buffer, multiRegion: boolean): string {
  if (multiRegion) return `mrk-${bytes.toString('hex')}`;
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
