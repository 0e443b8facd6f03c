/**
 * RSA Encrypt/Decrypt/ReEncrypt, GenerateDataKeyPair(WithoutPlaintext) and
 * DeriveSharedSecret through @aws-sdk/client-kms against a real server, with
 * node:crypto as the oracle, and every way these requests can be refused.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  constants,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import {
  CreateKeyCommand,
  DecryptCommand,
  DeriveSharedSecretCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyPairCommand,
  GenerateDataKeyPairWithoutPlaintextCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GetPublicKeyCommand,
  ReEncryptCommand,
  type DataKeyPairSpec,
  type EncryptionAlgorithmSpec,
  type KeyMetadata,
  type KeySpec,
  type KeyUsageType,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { awsError, startTestServer, type TestServer } from '../helpers/trent.js';

const OAEP_HASH: Record<string, string> = { RSAES_OAEP_SHA_1: 'sha1', RSAES_OAEP_SHA_256: 'sha256' };
/** AWS's documented (and recorded) plaintext limits. */
const LIMITS: [KeySpec, EncryptionAlgorithmSpec, number][] = [
  ['RSA_2048', 'RSAES_OAEP_SHA_1', 214],
  ['RSA_2048', 'RSAES_OAEP_SHA_256', 190],
  ['RSA_3072', 'RSAES_OAEP_SHA_1', 342],
  ['RSA_3072', 'RSAES_OAEP_SHA_256', 318],
  ['RSA_4096', 'RSAES_OAEP_SHA_1', 470],
  ['RSA_4096', 'RSAES_OAEP_SHA_256', 446],
];
const CONTEXT_MESSAGE = 'EncryptionContext is not supported when encrypting/decrypting with asymmetric CMKs.';

describe('asymmetric encryption, data key pairs and key agreement', () => {
  let server: TestServer;
  let kms: KMSClient;
  const rsa = new Map<string, KeyMetadata>();
  let symmetric: KeyMetadata;
  let signing: KeyMetadata;
  let hmac: KeyMetadata;

  const create = async (KeySpec: KeySpec, KeyUsage: KeyUsageType) => (await kms.send(new CreateKeyCommand({ KeySpec, KeyUsage }))).KeyMetadata!;
  const publicKeyOf = async (keyId: string) => Buffer.from((await kms.send(new GetPublicKeyCommand({ KeyId: keyId }))).PublicKey!);

  before(async () => {
    server = await startTestServer();
    kms = server.kms();
    for (const spec of ['RSA_2048', 'RSA_3072', 'RSA_4096'] as const) rsa.set(spec, await create(spec, 'ENCRYPT_DECRYPT'));
    symmetric = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    signing = await create('RSA_2048', 'SIGN_VERIFY');
    hmac = await create('HMAC_224', 'GENERATE_VERIFY_MAC');
  });
  after(() => server.close());

  describe('RSA Encrypt and Decrypt', () => {
    for (const [spec, algorithm, max] of LIMITS) {
      it(`${spec} ${algorithm}: round trip at the ${max}-byte limit; node:crypto decrypts what Trent's public key encrypts`, async () => {
        const md = rsa.get(spec)!;
        const plaintext = randomBytes(max);
        const enc = await kms.send(new EncryptCommand({ KeyId: md.KeyId, Plaintext: plaintext, EncryptionAlgorithm: algorithm }));
        assert.deepEqual([enc.KeyId, enc.EncryptionAlgorithm], [md.Arn, algorithm]);
        const ciphertext = Buffer.from(enc.CiphertextBlob!);
        assert.equal(ciphertext.length, Number(spec.slice(4)) / 8, 'bare RSA ciphertext, one modulus long');
        const dec = await kms.send(new DecryptCommand({ KeyId: md.Arn, CiphertextBlob: ciphertext, EncryptionAlgorithm: algorithm }));
        assert.deepEqual([dec.KeyId, dec.EncryptionAlgorithm, dec.KeyMaterialId], [md.Arn, algorithm, undefined]);
        assert.deepEqual(Buffer.from(dec.Plaintext!), plaintext);
        // Ciphertext made outside with the public key decrypts inside.
        const outside = publicEncrypt(
          { key: createPublicKey({ key: await publicKeyOf(md.KeyId!), format: 'der', type: 'spki' }), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP_HASH[algorithm] },
          plaintext,
        );
        const back = await kms.send(new DecryptCommand({ KeyId: md.KeyId, CiphertextBlob: outside, EncryptionAlgorithm: algorithm }));
        assert.deepEqual(Buffer.from(back.Plaintext!), plaintext);
        const e = await awsError(() => kms.send(new EncryptCommand({ KeyId: md.KeyId, Plaintext: randomBytes(max + 1), EncryptionAlgorithm: algorithm })));
        assert.deepEqual([e.name, e.message], ['ValidationException', `Algorithm ${algorithm} and key spec ${spec} cannot encrypt data larger than ${max} bytes.`]);
      });
    }

    it('requires EncryptionAlgorithm for RSA keys and refuses algorithms of other specs', async () => {
      const md = rsa.get('RSA_2048')!;
      let e = await awsError(() => kms.send(new EncryptCommand({ KeyId: md.KeyId, Plaintext: Buffer.from('x') })));
      assert.deepEqual([e.name, e.message], ['InvalidKeyUsageException', 'Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.']);
      e = await awsError(() => kms.send(new EncryptCommand({ KeyId: md.KeyId, Plaintext: Buffer.from('x'), EncryptionAlgorithm: 'SM2PKE' })));
      assert.deepEqual([e.name, e.message], ['InvalidKeyUsageException', 'Algorithm SM2PKE is incompatible with key spec RSA_2048.']);
      e = await awsError(() => kms.send(new EncryptCommand({ KeyId: symmetric.KeyId, Plaintext: Buffer.from('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' })));
      assert.deepEqual([e.name, e.message], ['InvalidKeyUsageException', 'Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT.']);
      const ct = (await kms.send(new EncryptCommand({ KeyId: md.KeyId, Plaintext: Buffer.from('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }))).CiphertextBlob!;
      e = await awsError(() => kms.send(new DecryptCommand({ KeyId: md.KeyId, CiphertextBlob: ct })));
      assert.deepEqual([e.name, e.message], ['InvalidKeyUsageException', 'Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.']);
    });

    it('refuses an encryption context with asymmetric keys', async () => {
      const md = rsa.get('RSA_2048')!;
      let e = await awsError(() => kms.send(new EncryptCommand({ KeyId: md.KeyId, Plaintext: Buffer.from('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_1', EncryptionContext: { a: 'b' } })));
      assert.deepEqual([e.name, e.message], ['ValidationException', CONTEXT_MESSAGE]);
      const ct = (await kms.send(new EncryptCommand({ KeyId: md.KeyId, Plaintext: Buffer.from('x'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_1', EncryptionContext: {} }))).CiphertextBlob!;
      e = await awsError(() => kms.send(new DecryptCommand({ KeyId: md.KeyId, CiphertextBlob: ct, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1', EncryptionContext: { a: 'b' } })));
      assert.deepEqual([e.name, e.message], ['ValidationException', CONTEXT_MESSAGE]);
    });

    it('RSA ciphertext needs the KeyId, the right algorithm and an intact ciphertext', async () => {
      const md = rsa.get('RSA_2048')!;
      const ct = Buffer.from((await kms.send(new EncryptCommand({ KeyId: md.KeyId, Plaintext: Buffer.from('secret'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }))).CiphertextBlob!);
      let e = await awsError(() => kms.send(new DecryptCommand({ CiphertextBlob: ct, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' })));
      assert.equal(e.name, 'InvalidCiphertextException');
      e = await awsError(() => kms.send(new DecryptCommand({ KeyId: md.KeyId, CiphertextBlob: ct, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' })));
      assert.equal(e.name, 'InvalidCiphertextException');
      const tampered = Buffer.from(ct);
      tampered[10] ^= 1;
      e = await awsError(() => kms.send(new DecryptCommand({ KeyId: md.KeyId, CiphertextBlob: tampered, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' })));
      assert.equal(e.name, 'InvalidCiphertextException');
      e = await awsError(() => kms.send(new DecryptCommand({ KeyId: rsa.get('RSA_3072')!.KeyId, CiphertextBlob: ct, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' })));
      assert.equal(e.name, 'InvalidCiphertextException');
      const other = await create('RSA_2048', 'ENCRYPT_DECRYPT');
      e = await awsError(() => kms.send(new DecryptCommand({ KeyId: other.KeyId, CiphertextBlob: ct, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' })));
      assert.equal(e.name, 'InvalidCiphertextException');
    });

    it('refuses keys whose usage is not ENCRYPT_DECRYPT (recorded messages)', async () => {
      let e = await awsError(() => kms.send(new EncryptCommand({ KeyId: signing.KeyId, Plaintext: Buffer.from('test message 123!@#') })));
      assert.deepEqual([e.name, e.message], ['InvalidKeyUsageException', `${signing.Arn} key usage is SIGN_VERIFY which is not valid for Encrypt.`]);
      const blob = (await kms.send(new EncryptCommand({ KeyId: symmetric.KeyId, Plaintext: Buffer.from('test message 123!@#') }))).CiphertextBlob!;
      e = await awsError(() => kms.send(new DecryptCommand({ CiphertextBlob: blob, KeyId: hmac.KeyId })));
      assert.deepEqual([e.name, e.message], ['IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.']);
      e = await awsError(() => kms.send(new DecryptCommand({ CiphertextBlob: randomBytes(256), KeyId: signing.KeyId, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' })));
      assert.deepEqual([e.name, e.message], ['InvalidKeyUsageException', `${signing.Arn} key usage is SIGN_VERIFY which is not valid for Decrypt.`]);
    });

    it('GenerateDataKey refuses asymmetric keys', async () => {
      const md = rsa.get('RSA_2048')!;
      for (const command of [new GenerateDataKeyCommand({ KeyId: md.KeyId, KeySpec: 'AES_256' }), new GenerateDataKeyWithoutPlaintextCommand({ KeyId: md.KeyId, KeySpec: 'AES_256' })]) {
        const e = await awsError(() => kms.send(command as GenerateDataKeyCommand));
        assert.equal(e.name, 'InvalidKeyUsageException');
        assert.match(e.message, /key KeySpec is RSA_2048 which is not valid for GenerateDataKey(WithoutPlaintext)?\.$/);
      }
      const e = await awsError(() => kms.send(new GenerateDataKeyCommand({ KeyId: signing.KeyId, KeySpec: 'AES_256' })));
      assert.deepEqual([e.name, e.message], ['InvalidKeyUsageException', `${signing.Arn} key usage is SIGN_VERIFY which is not valid for GenerateDataKey.`]);
    });

    it('answers DryRun after the plaintext limit check', async () => {
      const md = rsa.get('RSA_2048')!;
      let e = await awsError(() => kms.send(new EncryptCommand({ KeyId: md.KeyId, Plaintext: randomBytes(10), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256', DryRun: true })));
      assert.equal(e.name, 'DryRunOperationException');
      e = await awsError(() => kms.send(new EncryptCommand({ KeyId: md.KeyId, Plaintext: randomBytes(191), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256', DryRun: true })));
      assert.equal(e.name, 'ValidationException');
      const ct = (await kms.send(new EncryptCommand({ KeyId: md.KeyId, Plaintext: randomBytes(10), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }))).CiphertextBlob!;
      e = await awsError(() => kms.send(new DecryptCommand({ KeyId: md.KeyId, CiphertextBlob: ct, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256', DryRun: true })));
      assert.equal(e.name, 'DryRunOperationException');
    });
  });

  describe('ReEncrypt with RSA keys', () => {
    it('RSA to the same RSA key (recorded shape)', async () => {
      const md = rsa.get('RSA_2048')!;
      const plaintext = randomBytes(32);
      const ct = (await kms.send(new EncryptCommand({ KeyId: md.KeyId, Plaintext: plaintext, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }))).CiphertextBlob!;
      const out = await kms.send(
        new ReEncryptCommand({
          CiphertextBlob: ct,
          SourceKeyId: md.KeyId,
          SourceEncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
          DestinationKeyId: md.KeyId,
          DestinationEncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
        }),
      );
      assert.deepEqual(
        [out.SourceKeyId, out.KeyId, out.SourceEncryptionAlgorithm, out.DestinationEncryptionAlgorithm, out.SourceKeyMaterialId, out.DestinationKeyMaterialId],
        [md.Arn, md.Arn, 'RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_256', undefined, undefined],
      );
      assert.notDeepEqual(Buffer.from(out.CiphertextBlob!), Buffer.from(ct));
      const dec = await kms.send(new DecryptCommand({ KeyId: md.KeyId, CiphertextBlob: out.CiphertextBlob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }));
      assert.deepEqual(Buffer.from(dec.Plaintext!), plaintext);
    });

    it('RSA to symmetric and back, with contexts only on the symmetric side', async () => {
      const md = rsa.get('RSA_3072')!;
      const plaintext = randomBytes(100);
      const ct = (await kms.send(new EncryptCommand({ KeyId: md.KeyId, Plaintext: plaintext, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' }))).CiphertextBlob!;
      const toSym = await kms.send(
        new ReEncryptCommand({ CiphertextBlob: ct, SourceKeyId: md.KeyId, SourceEncryptionAlgorithm: 'RSAES_OAEP_SHA_1', DestinationKeyId: symmetric.KeyId, DestinationEncryptionContext: { app: 'x' } }),
      );
      assert.deepEqual([toSym.SourceEncryptionAlgorithm, toSym.DestinationEncryptionAlgorithm], ['RSAES_OAEP_SHA_1', 'SYMMETRIC_DEFAULT']);
      assert.equal(toSym.SourceKeyMaterialId, undefined);
      assert.match(toSym.DestinationKeyMaterialId!, /^[0-9a-f]{64}$/);
      const sym = await kms.send(new DecryptCommand({ CiphertextBlob: toSym.CiphertextBlob, EncryptionContext: { app: 'x' } }));
      assert.deepEqual(Buffer.from(sym.Plaintext!), plaintext);
      const back = await kms.send(
        new ReEncryptCommand({ CiphertextBlob: toSym.CiphertextBlob, SourceEncryptionContext: { app: 'x' }, DestinationKeyId: md.KeyId, DestinationEncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }),
      );
      assert.deepEqual([back.SourceKeyId, back.KeyId, back.SourceEncryptionAlgorithm, back.DestinationEncryptionAlgorithm], [symmetric.Arn, md.Arn, 'SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_256']);
      const rsaPlain = await kms.send(new DecryptCommand({ KeyId: md.KeyId, CiphertextBlob: back.CiphertextBlob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }));
      assert.deepEqual(Buffer.from(rsaPlain.Plaintext!), plaintext);
    });

    it('refuses what AWS refuses: no destination algorithm, destination context, oversized plaintext, no source key', async () => {
      const md = rsa.get('RSA_2048')!;
      const big = (await kms.send(new EncryptCommand({ KeyId: symmetric.KeyId, Plaintext: randomBytes(191) }))).CiphertextBlob!;
      let e = await awsError(() => kms.send(new ReEncryptCommand({ CiphertextBlob: big, DestinationKeyId: md.KeyId })));
      assert.deepEqual([e.name, e.message], ['InvalidKeyUsageException', 'Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.']);
      e = await awsError(() => kms.send(new ReEncryptCommand({ CiphertextBlob: big, DestinationKeyId: md.KeyId, DestinationEncryptionAlgorithm: 'RSAES_OAEP_SHA_1', DestinationEncryptionContext: { a: 'b' } })));
      assert.deepEqual([e.name, e.message], ['ValidationException', CONTEXT_MESSAGE]);
      e = await awsError(() => kms.send(new ReEncryptCommand({ CiphertextBlob: big, DestinationKeyId: md.KeyId, DestinationEncryptionAlgorithm: 'RSAES_OAEP_SHA_256' })));
      assert.deepEqual([e.name, e.message], ['ValidationException', 'Algorithm RSAES_OAEP_SHA_256 and key spec RSA_2048 cannot encrypt data larger than 190 bytes.']);
      const rsaCt = (await kms.send(new EncryptCommand({ KeyId: md.KeyId, Plaintext: randomBytes(5), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }))).CiphertextBlob!;
      e = await awsError(() => kms.send(new ReEncryptCommand({ CiphertextBlob: rsaCt, DestinationKeyId: symmetric.KeyId })));
      assert.equal(e.name, 'InvalidCiphertextException');
    });
  });

  describe('GenerateDataKeyPair', () => {
    const SPECS: DataKeyPairSpec[] = ['RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1', 'ECC_NIST_EDWARDS25519'];
    const TYPE: Record<string, [string, string | number]> = {
      RSA_2048: ['rsa', 2048],
      RSA_3072: ['rsa', 3072],
      RSA_4096: ['rsa', 4096],
      ECC_NIST_P256: ['ec', 'prime256v1'],
      ECC_NIST_P384: ['ec', 'secp384r1'],
      ECC_NIST_P521: ['ec', 'secp521r1'],
      ECC_SECG_P256K1: ['ec', 'secp256k1'],
      ECC_NIST_EDWARDS25519: ['ed25519', ''],
    };

    for (const spec of SPECS) {
      it(`${spec}: PKCS#8 private key, SPKI public key, and a private key blob Decrypt opens with the context`, async () => {
        const context = { purpose: 'data-key-pair', spec };
        const out = await kms.send(new GenerateDataKeyPairCommand({ KeyId: symmetric.KeyId, KeyPairSpec: spec, EncryptionContext: context }));
        assert.deepEqual([out.KeyId, out.KeyPairSpec, out.KeyMaterialId], [symmetric.Arn, spec, symmetric.CurrentKeyMaterialId]);
        const privateDer = Buffer.from(out.PrivateKeyPlaintext!);
        const publicDer = Buffer.from(out.PublicKey!);
        const priv = createPrivateKey({ key: privateDer, format: 'der', type: 'pkcs8' });
        const [type, detail] = TYPE[spec];
        assert.equal(priv.asymmetricKeyType, type);
        if (type === 'rsa') assert.equal(priv.asymmetricKeyDetails!.modulusLength, detail);
        if (type === 'ec') assert.equal(priv.asymmetricKeyDetails!.namedCurve, detail);
        assert.deepEqual(createPublicKey(priv).export({ format: 'der', type: 'spki' }), publicDer);
        const dec = await kms.send(new DecryptCommand({ CiphertextBlob: out.PrivateKeyCiphertextBlob, EncryptionContext: context }));
        assert.deepEqual(Buffer.from(dec.Plaintext!), privateDer);
        assert.equal(dec.KeyId, symmetric.Arn);
        const e = await awsError(() => kms.send(new DecryptCommand({ CiphertextBlob: out.PrivateKeyCiphertextBlob, KeyId: symmetric.KeyId })));
        assert.equal(e.name, 'InvalidCiphertextException');
      });
    }

    it('WithoutPlaintext: the wrapped private key matches the public key; every pair is fresh', async () => {
      const a = await kms.send(new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: symmetric.Arn, KeyPairSpec: 'ECC_NIST_P256' }));
      const b = await kms.send(new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: symmetric.KeyId, KeyPairSpec: 'ECC_NIST_P256' }));
      assert.equal((a as { PrivateKeyPlaintext?: unknown }).PrivateKeyPlaintext, undefined);
      assert.deepEqual([a.KeyId, a.KeyPairSpec], [symmetric.Arn, 'ECC_NIST_P256']);
      assert.notDeepEqual(Buffer.from(a.PublicKey!), Buffer.from(b.PublicKey!));
      const priv = createPrivateKey({ key: Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: a.PrivateKeyCiphertextBlob }))).Plaintext!), format: 'der', type: 'pkcs8' });
      const sig = nodeSign('sha256', Buffer.from('m'), priv);
      assert.equal(nodeVerify('sha256', Buffer.from('m'), createPublicKey({ key: Buffer.from(a.PublicKey!), format: 'der', type: 'spki' }), sig), true);
    });

    it('refuses asymmetric and HMAC wrapping keys, SM2, and answers DryRun (recorded message)', async () => {
      let e = await awsError(() => kms.send(new GenerateDataKeyPairCommand({ KeyId: rsa.get('RSA_2048')!.KeyId, KeyPairSpec: 'ECC_NIST_P256' })));
      assert.deepEqual([e.name, e.message], ['InvalidKeyUsageException', `${rsa.get('RSA_2048')!.Arn} key KeySpec is RSA_2048 which is not valid for GenerateDataKeyPair.`]);
      e = await awsError(() => kms.send(new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: hmac.KeyId, KeyPairSpec: 'ECC_NIST_P256' })));
      assert.deepEqual([e.name, e.message], ['InvalidKeyUsageException', `${hmac.Arn} key usage is GENERATE_VERIFY_MAC which is not valid for GenerateDataKeyPairWithoutPlaintext.`]);
      e = await awsError(() => kms.send(new GenerateDataKeyPairCommand({ KeyId: symmetric.KeyId, KeyPairSpec: 'SM2' })));
      assert.deepEqual([e.name, e.message], ['UnsupportedOperationException', 'KeySpec SM2 is not supported by this server.']);
      for (const command of [
        new GenerateDataKeyPairCommand({ KeyId: symmetric.KeyId, KeyPairSpec: 'RSA_2048', DryRun: true }),
        new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: symmetric.KeyId, KeyPairSpec: 'RSA_2048', DryRun: true }),
      ]) {
        e = await awsError(() => kms.send(command as GenerateDataKeyPairCommand));
        assert.deepEqual([e.name, e.message], ['DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.']);
      }
    });
  });

  describe('DeriveSharedSecret', () => {
    const CURVES: [KeySpec, string][] = [
      ['ECC_NIST_P256', 'prime256v1'],
      ['ECC_NIST_P384', 'secp384r1'],
      ['ECC_NIST_P521', 'secp521r1'],
    ];
    for (const [spec, curve] of CURVES) {
      it(`${spec}: the secret equals the peer's ECDH with the key's public key`, async () => {
        const md = await create(spec, 'KEY_AGREEMENT');
        const peer = generateKeyPairSync('ec', { namedCurve: curve });
        const out = await kms.send(
          new DeriveSharedSecretCommand({ KeyId: md.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: peer.publicKey.export({ format: 'der', type: 'spki' }) }),
        );
        assert.deepEqual([out.KeyId, out.KeyAgreementAlgorithm, out.KeyOrigin], [md.Arn, 'ECDH', 'AWS_KMS']);
        const ours = createPublicKey({ key: await publicKeyOf(md.KeyId!), format: 'der', type: 'spki' });
        assert.deepEqual(Buffer.from(out.SharedSecret!), diffieHellman({ privateKey: peer.privateKey, publicKey: ours }));
      });
    }

    it('refuses other usages, other curves and malformed public keys', async () => {
      const md = await create('ECC_NIST_P256', 'KEY_AGREEMENT');
      const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ format: 'der', type: 'spki' });
      const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
      for (const PublicKey of [p384, ed, randomBytes(91)]) {
        const e = await awsError(() => kms.send(new DeriveSharedSecretCommand({ KeyId: md.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey })));
        assert.equal(e.name, 'ValidationException');
      }
      const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'der', type: 'spki' });
      const signer = await create('ECC_NIST_P256', 'SIGN_VERIFY');
      let e = await awsError(() => kms.send(new DeriveSharedSecretCommand({ KeyId: signer.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: p256 })));
      assert.deepEqual([e.name, e.message], ['InvalidKeyUsageException', `${signer.Arn} key usage is SIGN_VERIFY which is not valid for DeriveSharedSecret.`]);
      e = await awsError(() => kms.send(new DeriveSharedSecretCommand({ KeyId: symmetric.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: p256 })));
      assert.equal(e.name, 'InvalidKeyUsageException');
      e = await awsError(() => kms.send(new DeriveSharedSecretCommand({ KeyId: md.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: p256, DryRun: true })));
      assert.equal(e.name, 'DryRunOperationException');
    });
  });

  describe('authorization with the condition keys these operations add', () => {
    /** A key policy that allows the account everything but denies `action` unless `condition` holds. */
    function policy(action: string | string[], condition: object): string {
      return JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'Enable', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${symmetric.AWSAccountId}:root` }, Action: 'kms:*', Resource: '*' },
          { Sid: 'Restrict', Effect: 'Deny', Principal: { AWS: '*' }, Action: action, Resource: '*', Condition: condition },
        ],
      });
    }
    const withPolicy = async (KeySpec: KeySpec, KeyUsage: KeyUsageType, Policy: string) =>
      (await kms.send(new CreateKeyCommand({ KeySpec, KeyUsage, Policy }))).KeyMetadata!;

    it('kms:SigningAlgorithm and kms:MessageType', async () => {
      const { SignCommand } = await import('@aws-sdk/client-kms');
      const md = await withPolicy('RSA_2048', 'SIGN_VERIFY', policy('kms:Sign', { StringNotEquals: { 'kms:SigningAlgorithm': 'RSASSA_PSS_SHA_256' } }));
      await kms.send(new SignCommand({ KeyId: md.KeyId, Message: Buffer.from('m'), SigningAlgorithm: 'RSASSA_PSS_SHA_256' }));
      let e = await awsError(() => kms.send(new SignCommand({ KeyId: md.KeyId, Message: Buffer.from('m'), SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' })));
      assert.equal(e.name, 'AccessDeniedException');
      const raw = await withPolicy('ECC_NIST_P256', 'SIGN_VERIFY', policy('kms:Sign', { StringEquals: { 'kms:MessageType': 'DIGEST' } }));
      await kms.send(new SignCommand({ KeyId: raw.KeyId, Message: Buffer.from('m'), SigningAlgorithm: 'ECDSA_SHA_256' }));
      e = await awsError(() => kms.send(new SignCommand({ KeyId: raw.KeyId, Message: randomBytes(32), MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' })));
      assert.equal(e.name, 'AccessDeniedException');
    });

    it('kms:MacAlgorithm', async () => {
      const { GenerateMacCommand } = await import('@aws-sdk/client-kms');
      const md = await withPolicy('HMAC_256', 'GENERATE_VERIFY_MAC', policy('kms:GenerateMac', { StringEquals: { 'kms:MacAlgorithm': 'HMAC_SHA_256' } }));
      const e = await awsError(() => kms.send(new GenerateMacCommand({ KeyId: md.KeyId, Message: Buffer.from('m'), MacAlgorithm: 'HMAC_SHA_256' })));
      assert.equal(e.name, 'AccessDeniedException');
    });

    it('kms:KeyAgreementAlgorithm', async () => {
      const md = await withPolicy('ECC_NIST_P256', 'KEY_AGREEMENT', policy('kms:DeriveSharedSecret', { StringEquals: { 'kms:KeyAgreementAlgorithm': 'ECDH' } }));
      const PublicKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'der', type: 'spki' });
      const e = await awsError(() => kms.send(new DeriveSharedSecretCommand({ KeyId: md.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey })));
      assert.equal(e.name, 'AccessDeniedException');
    });

    it('kms:DataKeyPairSpec', async () => {
      const md = await withPolicy('SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT', policy('kms:GenerateDataKeyPair*', { StringNotEquals: { 'kms:DataKeyPairSpec': 'ECC_NIST_P256' } }));
      await kms.send(new GenerateDataKeyPairCommand({ KeyId: md.KeyId, KeyPairSpec: 'ECC_NIST_P256' }));
      for (const command of [
        new GenerateDataKeyPairCommand({ KeyId: md.KeyId, KeyPairSpec: 'ECC_NIST_P384' }),
        new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: md.KeyId, KeyPairSpec: 'RSA_2048' }),
      ]) {
        const e = await awsError(() => kms.send(command as GenerateDataKeyPairCommand));
        assert.equal(e.name, 'AccessDeniedException');
      }
    });

    it('kms:EncryptionAlgorithm on RSA Encrypt and Decrypt', async () => {
      const md = await withPolicy('RSA_2048', 'ENCRYPT_DECRYPT', policy(['kms:Encrypt', 'kms:Decrypt'], { StringEquals: { 'kms:EncryptionAlgorithm': 'RSAES_OAEP_SHA_1' } }));
      const ct = (await kms.send(new EncryptCommand({ KeyId: md.KeyId, Plaintext: Buffer.from('m'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }))).CiphertextBlob!;
      await kms.send(new DecryptCommand({ KeyId: md.KeyId, CiphertextBlob: ct, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }));
      let e = await awsError(() => kms.send(new EncryptCommand({ KeyId: md.KeyId, Plaintext: Buffer.from('m'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' })));
      assert.equal(e.name, 'AccessDeniedException');
      e = await awsError(() => kms.send(new DecryptCommand({ KeyId: md.KeyId, CiphertextBlob: ct, EncryptionAlgorithm: 'RSAES_OAEP_SHA_1' })));
      assert.equal(e.name, 'AccessDeniedException');
    });

    it('authorization comes before the key state and usage checks', async () => {
      const { SignCommand, DisableKeyCommand } = await import('@aws-sdk/client-kms');
      const md = await withPolicy('ECC_NIST_P256', 'SIGN_VERIFY', policy('kms:Sign', { StringEquals: { 'kms:SigningAlgorithm': 'ECDSA_SHA_512' } }));
      await kms.send(new DisableKeyCommand({ KeyId: md.KeyId }));
      const e = await awsError(() => kms.send(new SignCommand({ KeyId: md.KeyId, Message: Buffer.from('m'), SigningAlgorithm: 'ECDSA_SHA_512' })));
      assert.equal(e.name, 'AccessDeniedException');
    });
  });

  it('private keys decrypt what their public keys encrypt (data key pair RSA, node:crypto both sides)', async () => {
    const out = await kms.send(new GenerateDataKeyPairCommand({ KeyId: symmetric.KeyId, KeyPairSpec: 'RSA_2048' }));
    const pub = createPublicKey({ key: Buffer.from(out.PublicKey!), format: 'der', type: 'spki' });
    const priv = createPrivateKey({ key: Buffer.from(out.PrivateKeyPlaintext!), format: 'der', type: 'pkcs8' });
    const ct = publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from('hello'));
    assert.equal(privateDecrypt({ key: priv, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, ct).toString(), 'hello');
  });
});
