/**
 * Shared by the keyspecs unit tests: an OpenSSL command-line oracle run in a
 * temporary directory, the AWS reference files, and one cached key pair per spec.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyPair, type KeyPairMaterial } from '../../../src/crypto/keyspecs/generate.js';
import type { KeySpec } from '../../../src/domain/key-specs.js';

/** Repository root: this file is dist/test/unit/keyspecs/helpers.js once compiled. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** An AWS reference file, as data only (test/fixtures/aws-reference, made by scripts/gen-test-fixtures.mjs). */
export function readReference(name: string): string {
  return readFileSync(resolve(REPO_ROOT, 'test/fixtures/aws-reference', name), 'utf8');
}

export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'trent-keyspecs-'));
  path(name: string): string {
    return join(this.dir, name);
  }
  write(name: string, data: Buffer | string): string {
    const p = this.path(name);
    writeFileSync(p, data);
    return p;
  }
  read(name: string): Buffer {
    return readFileSync(this.path(name));
  }
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs the openssl CLI; throws (with its stderr) if it fails. */
export function openssl(args: string[], input?: Buffer): Buffer {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 16 << 20 });
}

/** Runs an openssl verify command: true if it reports success, false if it reports failure. */
export function opensslVerifies(args: string[]): boolean {
  try {
    const out = openssl(args).toString();
    if (!/Verified OK|Signature Verified Successfully/.test(out)) throw new Error(`unexpected openssl output: ${out}`);
    return true;
  } catch (e) {
    const err = e as { status?: number; stdout?: Buffer; stderr?: Buffer };
    const text = `${err.stdout?.toString() ?? ''}${err.stderr?.toString() ?? ''}`;
    if (err.status === 1 && /Verification Failure|Verification failure/i.test(text)) return false;
    throw e;
  }
}

const cache = new Map<KeySpec, KeyPairMaterial>();

/** One key pair per spec per test process (RSA_4096 generation is slow). */
export function keyPairFor(spec: KeySpec): KeyPairMaterial {
  let kp = cache.get(spec);
  if (!kp) {
    kp = generateKeyPair(spec);
    cache.set(spec, kp);
  }
  return kp;
}

/** A copy of `buf` with one bit flipped at `index` (default: the middle). */
export function flipBit(buf: Buffer, index = buf.length >> 1): Buffer {
  const out = Buffer.from(buf);
  out[index] ^= 0x01;
  return out;
}
