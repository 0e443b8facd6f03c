/**
 * ECC_NIST_EDWARDS25519: ED25519_SHA_512 is pure Ed25519 over a RAW message;
 * ED25519_PH_SHA_512 is RFC 8032 Ed25519ph over the 64-byte DIGEST it is given,
 * which KMS prehashes again ("the input is hashed twice", Sign API reference).
 * OpenSSL 3.0's command line has no Ed25519ph, so the RFC 8032 vectors are the oracle.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { ed25519phSign, ed25519phVerify } from '../../../src/crypto/keyspecs/digest-sign.js';
import { sign, verify } from '../../../src/crypto/keyspecs/sign.js';
import { keyPairFor } from './helpers.js';

const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function keyFromSeed(seedHex: string): { privateKeyDer: Buffer; publicKeyDer: Buffer } {
  const privateKeyDer = Buffer.concat([PKCS8_PREFIX, Buffer.from(seedHex, 'hex')]);
  const publicKeyDer = createPublicKey(createPrivateKey({ key: privateKeyDer, format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' });
  return { privateKeyDer, publicKeyDer };
}

describe('Ed25519 (RFC 8032 vectors)', () => {
  it('ED25519_SHA_512 RAW is pure Ed25519 (RFC 8032 7.1 TEST 2)', () => {
    const k = keyFromSeed('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb');
    assert.deepEqual(k.publicKeyDer, Buffer.concat([SPKI_PREFIX, Buffer.from('3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', 'hex')]));
    const expected = '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00';
    const sig = sign('ECC_NIST_EDWARDS25519', 'ED25519_SHA_512', k.privateKeyDer, Buffer.from('72', 'hex'), 'RAW');
    assert.equal(sig.toString('hex'), expected);
    assert.equal(verify('ECC_NIST_EDWARDS25519', 'ED25519_SHA_512', k.publicKeyDer, Buffer.from('72', 'hex'), 'RAW', sig), true);
  });

  it('Ed25519ph matches RFC 8032 7.3 (TEST abc)', () => {
    const k = keyFromSeed('833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42');
    assert.deepEqual(k.publicKeyDer, Buffer.concat([SPKI_PREFIX, Buffer.from('ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf', 'hex')]));
    const priv = createPrivateKey({ key: k.privateKeyDer, format: 'der', type: 'pkcs8' });
    const pub = createPublicKey(priv);
    const expected =
      '98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae4131f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406';
    const sig = ed25519phSign(priv, Buffer.from('abc'));
    assert.equal(sig.toString('hex'), expected);
    assert.equal(ed25519phVerify(pub, Buffer.from('abc'), sig), true);
    assert.equal(ed25519phVerify(pub, Buffer.from('abd'), sig), false);
  });

  it('ED25519_PH_SHA_512 treats the 64-byte DIGEST as the Ed25519ph message (KMS hashes it again)', () => {
    const k = keyFromSeed('833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42');
    const priv = createPrivateKey({ key: k.privateKeyDer, format: 'der', type: 'pkcs8' });
    const digest = createHash('sha512').update('abc').digest();
    const sig = sign('ECC_NIST_EDWARDS25519', 'ED25519_PH_SHA_512', k.privateKeyDer, digest, 'DIGEST');
    // Ed25519ph(M = digest), i.e. over SHA-512(SHA-512("abc")) ...
    assert.deepEqual(sig, ed25519phSign(priv, digest));
    // ... so it is not the RFC signature of "abc" itself, nor pure Ed25519 over the digest.
    assert.notEqual(sig.toString('hex').slice(0, 16), '98a70222f0b8121a');
    assert.notDeepEqual(sig, sign('ECC_NIST_EDWARDS25519', 'ED25519_SHA_512', k.privateKeyDer, digest, 'RAW'));
    assert.equal(verify('ECC_NIST_EDWARDS25519', 'ED25519_PH_SHA_512', k.publicKeyDer, digest, 'DIGEST', sig), true);
    // Deterministic, like all Ed25519 signatures.
    assert.deepEqual(sign('ECC_NIST_EDWARDS25519', 'ED25519_PH_SHA_512', k.privateKeyDer, digest, 'DIGEST'), sig);
  });

  it('a pure Ed25519 signature does not pass as Ed25519ph and vice versa', () => {
    const { privateKeyDer, publicKeyDer } = keyPairFor('ECC_NIST_EDWARDS25519');
    const m = createHash('sha512').update('x').digest();
    const pure = sign('ECC_NIST_EDWARDS25519', 'ED25519_SHA_512', privateKeyDer, m, 'RAW');
    const ph = sign('ECC_NIST_EDWARDS25519', 'ED25519_PH_SHA_512', privateKeyDer, m, 'DIGEST');
    assert.equal(verify('ECC_NIST_EDWARDS25519', 'ED25519_PH_SHA_512', publicKeyDer, m, 'DIGEST', pure), false);
    assert.equal(verify('ECC_NIST_EDWARDS25519', 'ED25519_SHA_512', publicKeyDer, m, 'RAW', ph), false);
  });

  it('rejects non-canonical S (s + L) in Ed25519ph signatures', () => {
    const { privateKeyDer, publicKeyDer } = keyPairFor('ECC_NIST_EDWARDS25519');
    const m = createHash('sha512').update('malleability').digest();
    const sig = sign('ECC_NIST_EDWARDS25519', 'ED25519_PH_SHA_512', privateKeyDer, m, 'DIGEST');
    const L = (1n << 252n) + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 63; i >= 32; i--) s = (s << 8n) + BigInt(sig[i]);
    const sPlusL = s + L;
    const forged = Buffer.from(sig);
    let v = sPlusL;
    for (let i = 32; i < 64; i++) {
      forged[i] = Number(v & 0xffn);
      v >>= 8n;
    }
    assert.equal(v, 0n);
    assert.equal(verify('ECC_NIST_EDWARDS25519', 'ED25519_PH_SHA_512', publicKeyDer, m, 'DIGEST', forged), false);
    assert.equal(verify('ECC_NIST_EDWARDS25519', 'ED25519_PH_SHA_512', publicKeyDer, m, 'DIGEST', sig), true);
  });
});
