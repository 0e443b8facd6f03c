/**
 * `aws kms` against a test server, with OpenSSL doing the client's side of
 * imported key material: random material and RSAES-OAEP-SHA-256 wrapping with
 * the public key from get-parameters-for-import. Files go to `work`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runAws } from './aws-cli.js';

const run = promisify(execFile);

export interface KmsCli {
  /** `aws kms ...` in `region`; asserts success and returns the parsed JSON output. */
  aws(region: string, ...args: string[]): Promise<any>;
  /** `aws kms ...` in `region`; asserts it fails with `code` and returns stderr. */
  awsFails(code: string, region: string, ...args: string[]): Promise<string>;
  /** A file of 32 random bytes from `openssl rand`. */
  newMaterial(): Promise<string>;
  /** The import-key-material arguments for `material`: parameters fetched in `region`, wrapped by OpenSSL. */
  importArgs(region: string, keyId: string, material: string, ...extra: string[]): Promise<string[]>;
  /** A file path in the work directory. */
  path(name: string): string;
}

export function kmsCli(endpoint: () => string, env: () => NodeJS.ProcessEnv, work: () => string): KmsCli {
  let n = 0;
  const path = (name: string) => join(work(), name);
  const kms = (region: string, args: string[]) => runAws(['kms', ...args, '--region', region, '--endpoint-url', endpoint(), '--output', 'json'], env());
  const cli: KmsCli = {
    path,
    async aws(region, ...args) {
      const r = await kms(region, args);
      assert.equal(r.code, 0, `aws kms ${args.join(' ')} exited ${r.code}\nstderr: ${r.stderr}`);
      return r.stdout.trim() === '' ? {} : JSON.parse(r.stdout);
    },
    async awsFails(code, region, ...args) {
      const r = await kms(region, args);
      assert.notEqual(r.code, 0, `aws kms ${args.join(' ')} should have failed with ${code}`);
      assert.match(r.stderr, new RegExp(`An error occurred \\(${code}\\)`), r.stderr);
      return r.stderr;
    },
    async newMaterial() {
      const file = path(`material${++n}.bin`);
      await run('openssl', ['rand', '-out', file, '32']);
      return file;
    },
    async importArgs(region, keyId, material, ...extra) {
      const params = await cli.aws(region, 'get-parameters-for-import', '--key-id', keyId, '--wrapping-algorithm', 'RSAES_OAEP_SHA_256', '--wrapping-key-spec', 'RSA_2048');
      const i = ++n;
      writeFileSync(path(`pub${i}.der`), Buffer.from(params.PublicKey, 'base64'));
      writeFileSync(path(`token${i}.bin`), Buffer.from(params.ImportToken, 'base64'));
      await run('openssl', [
        'pkeyutl', '-encrypt', '-in', material, '-out', path(`enc${i}.bin`), '-inkey', path(`pub${i}.der`), '-keyform', 'DER', '-pubin',
        '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256', '-pkeyopt', 'rsa_mgf1_md:sha256',
      ]);
      return ['import-key-material', '--key-id', keyId, '--encrypted-key-material', `fileb://${path(`enc${i}.bin`)}`, '--import-token', `fileb://${path(`token${i}.bin`)}`, ...extra];
    },
  };
  return cli;
}
