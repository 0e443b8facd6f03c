/**
 * Interoperability with the OpenSSL command line (the reference every KMS
 * client's offline verification uses): signatures both ways, RSA-OAEP both
 * ways, ECDH secrets, HMACs, and key encodings.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { deriveSharedSecret } from '../../../src/crypto/keyspecs/ecdh.js';
import { KeySpecError } from '../../../src/crypto/keyspecs/errors.js';
import { generateMac } from '../../../src/crypto/keyspecs/hmac.js';
import { publicKeyFromPrivate } from '../../../src/crypto/keyspecs/keys.js';
import { rsaDecrypt, rsaEncrypt } from '../../../src/crypto/keyspecs/rsa-encrypt.js';
import { sign, verify } from '../../../src/crypto/keyspecs/sign.js';
import { SIGNING_HASH, signingAlgorithmsFor, type KeySpec, type SigningAlgorithm } from '../../../src/domain/key-specs.js';
import { flipBit, keyPairFor, openssl, opensslVerifies, Scratch } from './helpers.js';

const scratch = new Scratch();
after(() => scratch.dispose());

const MESSAGE = Buffer.from('OpenSSL interop message \u00e9\u00e8 0123456789');

/** The non-SM2, non-ML-DSA signing specs (OpenSSL 3.0 has no ML-DSA). */
const SPECS: KeySpec[] = ['RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1', 'ECC_NIST_EDWARDS25519'];

const OPENSSL_CURVE: Record<string, string> = {
  ECC_NIST_P256: 'P-256',
  ECC_NIST_P384: 'P-384',
  ECC_NIST_P521: 'P-521',
  ECC_SECG_P256K1: 'secp256k1',
};

function hashOf(alg: SigningAlgorithm): string {
  return SIGNING_HASH[alg].hash;
}

/** pkeyutl options that select the algorithm's padding (RSA) and hash. */
function pkeyOpts(alg: SigningAlgorithm, saltLen = 'digest'): string[] {
  const opts: string[] = [];
  if (alg.startsWith('RSASSA_PSS_')) {
    opts.push('-pkeyopt', 'rsa_padding_mode:pss', '-pkeyopt', `rsa_pss_saltlen:${saltLen}`, '-pkeyopt', `rsa_mgf1_md:${hashOf(alg)}`);
  } else if (alg.startsWith('RSASSA_PKCS1_')) {
    opts.push('-pkeyopt', 'rsa_padding_mode:pkcs1');
  }
  return opts;
}

/** openssl arguments verifying `sig` over `input` (as KMS means it for the message type). */
function opensslVerifyArgs(alg: SigningAlgorithm, type: 'RAW' | 'DIGEST', pub: string, input: string, sig: string): string[] {
  const base = ['pkeyutl', '-verify', '-pubin', '-inkey', pub, '-keyform', 'DER', '-in', input, '-sigfile', sig];
  if (alg === 'ED25519_SHA_512') return [...base, '-rawin'];
  if (type === 'RAW') {
    // openssl dgst for whole messages, as offline-verification guides use it.
    const sigopts = pkeyOpts(alg).map((a) => (a === '-pkeyopt' ? '-sigopt' : a));
    return ['dgst', `-${hashOf(alg)}`, '-verify', pub, '-keyform', 'DER', '-signature', sig, ...sigopts, input];
  }
  const digestOpt = alg.startsWith('ECDSA') ? [] : ['-pkeyopt', `digest:${hashOf(alg)}`];
  return [...base, ...digestOpt, ...pkeyOpts(alg)];
}

function opensslSignArgs(alg: SigningAlgorithm, type: 'RAW' | 'DIGEST', key: string, input: string, out: string, saltLen = 'digest'): string[] {
  const base = ['pkeyutl', '-sign', '-inkey', key, '-keyform', 'DER', '-in', input, '-out', out];
  if (alg === 'ED25519_SHA_512') return [...base, '-rawin'];
  if (type === 'RAW') return [...base, '-rawin', '-digest', hashOf(alg), ...pkeyOpts(alg, saltLen)];
  const digestOpt = alg.startsWith('ECDSA') ? [] : ['-pkeyopt', `digest:${hashOf(alg)}`];
  return [...base, ...digestOpt, ...pkeyOpts(alg, saltLen)];
}

/** The message types OpenSSL 3.0 can check for an algorithm (it has no Ed25519ph). */
function opensslTypes(alg: SigningAlgorithm): ('RAW' | 'DIGEST')[] {
  return SIGNING_HASH[alg].messageTypes.filter((t): t is 'RAW' | 'DIGEST' => t === 'RAW' || (t === 'DIGEST' && alg !== 'ED25519_PH_SHA_512'));
}

function inputFor(alg: SigningAlgorithm, type: 'RAW' | 'DIGEST'): Buffer {
  return type === 'RAW' ? MESSAGE : createHash(hashOf(alg)).update(MESSAGE).digest();
}

describe('Trent signatures verify with openssl', () => {
  for (const spec of SPECS) {
    for (const alg of signingAlgorithmsFor(spec)) {
      for (const type of opensslTypes(alg)) {
        it(`${spec} ${alg} ${type}`, () => {
          const { privateKeyDer, publicKeyDer } = keyPairFor(spec);
          const tag = `${spec}-${alg}-${type}`;
          const pub = scratch.write(`${tag}.pub.der`, publicKeyDer);
          const input = inputFor(alg, type);
          const inFile = scratch.write(`${tag}.in`, input);
          const sig = sign(spec, alg, privateKeyDer, input, type);
          const sigFile = scratch.write(`${tag}.sig`, sig);
          assert.equal(opensslVerifies(opensslVerifyArgs(alg, type, pub, inFile, sigFile)), true);
          // The oracle can say no: a tampered signature fails in OpenSSL too.
          const badFile = scratch.write(`${tag}.bad`, flipBit(sig, sig.length - 2));
          assert.equal(opensslVerifies(opensslVerifyArgs(alg, type, pub, inFile, badFile)), false);
        });
      }
    }
  }

  it('PSS signatures use a salt exactly as long as the hash (OpenSSL with another salt length refuses them)', () => {
    const { privateKeyDer, publicKeyDer } = keyPairFor('RSA_2048');
    const pub = scratch.write('pss-salt.pub.der', publicKeyDer);
    const msg = scratch.write('pss-salt.msg', MESSAGE);
    for (const alg of ['RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512'] as const) {
      for (const type of ['RAW', 'DIGEST'] as const) {
        const input = scratch.write(`pss-salt-${alg}-${type}.in`, inputFor(alg, type));
        const sig = scratch.write(`pss-salt-${alg}-${type}.sig`, sign('RSA_2048', alg, privateKeyDer, inputFor(alg, type), type));
        const verifyWithSalt = (salt: string) => [
          'pkeyutl', '-verify', '-pubin', '-inkey', pub, '-keyform', 'DER', '-in', type === 'RAW' ? msg : input, '-sigfile', sig,
          ...(type === 'RAW' ? ['-rawin', '-digest', hashOf(alg)] : ['-pkeyopt', `digest:${hashOf(alg)}`]),
          '-pkeyopt', 'rsa_padding_mode:pss', '-pkeyopt', `rsa_pss_saltlen:${salt}`, '-pkeyopt', `rsa_mgf1_md:${hashOf(alg)}`,
        ];
        assert.equal(opensslVerifies(verifyWithSalt(String(SIGNING_HASH[alg].digestLength))), true, `${alg} ${type}`);
        assert.equal(opensslVerifies(verifyWithSalt(String(SIGNING_HASH[alg].digestLength + 1))), false, `${alg} ${type}`);
      }
    }
  });
});

describe('OpenSSL keys and signatures work in Trent', () => {
  const openKeys = new Map<KeySpec, { privateKeyDer: Buffer; publicKeyDer: Buffer; keyFile: string }>();

  function opensslKey(spec: KeySpec) {
    let k = openKeys.get(spec);
    if (k) return k;
    const pem = scratch.path(`ossl-${spec}.pem`);
    if (spec.startsWith('RSA')) openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${spec.slice(4)}`, '-out', pem]);
    else if (spec === 'ECC_NIST_EDWARDS25519') openssl(['genpkey', '-algorithm', 'ED25519', '-out', pem]);
    else openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${OPENSSL_CURVE[spec]}`, '-out', pem]);
    const keyFile = scratch.path(`ossl-${spec}.der`);
    openssl(['pkcs8', '-topk8', '-nocrypt', '-in', pem, '-outform', 'DER', '-out', keyFile]);
    const publicKeyDer = openssl(['pkey', '-in', pem, '-pubout', '-outform', 'DER']);
    k = { privateKeyDer: scratch.read(`ossl-${spec}.der`), publicKeyDer, keyFile };
    openKeys.set(spec, k);
    return k;
  }

  for (const spec of ['RSA_2048', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1', 'ECC_NIST_EDWARDS25519'] as KeySpec[]) {
    it(`${spec}: Trent derives the same public key and verifies OpenSSL's signatures`, () => {
      const k = opensslKey(spec);
      assert.deepEqual(publicKeyFromPrivate(spec, k.privateKeyDer), k.publicKeyDer);
      for (const alg of signingAlgorithmsFor(spec)) {
        for (const type of opensslTypes(alg)) {
          const tag = `ossl-${spec}-${alg}-${type}`;
          const input = inputFor(alg, type);
          const inFile = scratch.write(`${tag}.in`, input);
          const sigFile = scratch.path(`${tag}.sig`);
          openssl(opensslSignArgs(alg, type, k.keyFile, inFile, sigFile));
          const sig = scratch.read(`${tag}.sig`);
          assert.equal(verify(spec, alg, k.publicKeyDer, input, type, sig), true, `${alg} ${type}`);
          assert.equal(verify(spec, alg, k.publicKeyDer, input, type, flipBit(sig, 5)), false, `${alg} ${type} tampered`);
          // And Trent signs with the OpenSSL-made key.
          const mine = scratch.write(`${tag}.mine`, sign(spec, alg, k.privateKeyDer, input, type));
          const pub = scratch.write(`${tag}.pub`, k.publicKeyDer);
          assert.equal(opensslVerifies(opensslVerifyArgs(alg, type, pub, inFile, mine)), true, `${alg} ${type} (Trent-signed)`);
        }
      }
    });
  }

  it('OpenSSL PSS signatures with a salt shorter than the hash do not verify in Trent', () => {
    const k = opensslKey('RSA_2048');
    for (const type of ['RAW', 'DIGEST'] as const) {
      const alg = 'RSASSA_PSS_SHA_256';
      const input = inputFor(alg, type);
      const inFile = scratch.write(`salt20-${type}.in`, input);
      const sigFile = scratch.path(`salt20-${type}.sig`);
      openssl(opensslSignArgs(alg, type, k.keyFile, inFile, sigFile, '20'));
      assert.equal(verify('RSA_2048', alg, k.publicKeyDer, input, type, scratch.read(`salt20-${type}.sig`)), false);
      openssl(opensslSignArgs(alg, type, k.keyFile, inFile, sigFile, '32'));
      assert.equal(verify('RSA_2048', alg, k.publicKeyDer, input, type, scratch.read(`salt20-${type}.sig`)), true);
    }
  });
});

describe('RSA OAEP with openssl', () => {
  const oaep = (md: string, mgf1 = md) => ['-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', `rsa_oaep_md:${md}`, '-pkeyopt', `rsa_mgf1_md:${mgf1}`];

  for (const spec of ['RSA_2048', 'RSA_3072', 'RSA_4096'] as const) {
    for (const [alg, md] of [['RSAES_OAEP_SHA_256', 'sha256'], ['RSAES_OAEP_SHA_1', 'sha1']] as const) {
      it(`${spec} ${alg}: OpenSSL ciphertext decrypts in Trent and Trent ciphertext decrypts in OpenSSL`, () => {
        const { privateKeyDer, publicKeyDer } = keyPairFor(spec);
        const pub = scratch.write(`${spec}-oaep.pub.der`, publicKeyDer);
        const key = scratch.write(`${spec}-oaep.key.der`, privateKeyDer);
        const plaintext = randomBytes(64);
        const pt = scratch.write(`${spec}-${alg}.pt`, plaintext);
        const ct = openssl(['pkeyutl', '-encrypt', '-pubin', '-inkey', pub, '-keyform', 'DER', '-in', pt, ...oaep(md)]);
        assert.deepEqual(rsaDecrypt(spec, alg, privateKeyDer, ct), plaintext);

        const mine = scratch.write(`${spec}-${alg}.ct`, rsaEncrypt(spec, alg, publicKeyDer, plaintext));
        assert.deepEqual(openssl(['pkeyutl', '-decrypt', '-inkey', key, '-keyform', 'DER', '-in', mine, ...oaep(md)]), plaintext);
      });
    }
  }

  it('MGF1 uses the OAEP hash: OAEP-SHA-256 with MGF1-SHA-1 does not decrypt, nor does the other algorithm', () => {
    const { privateKeyDer, publicKeyDer } = keyPairFor('RSA_2048');
    const pub = scratch.write('mgf.pub.der', publicKeyDer);
    const pt = scratch.write('mgf.pt', Buffer.from('secret'));
    const mixed = openssl(['pkeyutl', '-encrypt', '-pubin', '-inkey', pub, '-keyform', 'DER', '-in', pt, ...oaep('sha256', 'sha1')]);
    assert.throws(() => rsaDecrypt('RSA_2048', 'RSAES_OAEP_SHA_256', privateKeyDer, mixed), (e: unknown) => e instanceof KeySpecError && e.kind === 'InvalidCiphertext');
    const sha256 = openssl(['pkeyutl', '-encrypt', '-pubin', '-inkey', pub, '-keyform', 'DER', '-in', pt, ...oaep('sha256')]);
    assert.throws(() => rsaDecrypt('RSA_2048', 'RSAES_OAEP_SHA_1', privateKeyDer, sha256), (e: unknown) => e instanceof KeySpecError && e.kind === 'InvalidCiphertext');
    assert.deepEqual(rsaDecrypt('RSA_2048', 'RSAES_OAEP_SHA_256', privateKeyDer, sha256), Buffer.from('secret'));
  });
});

describe('ECDH secrets equal openssl pkeyutl -derive', () => {
  for (const spec of ['ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521'] as const) {
    it(spec, () => {
      const a = keyPairFor(spec);
      // The peer is an OpenSSL-made key.
      const peerPem = scratch.path(`${spec}-peer.pem`);
      openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${OPENSSL_CURVE[spec]}`, '-out', peerPem]);
      const peerKey = scratch.path(`${spec}-peer.der`);
      openssl(['pkcs8', '-topk8', '-nocrypt', '-in', peerPem, '-outform', 'DER', '-out', peerKey]);
      const peerPub = openssl(['pkey', '-in', peerPem, '-pubout', '-outform', 'DER']);
      const aKey = scratch.write(`${spec}-a.der`, a.privateKeyDer);
      const aPub = scratch.write(`${spec}-a.pub.der`, a.publicKeyDer);
      const peerPubFile = scratch.write(`${spec}-peer.pub.der`, peerPub);

      const trent = deriveSharedSecret(spec, a.privateKeyDer, peerPub);
      const fromA = openssl(['pkeyutl', '-derive', '-inkey', aKey, '-keyform', 'DER', '-peerkey', peerPubFile, '-peerform', 'DER']);
      const fromPeer = openssl(['pkeyutl', '-derive', '-inkey', peerKey, '-keyform', 'DER', '-peerkey', aPub, '-peerform', 'DER']);
      assert.deepEqual(trent, fromA);
      assert.deepEqual(trent, fromPeer);
      assert.deepEqual(deriveSharedSecret(spec, scratch.read(`${spec}-peer.der`), a.publicKeyDer), trent);
      assert.equal(trent.length, { ECC_NIST_P256: 32, ECC_NIST_P384: 48, ECC_NIST_P521: 66 }[spec]);
    });
  }
});

describe('HMAC equals openssl dgst -mac HMAC', () => {
  for (const n of [224, 256, 384, 512] as const) {
    it(`HMAC_${n}`, () => {
      const key = randomBytes(n / 8);
      const msg = scratch.write(`hmac-${n}.msg`, MESSAGE);
      const out = openssl(['dgst', `-sha${n}`, '-mac', 'HMAC', '-macopt', `hexkey:${key.toString('hex')}`, '-binary', msg]);
      assert.deepEqual(generateMac(`HMAC_${n}`, `HMAC_SHA_${n}`, key, MESSAGE), out);
    });
  }
});
