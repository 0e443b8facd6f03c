/**
 * Imported key material (BYOK) the way the AWS KMS developer guide does it:
 * key material made and wrapped with the OpenSSL command line, the wrapping
 * key and import token fetched and the material imported with the AWS CLI,
 * then used through Trent and checked against OpenSSL again. Children run
 * asynchronously: the server answers in this process.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TEST_ACCESS_KEY_ID, TEST_REGION, TEST_SECRET, startTestServer, tempDir, type TestServer } from '../helpers/trent.js';
import { cleanEnv, runAws } from '../helpers/aws-cli.js';

const run = promisify(execFile);

async function openssl(args: string[]): Promise<string> {
  const { stdout } = await run('openssl', args, { encoding: 'utf8', maxBuffer: 16 << 20 });
  return stdout;
}

type Wrapping = 'RSAES_OAEP_SHA_1' | 'RSAES_OAEP_SHA_256' | 'RSA_AES_KEY_WRAP_SHA_1' | 'RSA_AES_KEY_WRAP_SHA_256';

describe('BYOK with OpenSSL and the AWS CLI', () => {
  let server: TestServer;
  let work: string;
  let env: NodeJS.ProcessEnv;
  let n = 0;

  const path = (name: string) => join(work, name);

  async function aws(...args: string[]): Promise<any> {
    const r = await runAws(['kms', ...args, '--endpoint-url', server.url, '--output', 'json'], env);
    assert.equal(r.code, 0, `aws kms ${args.join(' ')} exited ${r.code}\nstderr: ${r.stderr}`);
    return r.stdout.trim() === '' ? {} : JSON.parse(r.stdout);
  }

  async function awsFails(code: string, ...args: string[]): Promise<string> {
    const r = await runAws(['kms', ...args, '--endpoint-url', server.url, '--output', 'json'], env);
    assert.notEqual(r.code, 0, `aws kms ${args.join(' ')} should have failed with ${code}`);
    assert.match(r.stderr, new RegExp(`An error occurred \\(${code}\\)`), r.stderr);
    return r.stderr;
  }

  /** get-parameters-for-import, with the public key and token written to files as the guide does (base64 -d). */
  async function parameters(keyId: string, algorithm: Wrapping, spec = 'RSA_2048'): Promise<{ publicKey: string; token: string }> {
    const out = await aws('get-parameters-for-import', '--key-id', keyId, '--wrapping-algorithm', algorithm, '--wrapping-key-spec', spec);
    const i = ++n;
    writeFileSync(path(`pub${i}.der`), Buffer.from(out.PublicKey, 'base64'));
    writeFileSync(path(`token${i}.bin`), Buffer.from(out.ImportToken, 'base64'));
    return { publicKey: path(`pub${i}.der`), token: path(`token${i}.bin`) };
  }

  function oaepOptions(algorithm: Wrapping): string[] {
    const md = algorithm.endsWith('SHA_1') ? 'sha1' : 'sha256';
    return ['-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', `rsa_oaep_md:${md}`, '-pkeyopt', `rsa_mgf1_md:${md}`];
  }

  /** Wraps the material file with OpenSSL for `algorithm`; returns the path of the encrypted key material. */
  async function wrap(algorithm: Wrapping, material: string, publicKey: string): Promise<string> {
    const i = ++n;
    const out = path(`encrypted${i}.bin`);
    const rsa = (input: string, output: string) =>
      openssl(['pkeyutl', '-encrypt', '-in', input, '-out', output, '-inkey', publicKey, '-keyform', 'DER', '-pubin', ...oaepOptions(algorithm)]);
    if (algorithm.startsWith('RSAES_OAEP')) {
      await rsa(material, out);
      return out;
    }
    const aesKey = path(`aes${i}.bin`);
    await openssl(['rand', '-out', aesKey, '32']);
    const hexKey = readFileSync(aesKey).toString('hex');
    await openssl(['enc', '-id-aes256-wrap-pad', '-K', hexKey, '-iv', 'A65959A6', '-in', material, '-out', path(`kwp${i}.bin`)]);
    await rsa(aesKey, path(`wrapped-aes${i}.bin`));
    writeFileSync(out, Buffer.concat([readFileSync(path(`wrapped-aes${i}.bin`)), readFileSync(path(`kwp${i}.bin`))]));
    return out;
  }

  async function importMaterial(keyId: string, algorithm: Wrapping, material: string, extra: string[] = ['--expiration-model', 'KEY_MATERIAL_DOES_NOT_EXPIRE']) {
    const p = await parameters(keyId, algorithm);
    const encrypted = await wrap(algorithm, material, p.publicKey);
    return aws('import-key-material', '--key-id', keyId, '--encrypted-key-material', `fileb://${encrypted}`, '--import-token', `fileb://${p.token}`, ...extra);
  }

  /** A private key from `openssl genpkey`, converted to PKCS#8 DER; returns the PEM and DER paths. */
  async function genpkey(name: string, args: string[]): Promise<{ pem: string; der: string }> {
    const pem = path(`${name}.pem`);
    const der = path(`${name}.der`);
    await openssl(['genpkey', ...args, '-out', pem]);
    await openssl(['pkcs8', '-topk8', '-nocrypt', '-in', pem, '-outform', 'DER', '-out', der]);
    return { pem, der };
  }

  before(async () => {
    work = tempDir('trent-byok-');
    env = {
      ...cleanEnv(),
      AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: TEST_SECRET,
      AWS_DEFAULT_REGION: TEST_REGION,
      AWS_CONFIG_FILE: join(work, 'no-such-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(work, 'no-such-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_MAX_ATTEMPTS: '1',
      AWS_PAGER: '',
    };
    server = await startTestServer();
  });

  after(async () => {
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  for (const algorithm of ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1'] as const) {
    it(`symmetric material wrapped with ${algorithm} by openssl imports, encrypts and decrypts`, async () => {
      const created = (await aws('create-key', '--origin', 'EXTERNAL', '--description', 'byok')).KeyMetadata;
      assert.deepEqual([created.Origin, created.KeyState, created.Enabled, created.CurrentKeyMaterialId], ['EXTERNAL', 'PendingImport', false, undefined]);
      const material = path(`material-${algorithm}.bin`);
      await openssl(['rand', '-out', material, '32']);

      const imported = await importMaterial(created.KeyId, algorithm, material);
      assert.equal(imported.KeyId, created.Arn);
      assert.match(imported.KeyMaterialId, /^[0-9a-f]{64}$/);
      const md = (await aws('describe-key', '--key-id', created.KeyId)).KeyMetadata;
      assert.deepEqual(
        [md.KeyState, md.Enabled, md.ExpirationModel, md.CurrentKeyMaterialId, md.ValidTo],
        ['Enabled', true, 'KEY_MATERIAL_DOES_NOT_EXPIRE', imported.KeyMaterialId, undefined],
      );

      const plaintext = path(`plain-${algorithm}.bin`);
      writeFileSync(plaintext, randomBytes(200));
      const enc = await aws('encrypt', '--key-id', created.KeyId, '--plaintext', `fileb://${plaintext}`);
      writeFileSync(path(`ct-${algorithm}.bin`), Buffer.from(enc.CiphertextBlob, 'base64'));
      const dec = await aws('decrypt', '--ciphertext-blob', `fileb://${path(`ct-${algorithm}.bin`)}`);
      assert.equal(dec.KeyId, created.Arn);
      assert.deepEqual(Buffer.from(dec.Plaintext, 'base64'), readFileSync(plaintext));
    });
  }

  it('reimporting different material is IncorrectKeyMaterialException; a wrong wrapping is InvalidCiphertextException', async () => {
    const k = (await aws('create-key', '--origin', 'EXTERNAL')).KeyMetadata;
    const first = path('first.bin');
    const other = path('other.bin');
    await openssl(['rand', '-out', first, '32']);
    await openssl(['rand', '-out', other, '32']);
    await importMaterial(k.KeyId, 'RSAES_OAEP_SHA_256', first);
    const p = await parameters(k.KeyId, 'RSAES_OAEP_SHA_256');
    await awsFails('IncorrectKeyMaterialException', 'import-key-material', '--key-id', k.KeyId,
      '--encrypted-key-material', `fileb://${await wrap('RSAES_OAEP_SHA_256', other, p.publicKey)}`,
      '--import-token', `fileb://${p.token}`, '--expiration-model', 'KEY_MATERIAL_DOES_NOT_EXPIRE');
    // Wrapped with SHA-1 OAEP for a token that says SHA-256.
    await awsFails('InvalidCiphertextException', 'import-key-material', '--key-id', k.KeyId,
      '--encrypted-key-material', `fileb://${await wrap('RSAES_OAEP_SHA_1', first, p.publicKey)}`,
      '--import-token', `fileb://${p.token}`, '--expiration-model', 'KEY_MATERIAL_DOES_NOT_EXPIRE');
  });

  it('rotation with imported material: import-type NEW_KEY_MATERIAL, rotate-key-on-demand, list-key-rotations, delete and reimport one version, expiry', async () => {
    const k = (await aws('create-key', '--origin', 'EXTERNAL')).KeyMetadata;
    const m1 = path('rot-v1.bin');
    const m2 = path('rot-v2.bin');
    await openssl(['rand', '-out', m1, '32']);
    await openssl(['rand', '-out', m2, '32']);
    const v1 = await importMaterial(k.KeyId, 'RSAES_OAEP_SHA_256', m1, ['--expiration-model', 'KEY_MATERIAL_DOES_NOT_EXPIRE', '--key-material-description', 'v1 from openssl']);
    const plain1 = path('rot-plain1.bin');
    writeFileSync(plain1, randomBytes(64));
    writeFileSync(path('rot-ct1.bin'), Buffer.from((await aws('encrypt', '--key-id', k.KeyId, '--plaintext', `fileb://${plain1}`)).CiphertextBlob, 'base64'));

    const validTo = Math.floor(server.clock.now() / 1000) + 10 * 86_400;
    const v2 = await importMaterial(k.KeyId, 'RSA_AES_KEY_WRAP_SHA_256', m2, [
      '--import-type', 'NEW_KEY_MATERIAL', '--expiration-model', 'KEY_MATERIAL_EXPIRES', '--valid-to', String(validTo), '--key-material-description', 'v2 from openssl',
    ]);
    let listed = (await aws('list-key-rotations', '--key-id', k.KeyId, '--include-key-material', 'ALL_KEY_MATERIAL')).Rotations;
    assert.deepEqual(
      listed.map((r: any) => [r.KeyMaterialId, r.KeyMaterialState, r.ImportState, r.ExpirationModel, r.KeyMaterialDescription]),
      [
        [v1.KeyMaterialId, 'CURRENT', 'IMPORTED', 'KEY_MATERIAL_DOES_NOT_EXPIRE', 'v1 from openssl'],
        [v2.KeyMaterialId, 'PENDING_ROTATION', 'IMPORTED', 'KEY_MATERIAL_EXPIRES', 'v2 from openssl'],
      ],
    );
    assert.equal(listed[1].ValidTo, validTo);

    assert.deepEqual(await aws('rotate-key-on-demand', '--key-id', k.KeyId), { KeyId: k.Arn });
    assert.equal((await aws('describe-key', '--key-id', k.KeyId)).KeyMetadata.CurrentKeyMaterialId, v2.KeyMaterialId);
    const plain2 = path('rot-plain2.bin');
    writeFileSync(plain2, randomBytes(64));
    writeFileSync(path('rot-ct2.bin'), Buffer.from((await aws('encrypt', '--key-id', k.KeyId, '--plaintext', `fileb://${plain2}`)).CiphertextBlob, 'base64'));
    const decryptBoth = async () => {
      const d1 = await aws('decrypt', '--ciphertext-blob', `fileb://${path('rot-ct1.bin')}`);
      const d2 = await aws('decrypt', '--ciphertext-blob', `fileb://${path('rot-ct2.bin')}`);
      assert.deepEqual([Buffer.from(d1.Plaintext, 'base64'), d1.KeyMaterialId], [readFileSync(plain1), v1.KeyMaterialId]);
      assert.deepEqual([Buffer.from(d2.Plaintext, 'base64'), d2.KeyMaterialId], [readFileSync(plain2), v2.KeyMaterialId]);
    };
    await decryptBoth();
    listed = (await aws('list-key-rotations', '--key-id', k.KeyId)).Rotations;
    assert.deepEqual(listed.map((r: any) => [r.KeyMaterialId, r.KeyMaterialState, r.RotationType]), [[v2.KeyMaterialId, 'CURRENT', 'ON_DEMAND']]);

    // Deleting v1 (non-current): the key awaits that material again; nothing decrypts meanwhile.
    assert.deepEqual(await aws('delete-imported-key-material', '--key-id', k.KeyId, '--key-material-id', v1.KeyMaterialId), { KeyId: k.Arn, KeyMaterialId: v1.KeyMaterialId });
    assert.equal((await aws('describe-key', '--key-id', k.KeyId)).KeyMetadata.KeyState, 'PendingImport');
    assert.match(await awsFails('KMSInvalidStateException', 'decrypt', '--ciphertext-blob', `fileb://${path('rot-ct1.bin')}`), /is pending import/);
    await awsFails('KMSInvalidStateException', 'decrypt', '--ciphertext-blob', `fileb://${path('rot-ct2.bin')}`);
    await importMaterial(k.KeyId, 'RSAES_OAEP_SHA_1', m1, ['--expiration-model', 'KEY_MATERIAL_DOES_NOT_EXPIRE', '--import-type', 'EXISTING_KEY_MATERIAL', '--key-material-id', v1.KeyMaterialId]);
    assert.equal((await aws('describe-key', '--key-id', k.KeyId)).KeyMetadata.KeyState, 'Enabled');
    await decryptBoth();

    // v2 expires on its own ValidTo (time travel), then is reimported.
    server.clock.advance(10 * 86_400_000 + 1000);
    await server.trent.sweep();
    listed = (await aws('list-key-rotations', '--key-id', k.KeyId, '--include-key-material', 'ALL_KEY_MATERIAL')).Rotations;
    assert.deepEqual(listed.map((r: any) => r.ImportState), ['IMPORTED', 'PENDING_IMPORT']);
    await awsFails('KMSInvalidStateException', 'decrypt', '--ciphertext-blob', `fileb://${path('rot-ct2.bin')}`);
    await importMaterial(k.KeyId, 'RSAES_OAEP_SHA_256', m2, ['--expiration-model', 'KEY_MATERIAL_DOES_NOT_EXPIRE', '--key-material-id', v2.KeyMaterialId]);
    await decryptBoth();
    await awsFails('KMSInvalidStateException', 'rotate-key-on-demand', '--key-id', k.KeyId);
  });

  it('HMAC material imported: GenerateMac equals openssl dgst -mac HMAC', async () => {
    const k = (await aws('create-key', '--origin', 'EXTERNAL', '--key-spec', 'HMAC_384', '--key-usage', 'GENERATE_VERIFY_MAC')).KeyMetadata;
    const material = path('hmac.bin');
    await openssl(['rand', '-out', material, '64']);
    await importMaterial(k.KeyId, 'RSAES_OAEP_SHA_256', material);
    const message = path('hmac-message.bin');
    writeFileSync(message, randomBytes(300));
    const mac = await aws('generate-mac', '--key-id', k.KeyId, '--mac-algorithm', 'HMAC_SHA_384', '--message', `fileb://${message}`);
    const hexKey = readFileSync(material).toString('hex');
    const expected = (await openssl(['dgst', '-sha384', '-mac', 'HMAC', '-macopt', `hexkey:${hexKey}`, '-r', message])).split(' ')[0];
    assert.equal(Buffer.from(mac.Mac, 'base64').toString('hex'), expected);
  });

  for (const c of [
    { spec: 'RSA_2048', gen: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], alg: 'RSASSA_PSS_SHA_256', dgst: ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32'] },
    { spec: 'ECC_NIST_P256', gen: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], alg: 'ECDSA_SHA_256', dgst: [] },
  ]) {
    it(`${c.spec} private key from openssl genpkey imported: openssl signatures verify through Trent, Trent's verify with openssl`, async () => {
      const k = (await aws('create-key', '--origin', 'EXTERNAL', '--key-spec', c.spec, '--key-usage', 'SIGN_VERIFY')).KeyMetadata;
      const { pem, der } = await genpkey(`sign-${c.spec}`, c.gen);
      await importMaterial(k.KeyId, 'RSA_AES_KEY_WRAP_SHA_256', der);

      // The public key Trent reports is the one of the imported private key.
      const pub = path(`sign-${c.spec}.pub.der`);
      writeFileSync(pub, Buffer.from((await aws('get-public-key', '--key-id', k.KeyId)).PublicKey, 'base64'));
      const fromOpenssl = path(`sign-${c.spec}.openssl.pub.der`);
      await openssl(['pkey', '-in', pem, '-pubout', '-outform', 'DER', '-out', fromOpenssl]);
      assert.deepEqual(readFileSync(pub), readFileSync(fromOpenssl));

      const message = path(`sign-${c.spec}.msg`);
      writeFileSync(message, randomBytes(500));
      const sigByOpenssl = path(`sign-${c.spec}.openssl.sig`);
      await openssl(['dgst', '-sha256', '-sign', pem, ...c.dgst, '-out', sigByOpenssl, message]);
      const verified = await aws('verify', '--key-id', k.KeyId, '--message', `fileb://${message}`, '--signature', `fileb://${sigByOpenssl}`, '--signing-algorithm', c.alg);
      assert.equal(verified.SignatureValid, true);

      const signed = await aws('sign', '--key-id', k.KeyId, '--message', `fileb://${message}`, '--signing-algorithm', c.alg);
      const sigByTrent = path(`sign-${c.spec}.trent.sig`);
      writeFileSync(sigByTrent, Buffer.from(signed.Signature, 'base64'));
      const out = await openssl(['dgst', '-sha256', '-verify', pub, '-keyform', 'DER', ...c.dgst, '-signature', sigByTrent, message]);
      assert.match(out, /Verified OK/);
    });
  }

  it('RSA ENCRYPT_DECRYPT private key imported: OpenSSL OAEP ciphertext decrypts through Trent', async () => {
    const k = (await aws('create-key', '--origin', 'EXTERNAL', '--key-spec', 'RSA_3072', '--key-usage', 'ENCRYPT_DECRYPT')).KeyMetadata;
    const { pem, der } = await genpkey('enc-rsa', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072']);
    // An RSA private key needs an RSA_AES_KEY_WRAP algorithm.
    await awsFails('ValidationException', 'get-parameters-for-import', '--key-id', k.KeyId, '--wrapping-algorithm', 'RSAES_OAEP_SHA_256', '--wrapping-key-spec', 'RSA_4096');
    await importMaterial(k.KeyId, 'RSA_AES_KEY_WRAP_SHA_1', der);
    const plaintext = path('enc-rsa.plain');
    writeFileSync(plaintext, randomBytes(100));
    const ct = path('enc-rsa.ct');
    await openssl(['pkeyutl', '-encrypt', '-inkey', pem, '-in', plaintext, '-out', ct, ...oaepOptions('RSAES_OAEP_SHA_256')]);
    const dec = await aws('decrypt', '--key-id', k.KeyId, '--ciphertext-blob', `fileb://${ct}`, '--encryption-algorithm', 'RSAES_OAEP_SHA_256');
    assert.deepEqual(Buffer.from(dec.Plaintext, 'base64'), readFileSync(plaintext));
  });

  it('an ECC private key for another curve is refused', async () => {
    const k = (await aws('create-key', '--origin', 'EXTERNAL', '--key-spec', 'ECC_SECG_P256K1', '--key-usage', 'SIGN_VERIFY')).KeyMetadata;
    const { der } = await genpkey('wrong-curve', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']);
    const p = await parameters(k.KeyId, 'RSA_AES_KEY_WRAP_SHA_256');
    await awsFails('ValidationException', 'import-key-material', '--key-id', k.KeyId,
      '--encrypted-key-material', `fileb://${await wrap('RSA_AES_KEY_WRAP_SHA_256', der, p.publicKey)}`,
      '--import-token', `fileb://${p.token}`, '--expiration-model', 'KEY_MATERIAL_DOES_NOT_EXPIRE');
    const { der: right } = await genpkey('right-curve', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp256k1']);
    await importMaterial(k.KeyId, 'RSA_AES_KEY_WRAP_SHA_256', right);
    assert.equal((await aws('describe-key', '--key-id', k.KeyId)).KeyMetadata.KeyState, 'Enabled');
  });
});
