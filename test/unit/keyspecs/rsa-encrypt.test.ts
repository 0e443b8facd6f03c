import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { KeySpecError } from '../../../src/crypto/keyspecs/errors.js';
import { maxPlaintextLength, rsaDecrypt, rsaEncrypt } from '../../../src/crypto/keyspecs/rsa-encrypt.js';
import type { KeySpec } from '../../../src/domain/key-specs.js';
import { flipBit, keyPairFor } from './helpers.js';

const LIMITS: [KeySpec, 'RSAES_OAEP_SHA_1' | 'RSAES_OAEP_SHA_256', number][] = [
  ['RSA_2048', 'RSAES_OAEP_SHA_1', 214],
  ['RSA_2048', 'RSAES_OAEP_SHA_256', 190],
  ['RSA_3072', 'RSAES_OAEP_SHA_1', 342],
  ['RSA_3072', 'RSAES_OAEP_SHA_256', 318],
  ['RSA_4096', 'RSAES_OAEP_SHA_1', 470],
  ['RSA_4096', 'RSAES_OAEP_SHA_256', 446],
];

describe('RSA OAEP encrypt/decrypt', () => {
  for (const [spec, alg, max] of LIMITS) {
    it(`${spec} ${alg}: round trips up to ${max} bytes and refuses ${max + 1} with AWS's message`, () => {
      const { privateKeyDer, publicKeyDer } = keyPairFor(spec);
      assert.equal(maxPlaintextLength(spec, alg), max);
      for (const len of [1, 32, max]) {
        const plaintext = randomBytes(len);
        const ct = rsaEncrypt(spec, alg, publicKeyDer, plaintext);
        assert.equal(ct.length, Number(spec.slice(4)) / 8);
        assert.deepEqual(rsaDecrypt(spec, alg, privateKeyDer, ct), plaintext);
      }
      assert.throws(
        () => rsaEncrypt(spec, alg, publicKeyDer, Buffer.alloc(max + 1)),
        (e: unknown) =>
          e instanceof KeySpecError &&
          e.kind === 'PlaintextTooLarge' &&
          e.awsCode === 'ValidationException' &&
          e.message === `Algorithm ${alg} and key spec ${spec} cannot encrypt data larger than ${max} bytes.`,
      );
    });
  }

  it('is randomized: the same plaintext encrypts differently each time', () => {
    const { publicKeyDer } = keyPairFor('RSA_2048');
    const p = Buffer.from('same');
    assert.notDeepEqual(rsaEncrypt('RSA_2048', 'RSAES_OAEP_SHA_256', publicKeyDer, p), rsaEncrypt('RSA_2048', 'RSAES_OAEP_SHA_256', publicKeyDer, p));
  });

  it('tampered, truncated, foreign or wrong-algorithm ciphertext is InvalidCiphertext with an empty message', () => {
    const { privateKeyDer, publicKeyDer } = keyPairFor('RSA_2048');
    const ct = rsaEncrypt('RSA_2048', 'RSAES_OAEP_SHA_256', publicKeyDer, Buffer.from('hello'));
    const other = keyPairFor('RSA_3072');
    const bad = [
      flipBit(ct),
      flipBit(ct, ct.length - 1),
      ct.subarray(1),
      Buffer.concat([ct, Buffer.from([0])]),
      Buffer.alloc(256, 0xff),
      rsaEncrypt('RSA_2048', 'RSAES_OAEP_SHA_1', publicKeyDer, Buffer.from('hello')),
    ];
    for (const c of bad) {
      assert.throws(
        () => rsaDecrypt('RSA_2048', 'RSAES_OAEP_SHA_256', privateKeyDer, c),
        (e: unknown) => e instanceof KeySpecError && e.kind === 'InvalidCiphertext' && e.awsCode === 'InvalidCiphertextException' && e.message === '',
      );
    }
    const foreign = rsaEncrypt('RSA_3072', 'RSAES_OAEP_SHA_256', other.publicKeyDer, Buffer.from('hello'));
    assert.throws(() => rsaDecrypt('RSA_2048', 'RSAES_OAEP_SHA_256', privateKeyDer, foreign), KeySpecError);
  });

  it('refuses algorithms the key spec does not list, and non-RSA specs', () => {
    const { publicKeyDer } = keyPairFor('RSA_2048');
    for (const [spec, alg] of [
      ['RSA_2048', 'SYMMETRIC_DEFAULT'],
      ['RSA_2048', 'SM2PKE'],
      ['RSA_2048', 'RSAES_OAEP_SHA_512'],
      ['ECC_NIST_P256', 'RSAES_OAEP_SHA_256'],
      ['SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_1'],
    ] as const) {
      assert.throws(
        () => rsaEncrypt(spec, alg, publicKeyDer, Buffer.from('x')),
        (e: unknown) =>
          e instanceof KeySpecError &&
          e.kind === 'IncompatibleAlgorithm' &&
          e.awsCode === 'InvalidKeyUsageException' &&
          e.message === `Algorithm ${alg} is incompatible with key spec ${spec}.`,
      );
    }
    assert.throws(() => rsaEncrypt('SM2', 'SM2PKE', publicKeyDer, Buffer.from('x')), (e: unknown) => e instanceof KeySpecError && e.kind === 'Unsupported');
  });

  it('refuses a key of another size', () => {
    const { publicKeyDer } = keyPairFor('RSA_2048');
    assert.throws(() => rsaEncrypt('RSA_4096', 'RSAES_OAEP_SHA_256', publicKeyDer, Buffer.from('x')), (e: unknown) => e instanceof KeySpecError && e.kind === 'InvalidKeyMaterial');
  });
});
