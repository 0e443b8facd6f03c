/**
 * ML-DSA key material and signatures are the same whichever backend makes them:
 * node:crypto (Node 24) or @noble/post-quantum (Node 20). Checked in-process
 * where both exist, and across Node versions by running ml-dsa-peer.js under the
 * other Node binary.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeySpecError } from '../../../src/crypto/keyspecs/errors.js';
import { publicKeyFromPrivate } from '../../../src/crypto/keyspecs/keys.js';
import {
  decodeMlDsaPrivateKey,
  decodeMlDsaPublicKey,
  defaultMlDsaBackend,
  encodeMlDsaPrivateKey,
  generateMlDsaKeyPair,
  ML_DSA_PARAMS,
  mlDsaExternalMu,
  mlDsaPublicKeyFromPrivate,
  mlDsaSign,
  mlDsaSignMu,
  mlDsaVerify,
  mlDsaVerifyMu,
  nativeMlDsaAvailable,
  type MlDsaSpec,
} from '../../../src/crypto/keyspecs/ml-dsa.js';
import { sign, verify } from '../../../src/crypto/keyspecs/sign.js';
import { tlv } from '../../../src/crypto/keyspecs/der.js';
import { findOtherNode } from './other-node.js';
import { check, make, SPECS, type PeerCheck, type PeerItem } from './ml-dsa-peer.js';

const MESSAGE = Buffer.from('ML-DSA interop message');
const ALG = 'ML_DSA_SHAKE_256';

function isInvalidKeyMaterial(e: unknown): boolean {
  return e instanceof KeySpecError && e.kind === 'InvalidKeyMaterial';
}

/** The PKCS#8 of the same key with another ML-DSA-PrivateKey CHOICE inside. */
function withChoice(spec: MlDsaSpec, choice: Buffer): Buffer {
  // AlgorithmIdentifier { id-ml-dsa-44/65/87 = 2.16.840.1.101.3.4.3.17/18/19 }
  const algId = tlv(0x30, Buffer.from(`06096086480165030403${{ ML_DSA_44: '11', ML_DSA_65: '12', ML_DSA_87: '13' }[spec]}`, 'hex'));
  return tlv(0x30, tlv(0x02, Buffer.from([0])), algId, tlv(0x04, choice));
}

describe('ML-DSA encodings (library backend, every Node version)', () => {
  for (const spec of SPECS) {
    it(`${spec}: writes the seed+expanded form and reads all three RFC 9881 forms`, () => {
      const { privateKeyDer, publicKeyDer } = generateMlDsaKeyPair(spec, 'noble');
      const k = decodeMlDsaPrivateKey(spec, privateKeyDer);
      assert.equal(k.seed?.length, 32);
      assert.equal(k.expanded.length, ML_DSA_PARAMS[spec].secretKeyBytes);
      assert.deepEqual(encodeMlDsaPrivateKey(spec, k.seed!, k.expanded), privateKeyDer);
      assert.deepEqual(decodeMlDsaPublicKey(spec, publicKeyDer), k.publicKey);
      assert.equal(k.publicKey.length, ML_DSA_PARAMS[spec].publicKeyBytes);

      const seedOnly = withChoice(spec, tlv(0x80, k.seed!));
      const expandedOnly = withChoice(spec, tlv(0x04, k.expanded));
      assert.deepEqual(withChoice(spec, tlv(0x30, tlv(0x04, k.seed!), tlv(0x04, k.expanded))), privateKeyDer);
      for (const form of [privateKeyDer, seedOnly, expandedOnly]) {
        assert.deepEqual(mlDsaPublicKeyFromPrivate(spec, form, 'noble'), publicKeyDer);
        const sig = mlDsaSign(spec, form, MESSAGE, 'noble');
        assert.equal(sig.length, ML_DSA_PARAMS[spec].signatureBytes);
        assert.equal(mlDsaVerify(spec, publicKeyDer, MESSAGE, sig, 'noble'), true);
      }
      assert.equal(decodeMlDsaPrivateKey(spec, seedOnly).expanded.equals(k.expanded), true);
      assert.equal(decodeMlDsaPrivateKey(spec, expandedOnly).seed, undefined);
    });
  }

  it('refuses inconsistent or malformed private keys', () => {
    const spec = 'ML_DSA_44';
    const a = decodeMlDsaPrivateKey(spec, generateMlDsaKeyPair(spec, 'noble').privateKeyDer);
    const b = decodeMlDsaPrivateKey(spec, generateMlDsaKeyPair(spec, 'noble').privateKeyDer);
    const good = encodeMlDsaPrivateKey(spec, a.seed!, a.expanded);
    const bad: Buffer[] = [
      encodeMlDsaPrivateKey(spec, a.seed!, b.expanded), // seed and expanded key of different keys
      withChoice(spec, tlv(0x80, a.seed!.subarray(1))), // short seed
      withChoice(spec, tlv(0x04, a.expanded.subarray(1))), // short expanded key
      withChoice(spec, tlv(0x05, Buffer.alloc(0))), // unknown CHOICE
      Buffer.concat([good, Buffer.from([0])]), // trailing byte
      good.subarray(0, good.length - 1), // truncated
      Buffer.from('not a key'),
    ];
    for (const der of bad) assert.throws(() => decodeMlDsaPrivateKey(spec, der), isInvalidKeyMaterial);
    // Another parameter set's key.
    assert.throws(() => decodeMlDsaPrivateKey('ML_DSA_65', good), isInvalidKeyMaterial);
    assert.throws(() => publicKeyFromPrivate('ML_DSA_87', good), isInvalidKeyMaterial);
    const pub44 = generateMlDsaKeyPair(spec, 'noble').publicKeyDer;
    assert.throws(() => decodeMlDsaPublicKey('ML_DSA_65', pub44), isInvalidKeyMaterial);
    assert.throws(() => verify('ML_DSA_65', ALG, pub44, MESSAGE, 'RAW', Buffer.alloc(3309)), isInvalidKeyMaterial);
  });
});

describe('ML-DSA EXTERNAL_MU', () => {
  for (const spec of SPECS) {
    it(`${spec}: a mu signature is an ordinary pure ML-DSA signature of the message`, () => {
      const { privateKeyDer, publicKeyDer } = generateMlDsaKeyPair(spec);
      const mu = mlDsaExternalMu(spec, publicKeyDer, MESSAGE);
      assert.equal(mu.length, 64);
      const sigMu = sign(spec, ALG, privateKeyDer, mu, 'EXTERNAL_MU');
      const sigRaw = sign(spec, ALG, privateKeyDer, MESSAGE, 'RAW');
      assert.equal(verify(spec, ALG, publicKeyDer, MESSAGE, 'RAW', sigMu), true);
      assert.equal(verify(spec, ALG, publicKeyDer, mu, 'EXTERNAL_MU', sigRaw), true);
      assert.equal(verify(spec, ALG, publicKeyDer, mu, 'EXTERNAL_MU', sigMu), true);
      // mu of another message, or with a non-empty context, is another message.
      assert.equal(verify(spec, ALG, publicKeyDer, mlDsaExternalMu(spec, publicKeyDer, Buffer.from('other')), 'EXTERNAL_MU', sigMu), false);
      const ctxSig = mlDsaSignMu(spec, privateKeyDer, mlDsaExternalMu(spec, publicKeyDer, MESSAGE, Buffer.from('ctx')));
      assert.equal(verify(spec, ALG, publicKeyDer, MESSAGE, 'RAW', ctxSig), false);
      assert.equal(mlDsaVerifyMu(spec, publicKeyDer, mlDsaExternalMu(spec, publicKeyDer, MESSAGE, Buffer.from('ctx')), ctxSig), true);
    });
  }
});

describe('node:crypto and library backends agree (in-process, where node:crypto has ML-DSA)', { skip: !nativeMlDsaAvailable() && 'node:crypto has no ML-DSA here; the cross-version test covers this' }, () => {
  for (const spec of SPECS) {
    it(`${spec}: same DER both ways, signatures verify across backends`, () => {
      const native = generateMlDsaKeyPair(spec, 'native');
      const lib = generateMlDsaKeyPair(spec, 'noble');
      // A native key decodes consistently (seed and expanded agree) and re-encodes byte for byte.
      const n = decodeMlDsaPrivateKey(spec, native.privateKeyDer);
      assert.deepEqual(encodeMlDsaPrivateKey(spec, n.seed!, n.expanded), native.privateKeyDer);
      assert.deepEqual(mlDsaPublicKeyFromPrivate(spec, native.privateKeyDer, 'noble'), native.publicKeyDer);
      // A library key is what node:crypto writes for the same key.
      assert.deepEqual(createPrivateKey({ key: lib.privateKeyDer, format: 'der', type: 'pkcs8' }).export({ format: 'der', type: 'pkcs8' }), lib.privateKeyDer);
      assert.deepEqual(createPublicKey({ key: lib.publicKeyDer, format: 'der', type: 'spki' }).export({ format: 'der', type: 'spki' }), lib.publicKeyDer);
      assert.deepEqual(mlDsaPublicKeyFromPrivate(spec, lib.privateKeyDer, 'native'), lib.publicKeyDer);
      // Signatures cross.
      for (const kp of [native, lib]) {
        const byNative = mlDsaSign(spec, kp.privateKeyDer, MESSAGE, 'native');
        const byLib = mlDsaSign(spec, kp.privateKeyDer, MESSAGE, 'noble');
        assert.equal(mlDsaVerify(spec, kp.publicKeyDer, MESSAGE, byNative, 'noble'), true);
        assert.equal(mlDsaVerify(spec, kp.publicKeyDer, MESSAGE, byLib, 'native'), true);
        assert.equal(mlDsaVerify(spec, kp.publicKeyDer, Buffer.from('x'), byLib, 'native'), false);
        assert.equal(mlDsaVerify(spec, kp.publicKeyDer, MESSAGE, mlDsaSignMu(spec, kp.privateKeyDer, mlDsaExternalMu(spec, kp.publicKeyDer, MESSAGE)), 'native'), true);
      }
    });
  }
});

describe('ML-DSA across Node versions', () => {
  it('keys and signatures made under one Node version work under the other', { timeout: 600_000 }, () => {
    const local = { node: process.version, backend: defaultMlDsaBackend() };
    const other = findOtherNode(!nativeMlDsaAvailable());
    assert.ok(
      other,
      `no Node binary with${nativeMlDsaAvailable() ? 'out' : ''} native ML-DSA found (this is ${process.version}); set TRENT_OTHER_NODE to one`,
    );
    const peer = join(dirname(fileURLToPath(import.meta.url)), 'ml-dsa-peer.js');
    const run = <T>(request: object): T & { node: string; backend: string } =>
      JSON.parse(execFileSync(other.path, [peer], { input: JSON.stringify(request), maxBuffer: 64 << 20, timeout: 120_000 }).toString());
    const message = MESSAGE.toString('base64');
    const message2 = randomBytes(100);

    // Made here, checked there; there signs again with our keys.
    const mine = make(MESSAGE);
    const theirCheck = run<{ results: PeerCheck[] }>({ op: 'check', message, message2: message2.toString('base64'), items: mine });
    assert.notEqual(theirCheck.node.split('.')[0], local.node.split('.')[0]);
    assert.notEqual(theirCheck.backend, local.backend);
    for (const r of theirCheck.results) {
      assert.deepEqual(
        [r.publicMatches, r.rawValid, r.muValid, r.muAsRawValid, r.rawAsMuValid, r.tamperedRejected, r.reencodedIdentical],
        [true, true, true, true, true, true, true],
        `${r.spec} made under ${local.node} (${local.backend}), checked under ${theirCheck.node} (${theirCheck.backend})`,
      );
      const item = mine.find((i) => i.spec === r.spec)!;
      const pub = Buffer.from(item.publicKeyDer, 'base64');
      assert.equal(verify(r.spec, ALG, pub, message2, 'RAW', Buffer.from(r.sigRaw2, 'base64')), true, `${r.spec} signed there`);
      assert.equal(verify(r.spec, ALG, pub, mlDsaExternalMu(r.spec, pub, message2), 'EXTERNAL_MU', Buffer.from(r.sigMu2, 'base64')), true);
      assert.equal(verify(r.spec, ALG, pub, MESSAGE, 'RAW', Buffer.from(r.sigRaw2, 'base64')), false);
    }

    // Made there, checked here.
    const theirs = run<{ items: PeerItem[] }>({ op: 'make', message });
    const results = check(MESSAGE, message2, theirs.items);
    for (const r of results) {
      assert.deepEqual(
        [r.publicMatches, r.rawValid, r.muValid, r.muAsRawValid, r.rawAsMuValid, r.tamperedRejected, r.reencodedIdentical],
        [true, true, true, true, true, true, true],
        `${r.spec} made under ${theirs.node} (${theirs.backend}), checked under ${local.node} (${local.backend})`,
      );
    }
    assert.deepEqual(results.map((r) => r.spec), SPECS);
  });
});
