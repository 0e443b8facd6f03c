import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { KeySpecError } from '../../../src/crypto/keyspecs/errors.js';
import {
  generateDataKeyPair,
  generateDataKeyPairAsync,
  generateKeyMaterial,
  generateKeyMaterialAsync,
  generateKeyPair,
  generateSecret,
  type KeyPairMaterial,
} from '../../../src/crypto/keyspecs/generate.js';
import { publicKeyFromPrivate } from '../../../src/crypto/keyspecs/keys.js';
import { SM2_SUPPORTED } from '../../../src/crypto/keyspecs/sm2.js';
import { DATA_KEY_PAIR_SPECS, KEY_SPECS, type KeySpec } from '../../../src/domain/key-specs.js';
import { keyPairFor, openssl, Scratch } from './helpers.js';

const scratch = new Scratch();
after(() => scratch.dispose());

function isUnsupported(e: unknown): boolean {
  return e instanceof KeySpecError && e.kind === 'Unsupported' && e.awsCode === 'UnsupportedOperationException';
}

describe('generated key material', () => {
  for (const [spec, bits] of [['RSA_2048', 2048], ['RSA_3072', 3072], ['RSA_4096', 4096]] as const) {
    it(`${spec}: RSA, ${bits}-bit modulus, e = 65537, PKCS#8 + SPKI that OpenSSL reads`, () => {
      const kp = keyPairFor(spec);
      const priv = createPrivateKey({ key: kp.privateKeyDer, format: 'der', type: 'pkcs8' });
      assert.equal(priv.asymmetricKeyType, 'rsa');
      assert.equal(priv.asymmetricKeyDetails?.modulusLength, bits);
      assert.equal(priv.asymmetricKeyDetails?.publicExponent, 65537n);
      checkWithOpenssl(spec, kp);
    });
  }

  for (const [spec, curve] of [
    ['ECC_NIST_P256', 'prime256v1'],
    ['ECC_NIST_P384', 'secp384r1'],
    ['ECC_NIST_P521', 'secp521r1'],
    ['ECC_SECG_P256K1', 'secp256k1'],
  ] as const) {
    it(`${spec}: EC on ${curve}`, () => {
      const kp = keyPairFor(spec);
      const pub = createPublicKey({ key: kp.publicKeyDer, format: 'der', type: 'spki' });
      assert.equal(pub.asymmetricKeyType, 'ec');
      assert.equal(pub.asymmetricKeyDetails?.namedCurve, curve);
      checkWithOpenssl(spec, kp);
    });
  }

  it('ECC_NIST_EDWARDS25519: Ed25519 with a 44-byte SPKI', () => {
    const kp = keyPairFor('ECC_NIST_EDWARDS25519');
    assert.equal(createPublicKey({ key: kp.publicKeyDer, format: 'der', type: 'spki' }).asymmetricKeyType, 'ed25519');
    assert.equal(kp.publicKeyDer.length, 44);
    checkWithOpenssl('ECC_NIST_EDWARDS25519', kp);
  });

  for (const [spec, spki, pkcs8, oid] of [
    ['ML_DSA_44', 1334, 2626, '11'],
    ['ML_DSA_65', 1974, 4098, '12'],
    ['ML_DSA_87', 2614, 4962, '13'],
  ] as const) {
    it(`${spec}: ML-DSA SPKI (${spki} bytes) and PKCS#8 seed+expanded form (${pkcs8} bytes)`, () => {
      const kp = keyPairFor(spec);
      assert.equal(kp.publicKeyDer.length, spki);
      assert.equal(kp.privateKeyDer.length, pkcs8);
      const oidBytes = Buffer.from(`06096086480165030403${oid}`, 'hex'); // 2.16.840.1.101.3.4.3.17/18/19
      assert.ok(kp.publicKeyDer.includes(oidBytes) && kp.privateKeyDer.includes(oidBytes), 'algorithm OID');
      // ... OCTET STRING { SEQUENCE { OCTET STRING (32) seed, OCTET STRING expandedKey } }
      assert.ok(kp.privateKeyDer.includes(Buffer.from('0420', 'hex')));
    });
  }

  for (const [spec, bytes] of [['HMAC_224', 28], ['HMAC_256', 32], ['HMAC_384', 48], ['HMAC_512', 64], ['SYMMETRIC_DEFAULT', 32]] as const) {
    it(`${spec}: ${bytes} random bytes`, () => {
      const a = generateSecret(spec);
      assert.equal(a.length, bytes);
      assert.notDeepEqual(generateSecret(spec), a);
      const m = generateKeyMaterial(spec);
      assert.ok('secret' in m && m.secret.length === bytes);
    });
  }

  it('every key pair spec derives its own public key back from the private key', () => {
    for (const spec of KEY_SPECS) {
      if (spec === 'SM2' || spec === 'SYMMETRIC_DEFAULT' || spec.startsWith('HMAC')) continue;
      const kp = keyPairFor(spec);
      assert.deepEqual(publicKeyFromPrivate(spec, kp.privateKeyDer), kp.publicKeyDer, spec);
    }
  });

  it('two generations differ', () => {
    for (const spec of ['ECC_NIST_P256', 'ECC_NIST_EDWARDS25519', 'ML_DSA_44'] as const) {
      assert.notDeepEqual(generateKeyPair(spec).privateKeyDer, generateKeyPair(spec).privateKeyDer);
    }
  });

  it('async generation gives the same kinds of keys', async () => {
    for (const spec of ['RSA_2048', 'ECC_NIST_P384', 'ECC_NIST_EDWARDS25519', 'ML_DSA_65'] as const) {
      const m = await generateKeyMaterialAsync(spec);
      assert.ok('privateKeyDer' in m);
      assert.deepEqual(publicKeyFromPrivate(spec, m.privateKeyDer), m.publicKeyDer, spec);
    }
    const h = await generateKeyMaterialAsync('HMAC_384');
    assert.ok('secret' in h && h.secret.length === 48);
  });

  it('SM2 is not supported anywhere', () => {
    assert.equal(SM2_SUPPORTED, false);
    assert.throws(() => generateKeyPair('SM2'), isUnsupported);
    assert.throws(() => generateKeyMaterial('SM2'), isUnsupported);
    assert.throws(() => generateDataKeyPair('SM2'), isUnsupported);
    assert.throws(() => publicKeyFromPrivate('SM2', keyPairFor('ECC_NIST_P256').privateKeyDer), isUnsupported);
  });
});

describe('GenerateDataKeyPair key pair specs', () => {
  for (const spec of DATA_KEY_PAIR_SPECS) {
    if (spec === 'SM2') continue;
    it(`${spec}`, async () => {
      const kp = spec.startsWith('RSA_3') || spec.startsWith('RSA_4') ? await generateDataKeyPairAsync(spec) : generateDataKeyPair(spec);
      assert.deepEqual(publicKeyFromPrivate(spec, kp.privateKeyDer), kp.publicKeyDer);
    });
  }

  it('refuses specs that are not data key pair specs', () => {
    for (const spec of ['ML_DSA_44', 'HMAC_256', 'SYMMETRIC_DEFAULT', 'RSA_1024', '']) {
      assert.throws(() => generateDataKeyPair(spec), isUnsupported, spec);
    }
  });
});

function checkWithOpenssl(spec: KeySpec, kp: KeyPairMaterial): void {
  const priv = scratch.write(`${spec}.key.der`, kp.privateKeyDer);
  // OpenSSL parses the PKCS#8 and derives the same SPKI.
  assert.deepEqual(openssl(['pkey', '-in', priv, '-inform', 'DER', '-pubout', '-outform', 'DER']), kp.publicKeyDer);
  // And it re-encodes the PKCS#8 identically (our DER is what OpenSSL writes).
  assert.deepEqual(openssl(['pkcs8', '-topk8', '-nocrypt', '-in', priv, '-inform', 'DER', '-outform', 'DER']), kp.privateKeyDer);
}
