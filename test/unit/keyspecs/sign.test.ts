import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { KeySpecError } from '../../../src/crypto/keyspecs/errors.js';
import { generateKeyPair } from '../../../src/crypto/keyspecs/generate.js';
import { mlDsaExternalMu } from '../../../src/crypto/keyspecs/ml-dsa.js';
import { sign, verify } from '../../../src/crypto/keyspecs/sign.js';
import { SIGNING_HASH, signingAlgorithmsFor, type KeySpec, type MessageType, type SigningAlgorithm } from '../../../src/domain/key-specs.js';
import { flipBit, keyPairFor } from './helpers.js';

const SIGNING_SPECS: KeySpec[] = [
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'ECC_NIST_P256',
  'ECC_NIST_P384',
  'ECC_NIST_P521',
  'ECC_SECG_P256K1',
  'ECC_NIST_EDWARDS25519',
  'ML_DSA_44',
  'ML_DSA_65',
  'ML_DSA_87',
];

const MESSAGE = Buffer.from('test message !%$@ 1234567890');

function inputFor(spec: KeySpec, alg: SigningAlgorithm, type: MessageType, message = MESSAGE): Buffer {
  if (type === 'RAW') return message;
  if (type === 'EXTERNAL_MU') return mlDsaExternalMu(spec as 'ML_DSA_44', keyPairFor(spec).publicKeyDer, message);
  return createHash(SIGNING_HASH[alg].hash).update(message).digest();
}

function expectError(fn: () => unknown, kind: string, message: string, awsCode?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof KeySpecError, `not a KeySpecError: ${e}`);
    assert.equal(e.kind, kind);
    assert.equal(e.message, message);
    if (awsCode) assert.equal(e.awsCode, awsCode);
    return true;
  });
}

describe('sign/verify round trips for every spec, algorithm and message type', () => {
  for (const spec of SIGNING_SPECS) {
    for (const alg of signingAlgorithmsFor(spec)) {
      for (const type of SIGNING_HASH[alg].messageTypes) {
        it(`${spec} ${alg} ${type}`, () => {
          const { privateKeyDer, publicKeyDer } = keyPairFor(spec);
          const input = inputFor(spec, alg, type);
          const sig = sign(spec, alg, privateKeyDer, input, type);
          assert.equal(verify(spec, alg, publicKeyDer, input, type, sig), true);
          // Tampered, truncated or zeroed signatures and another message: all invalid.
          assert.equal(verify(spec, alg, publicKeyDer, input, type, flipBit(sig)), false);
          assert.equal(verify(spec, alg, publicKeyDer, input, type, flipBit(sig, sig.length - 1)), false);
          assert.equal(verify(spec, alg, publicKeyDer, inputFor(spec, alg, type, Buffer.from('other')), type, sig), false);
          assert.equal(verify(spec, alg, publicKeyDer, input, type, sig.subarray(0, sig.length - 1)), false);
          assert.equal(verify(spec, alg, publicKeyDer, input, type, Buffer.alloc(sig.length)), false);
        });
      }
    }
  }

  it('a signature does not verify under another key of the same spec', () => {
    for (const spec of ['RSA_2048', 'ECC_NIST_P256', 'ECC_SECG_P256K1', 'ECC_NIST_EDWARDS25519', 'ML_DSA_44'] as const) {
      const a = keyPairFor(spec);
      const b = generateKeyPair(spec);
      assert.notDeepEqual(b.publicKeyDer, a.publicKeyDer);
      for (const alg of signingAlgorithmsFor(spec)) {
        const type = SIGNING_HASH[alg].messageTypes[0];
        const input = inputFor(spec, alg, type);
        const sig = sign(spec, alg, a.privateKeyDer, input, type);
        assert.equal(verify(spec, alg, a.publicKeyDer, input, type, sig), true);
        assert.equal(verify(spec, alg, b.publicKeyDer, input, type, sig), false, `${spec} ${alg}`);
      }
    }
  });

  it('RAW and DIGEST of the same message are the same signature scheme (RSA, ECDSA)', () => {
    for (const [spec, alg] of [
      ['RSA_2048', 'RSASSA_PSS_SHA_384'],
      ['RSA_2048', 'RSASSA_PKCS1_V1_5_SHA_512'],
      ['ECC_NIST_P521', 'ECDSA_SHA_512'],
      ['ECC_SECG_P256K1', 'ECDSA_SHA_256'],
    ] as const) {
      const { privateKeyDer, publicKeyDer } = keyPairFor(spec);
      const digest = inputFor(spec, alg, 'DIGEST');
      assert.equal(verify(spec, alg, publicKeyDer, MESSAGE, 'RAW', sign(spec, alg, privateKeyDer, digest, 'DIGEST')), true);
      assert.equal(verify(spec, alg, publicKeyDer, digest, 'DIGEST', sign(spec, alg, privateKeyDer, MESSAGE, 'RAW')), true);
    }
  });

  it('RSASSA-PKCS1-v1_5 is deterministic, the same over RAW and DIGEST', () => {
    const { privateKeyDer } = keyPairFor('RSA_2048');
    const alg = 'RSASSA_PKCS1_V1_5_SHA_256';
    const raw = sign('RSA_2048', alg, privateKeyDer, MESSAGE, 'RAW');
    assert.deepEqual(sign('RSA_2048', alg, privateKeyDer, inputFor('RSA_2048', alg, 'DIGEST'), 'DIGEST'), raw);
  });

  it('ECDSA signatures are DER SEQUENCEs of two INTEGERs', () => {
    for (const spec of ['ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1'] as const) {
      const alg = signingAlgorithmsFor(spec)[0];
      for (const type of ['RAW', 'DIGEST'] as const) {
        const sig = sign(spec, alg, keyPairFor(spec).privateKeyDer, inputFor(spec, alg, type), type);
        assert.equal(sig[0], 0x30, `${spec} ${type}`);
      }
    }
  });

  it('Ed25519 signatures are 64 bytes; ML-DSA signatures have the FIPS 204 sizes', () => {
    const ed = keyPairFor('ECC_NIST_EDWARDS25519');
    assert.equal(sign('ECC_NIST_EDWARDS25519', 'ED25519_SHA_512', ed.privateKeyDer, MESSAGE, 'RAW').length, 64);
    for (const [spec, size] of [['ML_DSA_44', 2420], ['ML_DSA_65', 3309], ['ML_DSA_87', 4627]] as const) {
      assert.equal(sign(spec, 'ML_DSA_SHAKE_256', keyPairFor(spec).privateKeyDer, MESSAGE, 'RAW').length, size);
    }
  });

  it('accepts RAW messages up to 4096 bytes', () => {
    const { privateKeyDer, publicKeyDer } = keyPairFor('ECC_NIST_P256');
    const big = Buffer.alloc(4096, 7);
    assert.equal(verify('ECC_NIST_P256', 'ECDSA_SHA_256', publicKeyDer, big, 'RAW', sign('ECC_NIST_P256', 'ECDSA_SHA_256', privateKeyDer, big, 'RAW')), true);
  });
});

describe('requests AWS refuses', () => {
  it('DIGEST of the wrong length: "Digest is invalid length for algorithm <ALG>." (sign and verify)', () => {
    for (const [spec, alg] of [
      ['RSA_2048', 'RSASSA_PSS_SHA_256'],
      ['RSA_2048', 'RSASSA_PSS_SHA_384'],
      ['RSA_2048', 'RSASSA_PSS_SHA_512'],
      ['RSA_4096', 'RSASSA_PKCS1_V1_5_SHA_256'],
      ['RSA_4096', 'RSASSA_PKCS1_V1_5_SHA_512'],
      ['ECC_NIST_P256', 'ECDSA_SHA_256'],
      ['ECC_NIST_P384', 'ECDSA_SHA_384'],
      ['ECC_NIST_P521', 'ECDSA_SHA_512'],
      ['ECC_SECG_P256K1', 'ECDSA_SHA_256'],
      ['ECC_NIST_EDWARDS25519', 'ED25519_PH_SHA_512'],
    ] as const) {
      const { privateKeyDer, publicKeyDer } = keyPairFor(spec);
      const right = SIGNING_HASH[alg].digestLength;
      for (const len of [0, 1, right - 1, right + 1, 20, MESSAGE.length]) {
        if (len === right) continue;
        const message = `Digest is invalid length for algorithm ${alg}.`;
        expectError(() => sign(spec, alg, privateKeyDer, Buffer.alloc(len, 1), 'DIGEST'), 'InvalidDigestLength', message, 'ValidationException');
        expectError(() => verify(spec, alg, publicKeyDer, Buffer.alloc(len, 1), 'DIGEST', Buffer.alloc(64)), 'InvalidDigestLength', message);
      }
    }
  });

  it('a DIGEST longer than the hash is refused even where the curve could take it (P-521 with SHA-512)', () => {
    expectError(
      () => sign('ECC_NIST_P521', 'ECDSA_SHA_512', keyPairFor('ECC_NIST_P521').privateKeyDer, Buffer.alloc(66, 1), 'DIGEST'),
      'InvalidDigestLength',
      'Digest is invalid length for algorithm ECDSA_SHA_512.',
    );
  });

  it('EXTERNAL_MU of the wrong length', () => {
    expectError(
      () => sign('ML_DSA_65', 'ML_DSA_SHAKE_256', keyPairFor('ML_DSA_65').privateKeyDer, Buffer.alloc(32), 'EXTERNAL_MU'),
      'InvalidDigestLength',
      'Digest is invalid length for algorithm ML_DSA_SHAKE_256.',
    );
  });

  it('an algorithm the key spec does not list: InvalidKeyUsageException "Algorithm X is incompatible with key spec Y."', () => {
    const cases: [KeySpec, string][] = [
      ['ECC_NIST_P256', 'ECDSA_SHA_384'],
      ['ECC_NIST_P256', 'ECDSA_SHA_512'],
      ['ECC_SECG_P256K1', 'ECDSA_SHA_512'],
      ['ECC_NIST_P384', 'ECDSA_SHA_256'],
      ['ECC_NIST_P521', 'ECDSA_SHA_256'],
      ['RSA_2048', 'ECDSA_SHA_256'],
      ['RSA_2048', 'ED25519_SHA_512'],
      ['ECC_NIST_EDWARDS25519', 'ECDSA_SHA_512'],
      ['ML_DSA_44', 'RSASSA_PSS_SHA_256'],
      ['ECC_NIST_P256', 'SM2DSA'],
      ['ECC_NIST_P256', 'NOT_AN_ALGORITHM'],
      ['HMAC_256', 'HMAC_SHA_256'],
      ['SYMMETRIC_DEFAULT', 'RSASSA_PSS_SHA_256'],
    ];
    for (const [spec, alg] of cases) {
      const key = spec.startsWith('HMAC') || spec === 'SYMMETRIC_DEFAULT' ? Buffer.alloc(32) : keyPairFor(spec).privateKeyDer;
      const message = `Algorithm ${alg} is incompatible with key spec ${spec}.`;
      expectError(() => sign(spec, alg, key, MESSAGE, 'RAW'), 'IncompatibleAlgorithm', message, 'InvalidKeyUsageException');
      expectError(() => verify(spec, alg, key, MESSAGE, 'RAW', Buffer.alloc(64)), 'IncompatibleAlgorithm', message);
    }
  });

  it('message types an algorithm does not take', () => {
    const ml = keyPairFor('ML_DSA_44');
    expectError(
      () => sign('ML_DSA_44', 'ML_DSA_SHAKE_256', ml.privateKeyDer, Buffer.alloc(64), 'DIGEST'),
      'IncompatibleMessageType',
      'Message type DIGEST is incompatible with key spec ML_DSA_44.',
      'ValidationException',
    );
    const ed = keyPairFor('ECC_NIST_EDWARDS25519');
    expectError(
      () => sign('ECC_NIST_EDWARDS25519', 'ED25519_PH_SHA_512', ed.privateKeyDer, MESSAGE, 'RAW'),
      'IncompatibleMessageType',
      'Message type RAW is incompatible with algorithm ED25519_PH_SHA_512.',
    );
    expectError(
      () => verify('ECC_NIST_EDWARDS25519', 'ED25519_SHA_512', ed.publicKeyDer, Buffer.alloc(64), 'DIGEST', Buffer.alloc(64)),
      'IncompatibleMessageType',
      'Message type DIGEST is incompatible with algorithm ED25519_SHA_512.',
    );
    expectError(
      () => sign('RSA_2048', 'RSASSA_PSS_SHA_256', keyPairFor('RSA_2048').privateKeyDer, Buffer.alloc(64), 'EXTERNAL_MU'),
      'IncompatibleMessageType',
      'Message type EXTERNAL_MU is incompatible with key spec RSA_2048.',
    );
    expectError(
      () => sign('ECC_NIST_P256', 'ECDSA_SHA_256', keyPairFor('ECC_NIST_P256').privateKeyDer, MESSAGE, 'BOGUS'),
      'IncompatibleMessageType',
      'Message type BOGUS is incompatible with key spec ECC_NIST_P256.',
    );
  });

  it('RAW messages over 4096 bytes', () => {
    for (const spec of ['ECC_NIST_P256', 'RSA_2048', 'ECC_NIST_EDWARDS25519', 'ML_DSA_44'] as const) {
      const { privateKeyDer, publicKeyDer } = keyPairFor(spec);
      const alg = signingAlgorithmsFor(spec)[0];
      const message = "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096";
      expectError(() => sign(spec, alg, privateKeyDer, Buffer.alloc(4097), 'RAW'), 'MessageTooLarge', message, 'ValidationException');
      expectError(() => verify(spec, alg, publicKeyDer, Buffer.alloc(4097), 'RAW', Buffer.alloc(64)), 'MessageTooLarge', message);
    }
  });

  it('key material of another spec is refused, not misused', () => {
    const p256 = keyPairFor('ECC_NIST_P256');
    assert.throws(() => sign('ECC_NIST_P384', 'ECDSA_SHA_384', p256.privateKeyDer, MESSAGE, 'RAW'), (e: unknown) => e instanceof KeySpecError && e.kind === 'InvalidKeyMaterial');
    assert.throws(() => verify('ECC_SECG_P256K1', 'ECDSA_SHA_256', p256.publicKeyDer, MESSAGE, 'RAW', Buffer.alloc(70)), (e: unknown) => e instanceof KeySpecError && e.kind === 'InvalidKeyMaterial');
    const rsa2048 = keyPairFor('RSA_2048');
    assert.throws(() => sign('RSA_3072', 'RSASSA_PSS_SHA_256', rsa2048.privateKeyDer, MESSAGE, 'RAW'), (e: unknown) => e instanceof KeySpecError && e.kind === 'InvalidKeyMaterial');
    assert.throws(() => sign('ML_DSA_65', 'ML_DSA_SHAKE_256', keyPairFor('ML_DSA_44').privateKeyDer, MESSAGE, 'RAW'), (e: unknown) => e instanceof KeySpecError && e.kind === 'InvalidKeyMaterial');
    assert.throws(() => sign('ECC_NIST_EDWARDS25519', 'ED25519_SHA_512', p256.privateKeyDer, MESSAGE, 'RAW'), (e: unknown) => e instanceof KeySpecError && e.kind === 'InvalidKeyMaterial');
  });

  it('SM2 is refused as unsupported', () => {
    expectError(() => sign('SM2', 'SM2DSA', Buffer.alloc(10), MESSAGE, 'RAW'), 'Unsupported', 'KeySpec SM2 is not supported by this server.', 'UnsupportedOperationException');
  });
});
