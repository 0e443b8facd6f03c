/**
 * Interoperability with the OpenSSL command line through a running server:
 * every signature Trent makes verifies with `openssl` using the key from
 * GetPublicKey (and a tampered one does not); RSA ciphertext OpenSSL makes
 * with that public key decrypts through Trent; ECDH secrets equal OpenSSL's
 * derive; MACs equal `openssl dgst -mac HMAC`; data key pairs are keys OpenSSL
 * reads. openssl runs asynchronously: the server answers in this process.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateKeyCommand,
  DecryptCommand,
  DeriveSharedSecretCommand,
  GenerateDataKeyPairCommand,
  GenerateMacCommand,
  GetPublicKeyCommand,
  SignCommand,
  type DataKeyPairSpec,
  type KeySpec,
  type KeyUsageType,
  type KMSClient,
  type MacAlgorithmSpec,
  type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import { startTestServer, TEST_ACCOUNT, TEST_REGION, type TestServer } from '../helpers/trent.js';

const run = promisify(execFile);

async function openssl(args: string[]): Promise<Buffer> {
  const { stdout } = await run('openssl', args, { encoding: 'buffer', maxBuffer: 16 << 20 });
  return stdout;
}

/** True if openssl reports the signature valid, false if it reports it invalid; throws on anything else. */
async function opensslVerifies(args: string[]): Promise<boolean> {
  try {
    const out = (await openssl(args)).toString();
    if (!/Verified OK|Signature Verified Successfully/.test(out)) throw new Error(`unexpected openssl output: ${out}`);
    return true;
  } catch (e) {
    const x = e as { code?: number; stdout?: Buffer; stderr?: Buffer };
    const text = `${x.stdout?.toString() ?? ''}${x.stderr?.toString() ?? ''}`;
    // OpenSSL rejects a bad signature as a verification failure, or, when the
    // edit broke the DER encoding, as an error verifying data: both are "no".
    if (x.code === 1 && /Verification Failure|Error verifying data/i.test(text)) return false;
    throw e;
  }
}

const MESSAGE = Buffer.from('Signed by Trent, checked by OpenSSL \u00e9');
const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };
const hashOf = (alg: string) => HASH[alg.slice(-3)];

/** The signing algorithms and message types OpenSSL 3.0 can check (it has no Ed25519ph). */
const SIGNING: [KeySpec, SigningAlgorithmSpec[]][] = [
  ['RSA_2048', ['RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512', 'RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512']],
  ['RSA_3072', ['RSASSA_PSS_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_256']],
  ['RSA_4096', ['RSASSA_PSS_SHA_512', 'RSASSA_PKCS1_V1_5_SHA_512']],
  ['ECC_NIST_P256', ['ECDSA_SHA_256']],
  ['ECC_NIST_P384', ['ECDSA_SHA_384']],
  ['ECC_NIST_P521', ['ECDSA_SHA_512']],
  ['ECC_SECG_P256K1', ['ECDSA_SHA_256']],
  ['ECC_NIST_EDWARDS25519', ['ED25519_SHA_512']],
];

/** openssl arguments that verify `sig` over `input`, as KMS means the message type. */
function verifyArgs(alg: string, type: 'RAW' | 'DIGEST', pub: string, input: string, sig: string): string[] {
  const rsaOpts: string[] = [];
  if (alg.startsWith('RSASSA_PSS_')) rsaOpts.push('rsa_padding_mode:pss', 'rsa_pss_saltlen:digest', `rsa_mgf1_md:${hashOf(alg)}`);
  if (alg.startsWith('RSASSA_PKCS1_')) rsaOpts.push('rsa_padding_mode:pkcs1');
  if (alg === 'ED25519_SHA_512') return ['pkeyutl', '-verify', '-pubin', '-inkey', pub, '-keyform', 'DER', '-rawin', '-in', input, '-sigfile', sig];
  if (type === 'RAW') {
    // openssl dgst, as the offline-verification guides use it.
    return ['dgst', `-${hashOf(alg)}`, '-verify', pub, '-keyform', 'DER', '-signature', sig, ...rsaOpts.flatMap((o) => ['-sigopt', o]), input];
  }
  const digest = alg.startsWith('ECDSA') ? [] : ['-pkeyopt', `digest:${hashOf(alg)}`];
  return ['pkeyutl', '-verify', '-pubin', '-inkey', pub, '-keyform', 'DER', '-in', input, '-sigfile', sig, ...digest, ...rsaOpts.flatMap((o) => ['-pkeyopt', o])];
}

describe('OpenSSL interoperability through the server', () => {
  let server: TestServer;
  let kms: KMSClient;
  let dir: string;
  const file = (name: string, data?: Buffer) => {
    const p = join(dir, name);
    if (data !== undefined) writeFileSync(p, data);
    return p;
  };
  const create = async (KeySpec: KeySpec, KeyUsage: KeyUsageType) => (await kms.send(new CreateKeyCommand({ KeySpec, KeyUsage }))).KeyMetadata!;
  const publicKey = async (keyId: string) => Buffer.from((await kms.send(new GetPublicKeyCommand({ KeyId: keyId }))).PublicKey!);

  before(async () => {
    server = await startTestServer();
    kms = server.kms();
    dir = mkdtempSync(join(tmpdir(), 'trent-openssl-'));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('every signature Trent makes verifies with openssl and the GetPublicKey key', () => {
    for (const [spec, algorithms] of SIGNING) {
      it(spec, async () => {
        const md = await create(spec, 'SIGN_VERIFY');
        const pub = file(`${spec}.pub.der`, await publicKey(md.KeyId!));
        for (const alg of algorithms) {
          const types: ('RAW' | 'DIGEST')[] = alg === 'ED25519_SHA_512' ? ['RAW'] : ['RAW', 'DIGEST'];
          for (const type of types) {
            const message = type === 'RAW' ? MESSAGE : createHash(hashOf(alg)).update(MESSAGE).digest();
            const input = file(`${spec}.${alg}.${type}.in`, message);
            const signature = Buffer.from((await kms.send(new SignCommand({ KeyId: md.KeyId, Message: message, MessageType: type, SigningAlgorithm: alg }))).Signature!);
            const sig = file(`${spec}.${alg}.${type}.sig`, signature);
            assert.equal(await opensslVerifies(verifyArgs(alg, type, pub, input, sig)), true, `${spec} ${alg} ${type}`);
            const bad = Buffer.from(signature);
            bad[bad.length >> 1] ^= 1;
            const badSig = file(`${spec}.${alg}.${type}.bad`, bad);
            assert.equal(await opensslVerifies(verifyArgs(alg, type, pub, input, badSig)), false, `${spec} ${alg} ${type} tampered`);
          }
        }
      });
    }
    // ML-DSA: OpenSSL 3.0 has none; kms-asymmetric.test.ts verifies Trent's ML-DSA
    // signatures with an independent implementation (@noble/post-quantum).
  });

  describe('RSA ciphertext OpenSSL makes with the public key decrypts through Trent', () => {
    for (const spec of ['RSA_2048', 'RSA_3072', 'RSA_4096'] as const) {
      it(spec, async () => {
        const md = await create(spec, 'ENCRYPT_DECRYPT');
        const pub = file(`${spec}.enc.pub.der`, await publicKey(md.KeyId!));
        for (const [algorithm, md_] of [['RSAES_OAEP_SHA_1', 'sha1'], ['RSAES_OAEP_SHA_256', 'sha256']] as const) {
          const plaintext = randomBytes(150);
          const input = file(`${spec}.${algorithm}.plain`, plaintext);
          const ciphertext = await openssl([
            'pkeyutl', '-encrypt', '-pubin', '-inkey', pub, '-keyform', 'DER', '-in', input,
            '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', `rsa_oaep_md:${md_}`, '-pkeyopt', `rsa_mgf1_md:${md_}`,
          ]);
          const out = await kms.send(new DecryptCommand({ KeyId: md.KeyId, CiphertextBlob: ciphertext, EncryptionAlgorithm: algorithm }));
          assert.deepEqual(Buffer.from(out.Plaintext!), plaintext, `${spec} ${algorithm}`);
          assert.equal(out.EncryptionAlgorithm, algorithm);
        }
      });
    }
  });

  describe('ECDH secrets equal OpenSSL\'s derive', () => {
    for (const [spec, curve] of [['ECC_NIST_P256', 'P-256'], ['ECC_NIST_P384', 'P-384'], ['ECC_NIST_P521', 'P-521']] as const) {
      it(spec, async () => {
        const md = await create(spec, 'KEY_AGREEMENT');
        const trentPub = file(`${spec}.ka.pub.der`, await publicKey(md.KeyId!));
        const peerKey = file(`${spec}.peer.pem`);
        await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${curve}`, '-out', peerKey]);
        const peerPub = await openssl(['pkey', '-in', peerKey, '-pubout', '-outform', 'DER']);
        const fromTrent = await kms.send(new DeriveSharedSecretCommand({ KeyId: md.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: peerPub }));
        const fromOpenssl = await openssl(['pkeyutl', '-derive', '-inkey', peerKey, '-peerkey', trentPub, '-peerform', 'DER']);
        assert.deepEqual(Buffer.from(fromTrent.SharedSecret!), fromOpenssl);
        assert.equal(fromOpenssl.length, { 'P-256': 32, 'P-384': 48, 'P-521': 66 }[curve]);
      });
    }
  });

  it('GenerateMac equals openssl dgst -mac HMAC with the key material', async () => {
    for (const [spec, alg, digest] of [['HMAC_224', 'HMAC_SHA_224', 'sha224'], ['HMAC_256', 'HMAC_SHA_256', 'sha256'], ['HMAC_384', 'HMAC_SHA_384', 'sha384'], ['HMAC_512', 'HMAC_SHA_512', 'sha512']] as const) {
      const md = await create(spec, 'GENERATE_VERIFY_MAC');
      const key = (await server.trent.deps.materials.get(TEST_ACCOUNT, TEST_REGION, md.KeyId!, 1))!.material;
      const input = file(`${spec}.msg`, MESSAGE);
      const expected = await openssl(['dgst', `-${digest}`, '-mac', 'HMAC', '-macopt', `hexkey:${key.toString('hex')}`, '-binary', input]);
      const mac = (await kms.send(new GenerateMacCommand({ KeyId: md.KeyId, Message: MESSAGE, MacAlgorithm: alg as MacAlgorithmSpec }))).Mac!;
      assert.deepEqual(Buffer.from(mac), expected, spec);
    }
  });

  it('data key pairs: OpenSSL reads the private key (plaintext and decrypted), derives the same public key, and signs with it', async () => {
    const symmetric = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const specs: DataKeyPairSpec[] = ['RSA_2048', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1', 'ECC_NIST_EDWARDS25519'];
    for (const spec of specs) {
      const out = await kms.send(new GenerateDataKeyPairCommand({ KeyId: symmetric.KeyId, KeyPairSpec: spec, EncryptionContext: { spec } }));
      const decrypted = Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: out.PrivateKeyCiphertextBlob, EncryptionContext: { spec } }))).Plaintext!);
      assert.deepEqual(decrypted, Buffer.from(out.PrivateKeyPlaintext!));
      const priv = file(`${spec}.dkp.der`, decrypted);
      const derivedPub = await openssl(['pkey', '-inform', 'DER', '-in', priv, '-pubout', '-outform', 'DER']);
      assert.deepEqual(derivedPub, Buffer.from(out.PublicKey!), spec);
      const pub = file(`${spec}.dkp.pub.der`, derivedPub);
      const input = file(`${spec}.dkp.msg`, MESSAGE);
      const sig = file(`${spec}.dkp.sig`);
      const rawin = spec === 'ECC_NIST_EDWARDS25519' ? ['-rawin'] : ['-rawin', '-digest', 'sha256'];
      await openssl(['pkeyutl', '-sign', '-inkey', priv, '-keyform', 'DER', '-in', input, '-out', sig, ...rawin]);
      assert.equal(await opensslVerifies(['pkeyutl', '-verify', '-pubin', '-inkey', pub, '-keyform', 'DER', '-in', input, '-sigfile', sig, ...rawin]), true, spec);
      assert.ok(readFileSync(sig).length > 0);
    }
  });
});
