import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KeySpecError } from '../../../src/crypto/keyspecs/errors.js';
import { generateMac, isValidHmacKeyLength, verifyMac } from '../../../src/crypto/keyspecs/hmac.js';
import type { KeySpec } from '../../../src/domain/key-specs.js';
import { flipBit } from './helpers.js';

// RFC 4231 test case 2 (key "Jefe") and test case 6 (131-byte key).
const RFC4231 = [
  {
    key: Buffer.from('Jefe'),
    data: Buffer.from('what do ya want for nothing?'),
    mac: {
      224: 'a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44',
      256: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
      384: 'af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649',
      512: '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
    },
  },
  {
    key: Buffer.alloc(131, 0xaa),
    data: Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First'),
    mac: {
      224: '95e9a0db962095adaebe9b2d6f0dbce2d499f112f2d2b7273fa6870e',
      256: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
      384: '4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952',
      512: '80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598',
    },
  },
];

const SIZES = [224, 256, 384, 512] as const;

describe('HMAC key specs', () => {
  for (const n of SIZES) {
    it(`HMAC_${n} with HMAC_SHA_${n} matches RFC 4231 and verifies`, () => {
      const spec: KeySpec = `HMAC_${n}`;
      for (const v of RFC4231) {
        const mac = generateMac(spec, `HMAC_SHA_${n}`, v.key, v.data);
        assert.equal(mac.toString('hex'), v.mac[n]);
        assert.equal(verifyMac(spec, `HMAC_SHA_${n}`, v.key, v.data, mac), true);
        assert.equal(verifyMac(spec, `HMAC_SHA_${n}`, v.key, v.data, flipBit(mac)), false);
        assert.equal(verifyMac(spec, `HMAC_SHA_${n}`, v.key, v.data, mac.subarray(0, mac.length - 1)), false);
        assert.equal(verifyMac(spec, `HMAC_SHA_${n}`, v.key, Buffer.from('some different important message'), mac), false);
        assert.equal(verifyMac(spec, `HMAC_SHA_${n}`, flipBit(v.key, 0), v.data, mac), false);
        assert.equal(verifyMac(spec, `HMAC_SHA_${n}`, v.key, v.data, Buffer.alloc(0)), false);
      }
    });
  }

  it('takes only the spec\'s own algorithm, with AWS\'s message (recorded: HMAC_SHA_256 on HMAC_224, HMAC_SHA_512 on HMAC_256)', () => {
    for (const n of SIZES) {
      for (const m of SIZES) {
        if (m === n) continue;
        const expected = `Algorithm HMAC_SHA_${m} is incompatible with key spec HMAC_${n}.`;
        for (const fn of [
          () => generateMac(`HMAC_${n}`, `HMAC_SHA_${m}`, Buffer.alloc(32), Buffer.from('m')),
          () => verifyMac(`HMAC_${n}`, `HMAC_SHA_${m}`, Buffer.alloc(32), Buffer.from('m'), Buffer.alloc(32)),
        ]) {
          assert.throws(fn, (e: unknown) => e instanceof KeySpecError && e.kind === 'IncompatibleAlgorithm' && e.awsCode === 'InvalidKeyUsageException' && e.message === expected);
        }
      }
    }
    assert.throws(() => generateMac('RSA_2048', 'HMAC_SHA_256', Buffer.alloc(32), Buffer.from('m')), (e: unknown) => e instanceof KeySpecError && e.message === 'Algorithm HMAC_SHA_256 is incompatible with key spec RSA_2048.');
  });

  it('refuses messages over 4096 bytes and accepts 4096', () => {
    const key = Buffer.alloc(32, 1);
    assert.equal(generateMac('HMAC_256', 'HMAC_SHA_256', key, Buffer.alloc(4096)).length, 32);
    assert.throws(
      () => generateMac('HMAC_256', 'HMAC_SHA_256', key, Buffer.alloc(4097)),
      (e: unknown) => e instanceof KeySpecError && e.kind === 'MessageTooLarge' && e.message.endsWith('less than or equal to 4096'),
    );
  });

  it('knows the key lengths KMS imports', () => {
    assert.equal(isValidHmacKeyLength('HMAC_224', Buffer.alloc(27)), false);
    assert.equal(isValidHmacKeyLength('HMAC_224', Buffer.alloc(28)), true);
    assert.equal(isValidHmacKeyLength('HMAC_224', Buffer.alloc(64)), true);
    assert.equal(isValidHmacKeyLength('HMAC_224', Buffer.alloc(65)), false);
    assert.equal(isValidHmacKeyLength('HMAC_512', Buffer.alloc(63)), false);
    assert.equal(isValidHmacKeyLength('HMAC_512', Buffer.alloc(128)), true);
    assert.equal(isValidHmacKeyLength('HMAC_512', Buffer.alloc(129)), false);
    assert.equal(isValidHmacKeyLength('RSA_2048', Buffer.alloc(32)), false);
  });
});
