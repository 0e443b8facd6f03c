import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { deriveSharedSecret } from '../../../src/crypto/keyspecs/ecdh.js';
import { KeySpecError } from '../../../src/crypto/keyspecs/errors.js';
import { generateKeyPair } from '../../../src/crypto/keyspecs/generate.js';
import { keyPairFor } from './helpers.js';

const AGREEMENT_SPECS = ['ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521'] as const;

function isInvalidPublicKey(e: unknown): boolean {
  return e instanceof KeySpecError && e.kind === 'InvalidPublicKey' && e.awsCode === 'ValidationException' && e.message === '';
}

describe('DeriveSharedSecret (ECDH)', () => {
  for (const spec of AGREEMENT_SPECS) {
    it(`${spec}: both sides derive the same raw secret; other peers give other secrets`, () => {
      const a = keyPairFor(spec);
      const b = generateKeyPair(spec);
      const c = generateKeyPair(spec);
      const ab = deriveSharedSecret(spec, a.privateKeyDer, b.publicKeyDer);
      assert.deepEqual(deriveSharedSecret(spec, b.privateKeyDer, a.publicKeyDer), ab);
      assert.notDeepEqual(deriveSharedSecret(spec, a.privateKeyDer, c.publicKeyDer), ab);
    });

    it(`${spec}: refuses peer keys that are not on its curve, with ValidationException and an empty message`, () => {
      const a = keyPairFor(spec);
      const export_ = (k: { publicKey: import('node:crypto').KeyObject }) => k.publicKey.export({ type: 'spki', format: 'der' });
      const otherCurve = AGREEMENT_SPECS.find((s) => s !== spec)!;
      const bad: Buffer[] = [
        Buffer.from('InvalidPublicKey'),
        Buffer.alloc(0),
        keyPairFor(otherCurve).publicKeyDer,
        export_(generateKeyPairSync('ec', { namedCurve: 'secp256k1' })),
        export_(generateKeyPairSync('ed25519')),
        export_(generateKeyPairSync('x25519')),
        export_(generateKeyPairSync('rsa', { modulusLength: 1024 })),
        a.privateKeyDer,
      ];
      // A point that is not on the curve: corrupt the last coordinate byte of a valid SPKI.
      const offCurve = Buffer.from(a.publicKeyDer);
      offCurve[offCurve.length - 1] ^= 0x01;
      bad.push(offCurve);
      for (const peer of bad) assert.throws(() => deriveSharedSecret(spec, a.privateKeyDer, peer), isInvalidPublicKey);
    });
  }

  it('refuses specs without key agreement and the SM2 spec', () => {
    const k1 = keyPairFor('ECC_SECG_P256K1');
    assert.throws(
      () => deriveSharedSecret('ECC_SECG_P256K1', k1.privateKeyDer, k1.publicKeyDer),
      (e: unknown) => e instanceof KeySpecError && e.kind === 'IncompatibleAlgorithm' && e.message === 'Algorithm ECDH is incompatible with key spec ECC_SECG_P256K1.',
    );
    const rsa = keyPairFor('RSA_2048');
    assert.throws(() => deriveSharedSecret('RSA_2048', rsa.privateKeyDer, rsa.publicKeyDer), (e: unknown) => e instanceof KeySpecError && e.kind === 'IncompatibleAlgorithm');
    const p256 = keyPairFor('ECC_NIST_P256');
    assert.throws(() => deriveSharedSecret('ECC_NIST_P256', p256.privateKeyDer, p256.publicKeyDer, 'INVALID'), (e: unknown) => e instanceof KeySpecError && e.kind === 'IncompatibleAlgorithm');
    assert.throws(() => deriveSharedSecret('SM2', p256.privateKeyDer, p256.publicKeyDer), (e: unknown) => e instanceof KeySpecError && e.kind === 'Unsupported');
  });

  it('refuses a private key of another curve as invalid key material', () => {
    const p384 = keyPairFor('ECC_NIST_P384');
    assert.throws(() => deriveSharedSecret('ECC_NIST_P256', p384.privateKeyDer, keyPairFor('ECC_NIST_P256').publicKeyDer), (e: unknown) => e instanceof KeySpecError && e.kind === 'InvalidKeyMaterial');
  });
});
