import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/ports/clock.js';
import { RequestLimiter } from '../../src/operations/request-limiter.js';
import {
  AWS_DEFAULT_QUOTAS,
  AWS_QUOTA_POLICY,
  ECC,
  ML_DSA,
  RSA,
  SYMMETRIC,
  parseQuotaPolicy,
  quotaClassOf,
  type QuotaPolicy,
} from '../../src/domain/request-quotas.js';

const A = '111122223333';
const B = '444455556666';

function policy(quotas: Record<string, number>, regions: Record<string, Record<string, number>> = {}): QuotaPolicy {
  return { quotas, regions };
}

/** Admits `n` requests in a row; returns how many were admitted. */
function burst(l: RequestLimiter, n: number, op = 'CreateKey', account = A, region = 'us-east-1', input: unknown = {}): number {
  let ok = 0;
  for (let i = 0; i < n; i++) if (l.admit(account, region, op, input) === undefined) ok++;
  return ok;
}

describe('request quota classes', () => {
  it('cryptographic operations share a class per kind of key, named by the algorithm in the request', () => {
    for (const op of ['Encrypt', 'Decrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateMac', 'VerifyMac', 'GenerateRandom', 'ReEncrypt']) {
      assert.equal(quotaClassOf(op, {}), SYMMETRIC, op);
    }
    assert.equal(quotaClassOf('Encrypt', { EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }), RSA);
    assert.equal(quotaClassOf('Decrypt', { EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' }), SYMMETRIC);
    assert.equal(quotaClassOf('Decrypt', { EncryptionAlgorithm: 'SM2PKE' }), ECC);
    assert.equal(quotaClassOf('ReEncrypt', { DestinationEncryptionAlgorithm: 'RSAES_OAEP_SHA_1' }), RSA);
    assert.equal(quotaClassOf('Sign', { SigningAlgorithm: 'RSASSA_PSS_SHA_256' }), RSA);
    assert.equal(quotaClassOf('Verify', { SigningAlgorithm: 'ECDSA_SHA_384' }), ECC);
    assert.equal(quotaClassOf('Sign', { SigningAlgorithm: 'ED25519_SHA_512' }), ECC);
    assert.equal(quotaClassOf('Sign', { SigningAlgorithm: 'ML_DSA_SHAKE_256' }), ML_DSA);
    assert.equal(quotaClassOf('DeriveSharedSecret', { KeyAgreementAlgorithm: 'ECDH' }), ECC);
  });

  it('data key pairs are classed by spec, other operations by name', () => {
    assert.equal(quotaClassOf('GenerateDataKeyPair', { KeyPairSpec: 'RSA_4096' }), 'GenerateDataKeyPair (RSA_4096)');
    assert.equal(quotaClassOf('GenerateDataKeyPairWithoutPlaintext', { KeyPairSpec: 'ECC_NIST_P256' }), 'GenerateDataKeyPair (ECC_NIST_P256)');
    assert.equal(quotaClassOf('GenerateDataKeyPair', { KeyPairSpec: 12 }), 'GenerateDataKeyPair');
    assert.equal(quotaClassOf('CreateAlias', null), 'CreateAlias');
    assert.equal(quotaClassOf('DescribeKey', 'not an object'), 'DescribeKey');
  });

  it('the AWS preset carries AWS\'s table values', () => {
    assert.equal(AWS_DEFAULT_QUOTAS.CreateKey, 5);
    assert.equal(AWS_DEFAULT_QUOTAS.CreateGrant, 50);
    assert.equal(AWS_DEFAULT_QUOTAS.DescribeKey, 2000);
    assert.equal(AWS_DEFAULT_QUOTAS.GetParametersForImport, 0.25);
    assert.equal(AWS_DEFAULT_QUOTAS[RSA], 1000);
  });
});

describe('quota files', () => {
  it('start from the AWS preset and replace classes everywhere or per Region', () => {
    const p = parseQuotaPolicy({ quotas: { CreateKey: 50, [SYMMETRIC]: 0 }, regions: { 'eu-west-2': { CreateKey: 1 } } });
    assert.equal(p.quotas.CreateKey, 50);
    assert.equal(p.quotas.CreateAlias, 5);
    assert.equal(p.quotas[SYMMETRIC], 0);
    assert.equal(p.regions['eu-west-2'].CreateKey, 1);
  });

  it('preset none limits only what the file names', () => {
    const p = parseQuotaPolicy({ preset: 'none', quotas: { CreateAlias: 2 } });
    assert.deepEqual(p.quotas, { CreateAlias: 2 });
  });

  it('refuse unknown classes, fields, Regions and bad numbers with a message naming them', () => {
    assert.throws(() => parseQuotaPolicy({ quotas: { Createkey: 1 } }), /"Createkey" in "quotas" is not a quota class/);
    assert.throws(() => parseQuotaPolicy({ quotas: { Encrypt: 1 } }), /"Encrypt" in "quotas" is not a quota class/);
    assert.throws(() => parseQuotaPolicy({ quotas: { CreateKey: -1 } }), /"quotas.CreateKey" must be a number/);
    assert.throws(() => parseQuotaPolicy({ quotas: { CreateKey: '5' } }), /must be a number/);
    assert.throws(() => parseQuotaPolicy({ regions: { mars: {} } }), /"mars" in "regions" is not a Region name/);
    assert.throws(() => parseQuotaPolicy({ preset: 'gcp' }), /"preset" must be "aws" or "none"/);
    assert.throws(() => parseQuotaPolicy({ quota: {} }), /unknown field "quota"/);
    assert.throws(() => parseQuotaPolicy([]), /JSON object/);
  });
});

describe('RequestLimiter', () => {
  it('admits a second\'s quota at once, throttles the next, and refills with time', () => {
    const clock = new ManualClock(1_000_000);
    const l = new RequestLimiter(policy({ CreateKey: 5 }), clock);
    assert.equal(burst(l, 8), 5);
    assert.equal(l.admit(A, 'us-east-1', 'CreateKey', {}), 'CreateKey');
    clock.advance(199);
    assert.equal(burst(l, 1), 0, 'less than one token has refilled');
    clock.advance(1);
    assert.equal(burst(l, 2), 1, 'one token after 200 ms');
    clock.advance(10_000);
    assert.equal(burst(l, 10), 5, 'a long idle period refills only up to one second of quota');
    assert.equal(l.throttled.get('CreateKey'), 3 + 1 + 1 + 1 + 5);
  });

  it('a quota below one per second admits one request per interval', () => {
    const clock = new ManualClock(0);
    const l = new RequestLimiter(policy({ GetParametersForImport: 0.25 }), clock);
    assert.equal(burst(l, 3, 'GetParametersForImport'), 1);
    clock.advance(3_999);
    assert.equal(burst(l, 1, 'GetParametersForImport'), 0);
    clock.advance(1);
    assert.equal(burst(l, 2, 'GetParametersForImport'), 1);
  });

  it('counts accounts, Regions and classes separately; cryptographic operations share their class', () => {
    const clock = new ManualClock(0);
    const l = new RequestLimiter(policy({ CreateKey: 2, CreateAlias: 2, [SYMMETRIC]: 3 }), clock);
    assert.equal(burst(l, 5, 'CreateKey'), 2);
    assert.equal(burst(l, 5, 'CreateAlias'), 2, 'another class is unaffected');
    assert.equal(burst(l, 5, 'CreateKey', B), 2, 'another account is unaffected');
    assert.equal(burst(l, 5, 'CreateKey', A, 'eu-west-1'), 2, 'another Region is unaffected');
    assert.equal(l.admit(A, 'us-east-1', 'Encrypt', {}), undefined);
    assert.equal(l.admit(A, 'us-east-1', 'Decrypt', {}), undefined);
    assert.equal(l.admit(A, 'us-east-1', 'GenerateDataKey', {}), undefined);
    assert.equal(l.admit(A, 'us-east-1', 'GenerateRandom', {}), SYMMETRIC, 'the fourth symmetric operation exceeds the shared quota of 3');
    assert.equal(l.admit(A, 'us-east-1', 'Sign', { SigningAlgorithm: 'ECDSA_SHA_256' }), undefined, 'ECC is not limited here');
  });

  it('classes absent from the policy, or at 0, are not limited; Region entries replace the global value', () => {
    const l = new RequestLimiter(policy({ CreateKey: 1, ListKeys: 0 }, { 'eu-west-2': { CreateKey: 3 } }), new ManualClock(0));
    assert.equal(burst(l, 50, 'DescribeKey'), 50);
    assert.equal(burst(l, 50, 'ListKeys'), 50);
    assert.equal(burst(l, 5, 'CreateKey', A, 'eu-west-2'), 3);
    assert.equal(burst(l, 5, 'CreateKey', A, 'us-east-1'), 1);
    assert.equal(l.size, 2, 'unlimited classes hold no bucket');
  });

  it('holds a bounded number of buckets, dropping idle ones first', () => {
    const clock = new ManualClock(0);
    const l = new RequestLimiter(AWS_QUOTA_POLICY, clock, 100);
    for (let i = 0; i < 100; i++) l.admit(String(100000000000 + i), 'us-east-1', 'CreateKey', {});
    assert.equal(l.size, 100);
    // A busy caller keeps its state across eviction of the idle ones.
    assert.equal(burst(l, 10, 'CreateKey', A), 5);
    assert.ok(l.size <= 100);
    clock.advance(1000);
    for (let i = 0; i < 1000; i++) l.admit(String(200000000000 + i), 'us-east-1', 'CreateKey', {});
    assert.ok(l.size <= 100, `${l.size} buckets`);
  });

  it('under pressure the least recently used buckets go, never the busy caller\'s', () => {
    const clock = new ManualClock(0);
    const l = new RequestLimiter(policy({ CreateKey: 5 }), clock, 10);
    assert.equal(burst(l, 4, 'CreateKey', A), 4);
    for (let i = 0; i < 9; i++) l.admit(String(300000000000 + i), 'us-east-1', 'CreateKey', {});
    assert.equal(burst(l, 1, 'CreateKey', A), 1, 'A takes its last token and becomes the most recently used');
    // The table is full and nothing is idle: the next new caller evicts the least recently used.
    l.admit(String(400000000000), 'us-east-1', 'CreateKey', {});
    assert.ok(l.size <= 10);
    assert.equal(l.admit(A, 'us-east-1', 'CreateKey', {}), 'CreateKey', 'A kept its empty bucket');
  });

  it('a clock that steps back refills nothing', () => {
    const clock = new ManualClock(10_000);
    const l = new RequestLimiter(policy({ CreateKey: 1 }), clock);
    assert.equal(burst(l, 1), 1);
    clock.set(0);
    assert.equal(burst(l, 1), 0);
  });
});
