/**
 * IPv4 and IPv6 addresses and CIDR blocks for the IpAddress / NotIpAddress
 * operators. A policy value without a prefix length is a single address (/32,
 * /128); host bits below the prefix are ignored. An IPv4-mapped IPv6 request
 * address (::ffff:a.b.c.d) also matches IPv4 blocks. Pure.
 */

export interface Address {
  readonly version: 4 | 6;
  readonly value: bigint;
}

export interface Cidr extends Address {
  readonly prefix: number;
}

export function parseAddress(text: string): Address | null {
  if (text.includes(':')) {
    const v = parseIPv6(text);
    return v === null ? null : { version: 6, value: v };
  }
  const v = parseIPv4(text);
  return v === null ? null : { version: 4, value: v };
}

export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const addr = parseAddress(slash < 0 ? text : text.slice(0, slash));
  if (!addr) return null;
  const bits = addr.version === 4 ? 32 : 128;
  let prefix = bits;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return null;
    prefix = Number(p);
    if (prefix > bits) return null;
  }
  return { ...addr, prefix };
}

export function cidrContains(cidr: Cidr, addr: Address): boolean {
  let a = addr;
  if (cidr.version === 4 && a.version === 6) {
    // ::ffff:0:0/96 carries an IPv4 address in its low 32 bits.
    if (a.value >> 32n !== 0xffffn) return false;
    a = { version: 4, value: a.value & 0xffffffffn };
  }
  if (cidr.version !== a.version) return false;
  const shift = BigInt((cidr.version === 4 ? 32 : 128) - cidr.prefix);
  return a.value >> shift === cidr.value >> shift;
}

function parseIPv4(text: string): bigint | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  let v = 0n;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return null;
    v = (v << 8n) | BigInt(octet);
  }
  return v;
}

function parseIPv6(text: string): bigint | null {
  let s = text;
  let tail: bigint | null = null;
  // An embedded IPv4 address as the last 32 bits.
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tail = parseIPv4(s.slice(lastColon + 1));
    if (tail === null) return null;
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const rest = halves.length === 2 ? (halves[1] === '' ? [] : halves[1].split(':')) : [];
  if (halves.length === 2 && head.length + rest.length > 7) return null;
  const groups = halves.length === 2 ? [...head, ...new Array<string>(8 - head.length - rest.length).fill('0'), ...rest] : head;
  if (groups.length !== 8) return null;
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail !== null) v = (v & ~0xffffffffn) | tail;
  return v;
}
