/**
 * Asymmetric signing keys through @aws-sdk/client-kms against a real server:
 * CreateKey for every spec and usage, DescribeKey and GetPublicKey as AWS shows
 * them, Sign/Verify for every algorithm and message type, and every way a
 * request can be refused.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, randomBytes } from 'node:crypto';
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  GetPublicKeyCommand,
  SignCommand,
  VerifyCommand,
  type KeyMetadata,
  type KeySpec,
  type KeyUsageType,
  type KMSClient,
  type MessageType,
  type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { decodeMlDsaPublicKey, mlDsaExternalMu, nativeMlDsaAvailable, type MlDsaSpec } from '../../src/crypto/keyspecs/ml-dsa.js';
import { awsError, startTestServer, type TestServer } from '../helpers/trent.js';

/** What AWS lists, written out here rather than read from Trent's table. */
const RSA_SIGNING = ['RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512', 'RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512'];
const SIGNING: Record<string, string[]> = {
  RSA_2048: RSA_SIGNING,
  RSA_3072: RSA_SIGNING,
  RSA_4096: RSA_SIGNING,
  ECC_NIST_P256: ['ECDSA_SHA_256'],
  ECC_NIST_P384: ['ECDSA_SHA_384'],
  ECC_NIST_P521: ['ECDSA_SHA_512'],
  ECC_SECG_P256K1: ['ECDSA_SHA_256'],
  ECC_NIST_EDWARDS25519: ['ED25519_SHA_512', 'ED25519_PH_SHA_512'],
  ML_DSA_44: ['ML_DSA_SHAKE_256'],
  ML_DSA_65: ['ML_DSA_SHAKE_256'],
  ML_DSA_87: ['ML_DSA_SHAKE_256'],
};
const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };
const MESSAGE = Buffer.from('Trent signs this message \u00e9');

function hashOf(alg: string): string {
  return HASH[alg.slice(-3)];
}

/** The message types an algorithm takes, and the message to send for each. */
function messagesFor(alg: string, publicKey: Buffer, spec: string): { type: MessageType; message: Buffer }[] {
  if (alg === 'ED25519_SHA_512') return [{ type: 'RAW', message: MESSAGE }];
  if (alg === 'ED25519_PH_SHA_512') return [{ type: 'DIGEST', message: createHash('sha512').update(MESSAGE).digest() }];
  if (alg === 'ML_DSA_SHAKE_256') {
    return [
      { type: 'RAW', message: MESSAGE },
      { type: 'EXTERNAL_MU', message: mlDsaExternalMu(spec as MlDsaSpec, publicKey, MESSAGE) },
    ];
  }
  return [
    { type: 'RAW', message: MESSAGE },
    { type: 'DIGEST', message: createHash(hashOf(alg)).update(MESSAGE).digest() },
  ];
}

const NOBLE = { ML_DSA_44: ml_dsa44, ML_DSA_65: ml_dsa65, ML_DSA_87: ml_dsa87 };

function flip(buf: Uint8Array, index = buf.length >> 1): Buffer {
  const out = Buffer.from(buf);
  out[index] ^= 0x01;
  return out;
}

describe('asymmetric signing keys', () => {
  let server: TestServer;
  let kms: KMSClient;
  const keys = new Map<string, KeyMetadata>();
  let symmetric: KeyMetadata;
  let rsaEncrypt: KeyMetadata;
  let hmac: KeyMetadata;
  let agreement: KeyMetadata;

  const create = async (KeySpec: KeySpec, KeyUsage: KeyUsageType) => (await kms.send(new CreateKeyCommand({ KeySpec, KeyUsage }))).KeyMetadata!;

  before(async () => {
    server = await startTestServer();
    kms = server.kms();
    for (const spec of Object.keys(SIGNING)) keys.set(spec, await create(spec as KeySpec, 'SIGN_VERIFY'));
    symmetric = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    rsaEncrypt = await create('RSA_2048', 'ENCRYPT_DECRYPT');
    hmac = await create('HMAC_256', 'GENERATE_VERIFY_MAC');
    agreement = await create('ECC_NIST_P256', 'KEY_AGREEMENT');
  });
  after(() => server.close());

  describe('CreateKey and DescribeKey', () => {
    it('lists the signing algorithms AWS lists, with no encryption algorithms or key material id', async () => {
      for (const [spec, algorithms] of Object.entries(SIGNING)) {
        const created = keys.get(spec)!;
        const described = (await kms.send(new DescribeKeyCommand({ KeyId: created.KeyId }))).KeyMetadata!;
        assert.deepEqual(described, created, spec);
        assert.equal(described.KeySpec, spec);
        assert.equal(described.KeyUsage, 'SIGN_VERIFY');
        assert.deepEqual(described.SigningAlgorithms, algorithms, spec);
        for (const absent of ['EncryptionAlgorithms', 'MacAlgorithms', 'KeyAgreementAlgorithms', 'CurrentKeyMaterialId'] as const) {
          assert.equal(described[absent], undefined, `${spec} ${absent}`);
        }
        // The deprecated CustomerMasterKeySpec enum cannot name ML-DSA or Ed25519 keys.
        assert.equal(described.CustomerMasterKeySpec, spec.startsWith('ML_DSA') || spec === 'ECC_NIST_EDWARDS25519' ? undefined : spec);
        assert.equal(described.Enabled, true);
        assert.equal(described.Origin, 'AWS_KMS');
      }
    });

    it('shows RSA encryption and ECDH key agreement keys as AWS does', async () => {
      assert.deepEqual(rsaEncrypt.EncryptionAlgorithms, ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256']);
      assert.equal(rsaEncrypt.SigningAlgorithms, undefined);
      assert.equal(rsaEncrypt.CurrentKeyMaterialId, undefined);
      assert.deepEqual(agreement.KeyAgreementAlgorithms, ['ECDH']);
      assert.equal(agreement.KeyUsage, 'KEY_AGREEMENT');
      assert.equal(agreement.EncryptionAlgorithms, undefined);
      assert.equal(agreement.SigningAlgorithms, undefined);
      for (const spec of ['ECC_NIST_P384', 'ECC_NIST_P521'] as const) {
        assert.deepEqual((await create(spec, 'KEY_AGREEMENT')).KeyAgreementAlgorithms, ['ECDH']);
      }
      for (const spec of ['RSA_3072', 'RSA_4096'] as const) {
        // (RSA_4096 is generated twice in this file; generation runs off the event loop.)
        assert.deepEqual((await create(spec, 'ENCRYPT_DECRYPT')).EncryptionAlgorithms, ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256']);
      }
    });

    it('requires a KeyUsage for every spec but SYMMETRIC_DEFAULT (recorded message)', async () => {
      for (const KeySpec of ['RSA_2048', 'ECC_NIST_P256', 'HMAC_256', 'ML_DSA_44', 'ECC_NIST_EDWARDS25519'] as const) {
        const e = await awsError(() => kms.send(new CreateKeyCommand({ KeySpec })));
        assert.deepEqual([e.name, e.message], ['ValidationException', 'You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.'], KeySpec);
      }
    });

    it('refuses usages the spec does not admit', async () => {
      const cases: [KeySpec, KeyUsageType][] = [
        ['RSA_2048', 'KEY_AGREEMENT'],
        ['RSA_2048', 'GENERATE_VERIFY_MAC'],
        ['ECC_NIST_P256', 'ENCRYPT_DECRYPT'],
        ['ECC_SECG_P256K1', 'KEY_AGREEMENT'],
        ['ECC_NIST_EDWARDS25519', 'KEY_AGREEMENT'],
        ['ML_DSA_65', 'ENCRYPT_DECRYPT'],
        ['HMAC_256', 'SIGN_VERIFY'],
        ['SYMMETRIC_DEFAULT', 'GENERATE_VERIFY_MAC'],
      ];
      for (const [KeySpec, KeyUsage] of cases) {
        const e = await awsError(() => kms.send(new CreateKeyCommand({ KeySpec, KeyUsage })));
        assert.deepEqual([e.name, e.message], ['ValidationException', `KeyUsage ${KeyUsage} is not compatible with KeySpec ${KeySpec}`]);
      }
    });

    it('refuses SM2 with UnsupportedOperationException, by KeySpec or CustomerMasterKeySpec', async () => {
      for (const input of [{ KeySpec: 'SM2' as const, KeyUsage: 'SIGN_VERIFY' as const }, { CustomerMasterKeySpec: 'SM2' as const, KeyUsage: 'ENCRYPT_DECRYPT' as const }]) {
        const e = await awsError(() => kms.send(new CreateKeyCommand(input)));
        assert.deepEqual([e.name, e.message], ['UnsupportedOperationException', 'KeySpec SM2 is not supported by this server.']);
      }
    });

    it('accepts the deprecated CustomerMasterKeySpec', async () => {
      const md = (await kms.send(new CreateKeyCommand({ CustomerMasterKeySpec: 'ECC_NIST_P384', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!;
      assert.deepEqual([md.KeySpec, md.CustomerMasterKeySpec, md.SigningAlgorithms], ['ECC_NIST_P384', 'ECC_NIST_P384', ['ECDSA_SHA_384']]);
    });
  });

  describe('GetPublicKey', () => {
    it('returns the DER SubjectPublicKeyInfo with KeySpec, KeyUsage and the algorithm list', async () => {
      for (const [spec, algorithms] of Object.entries(SIGNING)) {
        const md = keys.get(spec)!;
        const out = await kms.send(new GetPublicKeyCommand({ KeyId: md.KeyId }));
        assert.equal(out.KeyId, md.Arn);
        assert.equal(out.KeySpec, spec);
        assert.equal(out.KeyUsage, 'SIGN_VERIFY');
        assert.deepEqual(out.SigningAlgorithms, algorithms);
        assert.equal(out.EncryptionAlgorithms, undefined);
        const der = Buffer.from(out.PublicKey!);
        if (spec.startsWith('ML_DSA')) {
          assert.equal(decodeMlDsaPublicKey(spec as MlDsaSpec, der).length, NOBLE[spec as MlDsaSpec].lengths.publicKey);
          if (nativeMlDsaAvailable()) assert.equal(createPublicKey({ key: der, format: 'der', type: 'spki' }).asymmetricKeyType, spec.toLowerCase().replace(/_/g, '-'));
        } else {
          const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
          assert.equal(key.export({ format: 'der', type: 'spki' }).equals(der), true);
          const type = spec.startsWith('RSA') ? 'rsa' : spec === 'ECC_NIST_EDWARDS25519' ? 'ed25519' : 'ec';
          assert.equal(key.asymmetricKeyType, type);
          if (type === 'rsa') assert.equal(key.asymmetricKeyDetails!.modulusLength, Number(spec.slice(4)));
        }
      }
    });

    it('answers for encryption and key agreement keys, and by alias-free ARN', async () => {
      const rsa = await kms.send(new GetPublicKeyCommand({ KeyId: rsaEncrypt.Arn }));
      assert.deepEqual([rsa.KeyUsage, rsa.EncryptionAlgorithms, rsa.CustomerMasterKeySpec], ['ENCRYPT_DECRYPT', ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'], 'RSA_2048']);
      const ecdh = await kms.send(new GetPublicKeyCommand({ KeyId: agreement.KeyId }));
      assert.deepEqual([ecdh.KeyUsage, ecdh.KeyAgreementAlgorithms], ['KEY_AGREEMENT', ['ECDH']]);
      assert.equal(createPublicKey({ key: Buffer.from(ecdh.PublicKey!), format: 'der', type: 'spki' }).asymmetricKeyDetails!.namedCurve, 'prime256v1');
    });

    it('is refused for symmetric and HMAC keys', async () => {
      for (const md of [symmetric, hmac]) {
        const e = await awsError(() => kms.send(new GetPublicKeyCommand({ KeyId: md.KeyId })));
        assert.equal(e.name, 'UnsupportedOperationException');
        assert.equal(e.message, `${md.Arn} key spec is ${md.KeySpec} which is not valid for GetPublicKey.`);
      }
    });
  });

  describe('Sign and Verify', () => {
    for (const [spec, algorithms] of Object.entries(SIGNING)) {
      it(`${spec}: every algorithm and message type signs and verifies; tampering is detected`, async () => {
        const md = keys.get(spec)!;
        const publicKey = Buffer.from((await kms.send(new GetPublicKeyCommand({ KeyId: md.KeyId }))).PublicKey!);
        for (const alg of algorithms as SigningAlgorithmSpec[]) {
          for (const { type, message } of messagesFor(alg, publicKey, spec)) {
            const what = `${spec} ${alg} ${type}`;
            const signed = await kms.send(new SignCommand({ KeyId: md.KeyId, Message: message, MessageType: type, SigningAlgorithm: alg }));
            assert.equal(signed.KeyId, md.Arn, what);
            assert.equal(signed.SigningAlgorithm, alg, what);
            const signature = Buffer.from(signed.Signature!);
            if (alg.startsWith('ECDSA')) assert.equal(signature[0], 0x30, `${what}: DER SEQUENCE`);
            const verified = await kms.send(new VerifyCommand({ KeyId: md.Arn, Message: message, MessageType: type, Signature: signature, SigningAlgorithm: alg }));
            assert.deepEqual([verified.SignatureValid, verified.SigningAlgorithm, verified.KeyId], [true, alg, md.Arn], what);
            for (const [badMessage, badSignature] of [
              [message, flip(signature)],
              [flip(message, 0), signature],
            ]) {
              const e = await awsError(() =>
                kms.send(new VerifyCommand({ KeyId: md.KeyId, Message: badMessage, MessageType: type, Signature: badSignature, SigningAlgorithm: alg })),
              );
              assert.equal(e.name, 'KMSInvalidSignatureException', what);
            }
          }
        }
      });
    }

    it('MessageType defaults to RAW', async () => {
      const md = keys.get('ECC_NIST_P256')!;
      const sig = (await kms.send(new SignCommand({ KeyId: md.KeyId, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256' }))).Signature!;
      const ok = await kms.send(new VerifyCommand({ KeyId: md.KeyId, Message: MESSAGE, MessageType: 'RAW', Signature: sig, SigningAlgorithm: 'ECDSA_SHA_256' }));
      assert.equal(ok.SignatureValid, true);
    });

    it('ML-DSA signatures verify with the audited library, RAW and EXTERNAL_MU alike (across implementations on Node 24)', async () => {
      for (const spec of ['ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87'] as const) {
        const md = keys.get(spec)!;
        const spki = Buffer.from((await kms.send(new GetPublicKeyCommand({ KeyId: md.KeyId }))).PublicKey!);
        const pk = decodeMlDsaPublicKey(spec, spki);
        const raw = (await kms.send(new SignCommand({ KeyId: md.KeyId, Message: MESSAGE, MessageType: 'RAW', SigningAlgorithm: 'ML_DSA_SHAKE_256' }))).Signature!;
        assert.equal(NOBLE[spec].verify(raw, MESSAGE, pk), true, spec);
        const mu = mlDsaExternalMu(spec, spki, MESSAGE);
        const viaMu = (await kms.send(new SignCommand({ KeyId: md.KeyId, Message: mu, MessageType: 'EXTERNAL_MU', SigningAlgorithm: 'ML_DSA_SHAKE_256' }))).Signature!;
        // A signature over mu is an ordinary ML-DSA signature of the message.
        assert.equal(NOBLE[spec].verify(viaMu, MESSAGE, pk), true, spec);
        const asRaw = await kms.send(new VerifyCommand({ KeyId: md.KeyId, Message: MESSAGE, MessageType: 'RAW', Signature: viaMu, SigningAlgorithm: 'ML_DSA_SHAKE_256' }));
        assert.equal(asRaw.SignatureValid, true);
        const librarySig = NOBLE[spec].sign(MESSAGE, NOBLE[spec].keygen().secretKey);
        const foreign = await awsError(() =>
          kms.send(new VerifyCommand({ KeyId: md.KeyId, Message: MESSAGE, Signature: librarySig, SigningAlgorithm: 'ML_DSA_SHAKE_256' })),
        );
        assert.equal(foreign.name, 'KMSInvalidSignatureException');
      }
    });

    it('refuses keys whose usage is not SIGN_VERIFY (recorded messages)', async () => {
      let e = await awsError(() => kms.send(new SignCommand({ KeyId: hmac.KeyId, Message: MESSAGE, MessageType: 'RAW', SigningAlgorithm: 'RSASSA_PSS_SHA_256' })));
      assert.deepEqual([e.name, e.message], ['InvalidKeyUsageException', `${hmac.Arn} key usage is GENERATE_VERIFY_MAC which is not valid for Sign.`]);
      e = await awsError(() =>
        kms.send(new VerifyCommand({ KeyId: symmetric.KeyId, Message: MESSAGE, MessageType: 'RAW', Signature: Buffer.from('random text'), SigningAlgorithm: 'ECDSA_SHA_256' })),
      );
      assert.deepEqual([e.name, e.message], ['InvalidKeyUsageException', `${symmetric.Arn} key usage is ENCRYPT_DECRYPT which is not valid for Verify.`]);
      e = await awsError(() => kms.send(new SignCommand({ KeyId: rsaEncrypt.KeyId, Message: MESSAGE, SigningAlgorithm: 'RSASSA_PSS_SHA_256' })));
      assert.deepEqual([e.name, e.message], ['InvalidKeyUsageException', `${rsaEncrypt.Arn} key usage is ENCRYPT_DECRYPT which is not valid for Sign.`]);
      e = await awsError(() => kms.send(new SignCommand({ KeyId: agreement.KeyId, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256' })));
      assert.deepEqual([e.name, e.message], ['InvalidKeyUsageException', `${agreement.Arn} key usage is KEY_AGREEMENT which is not valid for Sign.`]);
    });

    it('refuses algorithms the key spec does not list', async () => {
      const cases: [string, SigningAlgorithmSpec][] = [
        ['ECC_NIST_P256', 'ECDSA_SHA_384'],
        ['ECC_SECG_P256K1', 'ECDSA_SHA_512'],
        ['ECC_NIST_P521', 'ECDSA_SHA_256'],
        ['RSA_2048', 'ECDSA_SHA_256'],
        ['ECC_NIST_EDWARDS25519', 'ECDSA_SHA_512'],
        ['ML_DSA_44', 'ED25519_SHA_512'],
      ];
      for (const [spec, alg] of cases) {
        const md = keys.get(spec)!;
        for (const command of [
          new SignCommand({ KeyId: md.KeyId, Message: MESSAGE, SigningAlgorithm: alg }),
          new VerifyCommand({ KeyId: md.KeyId, Message: MESSAGE, Signature: Buffer.alloc(64, 1), SigningAlgorithm: alg }),
        ]) {
          const e = await awsError(() => kms.send(command as SignCommand));
          assert.deepEqual([e.name, e.message], ['InvalidKeyUsageException', `Algorithm ${alg} is incompatible with key spec ${spec}.`]);
        }
      }
    });

    it('checks the digest length per algorithm (recorded message)', async () => {
      const cases: [string, SigningAlgorithmSpec, number][] = [
        ['RSA_2048', 'RSASSA_PSS_SHA_256', 31],
        ['RSA_2048', 'RSASSA_PKCS1_V1_5_SHA_384', 32],
        ['ECC_NIST_P256', 'ECDSA_SHA_256', 33],
        ['ECC_NIST_P521', 'ECDSA_SHA_512', 48],
        ['ECC_NIST_EDWARDS25519', 'ED25519_PH_SHA_512', 32],
      ];
      for (const [spec, alg, length] of cases) {
        const e = await awsError(() => kms.send(new SignCommand({ KeyId: keys.get(spec)!.KeyId, Message: randomBytes(length), MessageType: 'DIGEST', SigningAlgorithm: alg })));
        assert.deepEqual([e.name, e.message], ['ValidationException', `Digest is invalid length for algorithm ${alg}.`]);
      }
      const e = await awsError(() =>
        kms.send(new SignCommand({ KeyId: keys.get('ML_DSA_65')!.KeyId, Message: randomBytes(32), MessageType: 'EXTERNAL_MU', SigningAlgorithm: 'ML_DSA_SHAKE_256' })),
      );
      assert.deepEqual([e.name, e.message], ['ValidationException', 'Digest is invalid length for algorithm ML_DSA_SHAKE_256.']);
    });

    it('refuses message types the algorithm does not take', async () => {
      const cases: [string, SigningAlgorithmSpec, MessageType, string][] = [
        ['ML_DSA_44', 'ML_DSA_SHAKE_256', 'DIGEST', 'Message type DIGEST is incompatible with key spec ML_DSA_44.'],
        ['ECC_NIST_EDWARDS25519', 'ED25519_SHA_512', 'DIGEST', 'Message type DIGEST is incompatible with algorithm ED25519_SHA_512.'],
        ['ECC_NIST_EDWARDS25519', 'ED25519_PH_SHA_512', 'RAW', 'Message type RAW is incompatible with algorithm ED25519_PH_SHA_512.'],
        ['ECC_NIST_P256', 'ECDSA_SHA_256', 'EXTERNAL_MU', 'Message type EXTERNAL_MU is incompatible with key spec ECC_NIST_P256.'],
      ];
      for (const [spec, alg, type, message] of cases) {
        const e = await awsError(() => kms.send(new SignCommand({ KeyId: keys.get(spec)!.KeyId, Message: randomBytes(64), MessageType: type, SigningAlgorithm: alg })));
        assert.deepEqual([e.name, e.message], ['ValidationException', message]);
      }
    });

    it('takes RAW messages up to 4096 bytes and refuses larger ones', async () => {
      const md = keys.get('ECC_NIST_P384')!;
      const max = randomBytes(4096);
      const sig = (await kms.send(new SignCommand({ KeyId: md.KeyId, Message: max, SigningAlgorithm: 'ECDSA_SHA_384' }))).Signature!;
      assert.equal((await kms.send(new VerifyCommand({ KeyId: md.KeyId, Message: max, Signature: sig, SigningAlgorithm: 'ECDSA_SHA_384' }))).SignatureValid, true);
      const e = await awsError(() => kms.send(new SignCommand({ KeyId: md.KeyId, Message: randomBytes(4097), SigningAlgorithm: 'ECDSA_SHA_384' })));
      assert.equal(e.name, 'ValidationException');
      assert.match(e.message, /Member must have length less than or equal to 4096/);
    });

    it('a signature by one key does not verify under another of the same spec', async () => {
      const other = await create('ECC_NIST_P256', 'SIGN_VERIFY');
      const sig = (await kms.send(new SignCommand({ KeyId: keys.get('ECC_NIST_P256')!.KeyId, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256' }))).Signature!;
      const e = await awsError(() => kms.send(new VerifyCommand({ KeyId: other.KeyId, Message: MESSAGE, Signature: sig, SigningAlgorithm: 'ECDSA_SHA_256' })));
      assert.equal(e.name, 'KMSInvalidSignatureException');
    });

    it('answers DryRun after every check, and refuses disabled keys', async () => {
      const md = await create('ECC_NIST_P256', 'SIGN_VERIFY');
      let e = await awsError(() => kms.send(new SignCommand({ KeyId: md.KeyId, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256', DryRun: true })));
      assert.deepEqual([e.name, e.message], ['DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.']);
      e = await awsError(() => kms.send(new SignCommand({ KeyId: md.KeyId, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_512', DryRun: true })));
      assert.equal(e.name, 'InvalidKeyUsageException');
      const sig = (await kms.send(new SignCommand({ KeyId: md.KeyId, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256' }))).Signature!;
      e = await awsError(() => kms.send(new VerifyCommand({ KeyId: md.KeyId, Message: MESSAGE, Signature: sig, SigningAlgorithm: 'ECDSA_SHA_256', DryRun: true })));
      assert.equal(e.name, 'DryRunOperationException');
      await kms.send(new DisableKeyCommand({ KeyId: md.KeyId }));
      for (const command of [
        new SignCommand({ KeyId: md.KeyId, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256' }),
        new VerifyCommand({ KeyId: md.KeyId, Message: MESSAGE, Signature: sig, SigningAlgorithm: 'ECDSA_SHA_256' }),
        new GetPublicKeyCommand({ KeyId: md.KeyId }),
      ]) {
        e = await awsError(() => kms.send(command as SignCommand));
        assert.deepEqual([e.name, e.message], ['DisabledException', `${md.Arn} is disabled.`]);
      }
    });

    it('signs and verifies through an alias', async () => {
      const { CreateAliasCommand } = await import('@aws-sdk/client-kms');
      const md = keys.get('ECC_NIST_EDWARDS25519')!;
      await kms.send(new CreateAliasCommand({ AliasName: 'alias/ed', TargetKeyId: md.KeyId }));
      const signed = await kms.send(new SignCommand({ KeyId: 'alias/ed', Message: MESSAGE, SigningAlgorithm: 'ED25519_SHA_512' }));
      assert.equal(signed.KeyId, md.Arn);
      const ok = await kms.send(new VerifyCommand({ KeyId: 'alias/ed', Message: MESSAGE, Signature: signed.Signature!, SigningAlgorithm: 'ED25519_SHA_512' }));
      assert.equal(ok.SignatureValid, true);
    });
  });
});
