import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { API_MODEL } from '../../../src/domain/validation/api-model.generated.js';
import {
  algorithmIncompatibleMessage,
  algorithmsFor,
  DATA_KEY_PAIR_SPECS,
  ENCRYPTION_ALGORITHMS,
  invalidDigestLengthMessage,
  isDataKeyPairSpec,
  isKeyUsageCompatible,
  KEY_AGREEMENT_ALGORITHMS,
  KEY_SPEC_TABLE,
  KEY_SPECS,
  KEY_USAGE_REQUIRED_MESSAGE,
  KEY_USAGES,
  keyUsageIncompatibleMessage,
  keyUsageNotValidForOperationMessage,
  MAC_ALGORITHMS,
  memberTooLongMessage,
  MESSAGE_TYPES,
  plaintextTooLargeMessage,
  rsaOaepMaxPlaintext,
  SIGNING_ALGORITHMS,
  SIGNING_HASH,
  validKeyUsages,
  type KeySpec,
  type KeyUsage,
} from '../../../src/domain/key-specs.js';
import { readReference } from './helpers.js';

function modelEnum(shape: string): readonly string[] {
  const e = API_MODEL.shapes[shape]?.enum;
  assert.ok(e, `model has no enum ${shape}`);
  return e;
}

/** Every KeyMetadata / GetPublicKey response (KeyId, KeySpec and KeyUsage) anywhere in a JSON document. */
function keyMetadataIn(doc: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (o: unknown): void => {
    if (Array.isArray(o)) o.forEach(walk);
    else if (o && typeof o === 'object') {
      const r = o as Record<string, unknown>;
      if (typeof r.KeyId === 'string' && typeof r.KeySpec === 'string' && typeof r.KeyUsage === 'string') out.push(r);
      Object.values(r).forEach(walk);
    }
  };
  walk(doc);
  return out;
}

const ALGORITHM_MEMBERS = ['EncryptionAlgorithms', 'SigningAlgorithms', 'MacAlgorithms', 'KeyAgreementAlgorithms'] as const;

describe('key spec enums match the API model', () => {
  it('KeySpec, KeyUsage, algorithm, DataKeyPairSpec and MessageType values', () => {
    assert.deepEqual([...KEY_SPECS], [...modelEnum('KeySpec')]);
    assert.deepEqual([...KEY_USAGES], [...modelEnum('KeyUsageType')]);
    assert.deepEqual([...SIGNING_ALGORITHMS], [...modelEnum('SigningAlgorithmSpec')]);
    assert.deepEqual([...ENCRYPTION_ALGORITHMS], [...modelEnum('EncryptionAlgorithmSpec')]);
    assert.deepEqual([...MAC_ALGORITHMS], [...modelEnum('MacAlgorithmSpec')]);
    assert.deepEqual([...KEY_AGREEMENT_ALGORITHMS], [...modelEnum('KeyAgreementAlgorithmSpec')]);
    assert.deepEqual([...MESSAGE_TYPES], [...modelEnum('MessageType')]);
    assert.deepEqual([...DATA_KEY_PAIR_SPECS].sort(), [...modelEnum('DataKeyPairSpec')].sort());
  });

  it('has one table row per key spec, naming itself', () => {
    for (const spec of KEY_SPECS) assert.equal(KEY_SPEC_TABLE[spec].keySpec, spec);
    assert.equal(Object.keys(KEY_SPEC_TABLE).length, KEY_SPECS.length);
  });

  it('gives every signing algorithm one hash and at least one message type', () => {
    for (const alg of SIGNING_ALGORITHMS) assert.ok(SIGNING_HASH[alg].messageTypes.length > 0, alg);
  });
});

describe('key usages per key spec (CreateKey documentation)', () => {
  const expected: Record<KeySpec, KeyUsage[]> = {
    SYMMETRIC_DEFAULT: ['ENCRYPT_DECRYPT'],
    RSA_2048: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
    RSA_3072: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
    RSA_4096: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
    ECC_NIST_P256: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
    ECC_NIST_P384: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
    ECC_NIST_P521: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
    ECC_SECG_P256K1: ['SIGN_VERIFY'],
    ECC_NIST_EDWARDS25519: ['SIGN_VERIFY'],
    ML_DSA_44: ['SIGN_VERIFY'],
    ML_DSA_65: ['SIGN_VERIFY'],
    ML_DSA_87: ['SIGN_VERIFY'],
    HMAC_224: ['GENERATE_VERIFY_MAC'],
    HMAC_256: ['GENERATE_VERIFY_MAC'],
    HMAC_384: ['GENERATE_VERIFY_MAC'],
    HMAC_512: ['GENERATE_VERIFY_MAC'],
    SM2: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'KEY_AGREEMENT'],
  };

  for (const spec of KEY_SPECS) {
    it(spec, () => {
      assert.deepEqual([...validKeyUsages(spec)], expected[spec]);
      for (const usage of KEY_USAGES) {
        assert.equal(isKeyUsageCompatible(spec, usage), expected[spec].includes(usage), `${spec} ${usage}`);
        const members = Object.keys(algorithmsFor(spec, usage));
        assert.equal(members.length, expected[spec].includes(usage) ? 1 : 0, `${spec} ${usage}: ${members}`);
      }
    });
  }
});

describe('algorithm lists as DescribeKey shows them', () => {
  it('matches the documented lists, in order', () => {
    const rsaSigning = [
      'RSASSA_PKCS1_V1_5_SHA_256',
      'RSASSA_PKCS1_V1_5_SHA_384',
      'RSASSA_PKCS1_V1_5_SHA_512',
      'RSASSA_PSS_SHA_256',
      'RSASSA_PSS_SHA_384',
      'RSASSA_PSS_SHA_512',
    ];
    for (const spec of ['RSA_2048', 'RSA_3072', 'RSA_4096'] as const) {
      assert.deepEqual(algorithmsFor(spec, 'SIGN_VERIFY'), { SigningAlgorithms: rsaSigning });
      assert.deepEqual(algorithmsFor(spec, 'ENCRYPT_DECRYPT'), { EncryptionAlgorithms: ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'] });
    }
    assert.deepEqual(algorithmsFor('ECC_NIST_P256', 'SIGN_VERIFY'), { SigningAlgorithms: ['ECDSA_SHA_256'] });
    assert.deepEqual(algorithmsFor('ECC_NIST_P384', 'SIGN_VERIFY'), { SigningAlgorithms: ['ECDSA_SHA_384'] });
    assert.deepEqual(algorithmsFor('ECC_NIST_P521', 'SIGN_VERIFY'), { SigningAlgorithms: ['ECDSA_SHA_512'] });
    assert.deepEqual(algorithmsFor('ECC_SECG_P256K1', 'SIGN_VERIFY'), { SigningAlgorithms: ['ECDSA_SHA_256'] });
    for (const spec of ['ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'SM2'] as const) {
      assert.deepEqual(algorithmsFor(spec, 'KEY_AGREEMENT'), { KeyAgreementAlgorithms: ['ECDH'] });
    }
    assert.deepEqual(algorithmsFor('ECC_NIST_EDWARDS25519', 'SIGN_VERIFY'), { SigningAlgorithms: ['ED25519_SHA_512', 'ED25519_PH_SHA_512'] });
    for (const spec of ['ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87'] as const) {
      assert.deepEqual(algorithmsFor(spec, 'SIGN_VERIFY'), { SigningAlgorithms: ['ML_DSA_SHAKE_256'] });
    }
    for (const n of [224, 256, 384, 512] as const) {
      assert.deepEqual(algorithmsFor(`HMAC_${n}`, 'GENERATE_VERIFY_MAC'), { MacAlgorithms: [`HMAC_SHA_${n}`] });
    }
    assert.deepEqual(algorithmsFor('SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT'), { EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'] });
    assert.deepEqual(algorithmsFor('SM2', 'SIGN_VERIFY'), { SigningAlgorithms: ['SM2DSA'] });
    assert.deepEqual(algorithmsFor('SM2', 'ENCRYPT_DECRYPT'), { EncryptionAlgorithms: ['SM2PKE'] });
  });

  for (const [file, minimum] of [
    ['aws-recorded-responses.kms.json', 10],
    ['kms-2014-11-01.examples-1.json', 5],
  ] as const) {
    it(`agrees with every KeyMetadata in ${file}`, () => {
      const all = keyMetadataIn(JSON.parse(readReference(file)));
      assert.ok(all.length >= minimum, `only ${all.length} key metadata objects found`);
      for (const md of all) {
        const spec = md.KeySpec as KeySpec;
        const usage = md.KeyUsage as KeyUsage;
        assert.ok(isKeyUsageCompatible(spec, usage), `${spec} ${usage}`);
        const expected = algorithmsFor(spec, usage) as Record<string, readonly string[]>;
        for (const member of ALGORITHM_MEMBERS) {
          if (md[member] !== undefined || expected[member] !== undefined) {
            assert.deepEqual(md[member], expected[member] ? [...expected[member]] : undefined, `${spec} ${usage} ${member}`);
          }
        }
      }
    });
  }
});

describe('data key pair specs', () => {
  it('are the documented specs, Ed25519 included, ML-DSA and HMAC not', () => {
    for (const spec of ['RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1', 'SM2', 'ECC_NIST_EDWARDS25519']) {
      assert.ok(isDataKeyPairSpec(spec), spec);
    }
    for (const spec of ['ML_DSA_44', 'HMAC_256', 'SYMMETRIC_DEFAULT', 'RSA_1024', 'ECC_NIST_P224']) assert.ok(!isDataKeyPairSpec(spec), spec);
  });
});

describe('error texts match what AWS answered', () => {
  const recorded = readReference('aws-recorded-responses.kms.json');

  it('reproduces recorded messages exactly', () => {
    const cases = [
      keyUsageIncompatibleMessage('KEY_AGREEMENT', 'RSA_2048'),
      algorithmIncompatibleMessage('HMAC_SHA_256', 'HMAC_224'),
      algorithmIncompatibleMessage('HMAC_SHA_512', 'HMAC_256'),
      invalidDigestLengthMessage('RSASSA_PSS_SHA_256'),
      invalidDigestLengthMessage('ECDSA_SHA_384'),
      invalidDigestLengthMessage('RSASSA_PKCS1_V1_5_SHA_512'),
      KEY_USAGE_REQUIRED_MESSAGE,
      memberTooLongMessage('plaintext'),
      keyUsageNotValidForOperationMessage('<key-arn>', 'SIGN_VERIFY', 'DeriveSharedSecret'),
      keyUsageNotValidForOperationMessage('<key-arn>', 'GENERATE_VERIFY_MAC', 'Sign'),
    ];
    for (const message of cases) assert.ok(recorded.includes(JSON.stringify(message)), message);
    assert.equal(keyUsageIncompatibleMessage('KEY_AGREEMENT', 'RSA_2048'), 'KeyUsage KEY_AGREEMENT is not compatible with KeySpec RSA_2048');
    assert.equal(algorithmIncompatibleMessage('HMAC_SHA_256', 'HMAC_224'), 'Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.');
  });

  it('gives the RSA OAEP plaintext limits AWS states', () => {
    const limits: [KeySpec, 'RSAES_OAEP_SHA_1' | 'RSAES_OAEP_SHA_256', number][] = [
      ['RSA_2048', 'RSAES_OAEP_SHA_1', 214],
      ['RSA_2048', 'RSAES_OAEP_SHA_256', 190],
      ['RSA_3072', 'RSAES_OAEP_SHA_1', 342],
      ['RSA_3072', 'RSAES_OAEP_SHA_256', 318],
      ['RSA_4096', 'RSAES_OAEP_SHA_1', 470],
      ['RSA_4096', 'RSAES_OAEP_SHA_256', 446],
    ];
    for (const [spec, alg, max] of limits) {
      assert.equal(rsaOaepMaxPlaintext(spec, alg), max);
      const message = plaintextTooLargeMessage(alg, spec, max);
      assert.ok(recorded.includes(JSON.stringify(message)), message);
    }
    assert.equal(rsaOaepMaxPlaintext('ECC_NIST_P256', 'RSAES_OAEP_SHA_1'), undefined);
    assert.equal(rsaOaepMaxPlaintext('RSA_2048', 'SYMMETRIC_DEFAULT'), undefined);
  });

  it('records HMAC key lengths: spec bits when generated, AWS import ranges', () => {
    assert.deepEqual(
      (['HMAC_224', 'HMAC_256', 'HMAC_384', 'HMAC_512'] as const).map((s) => [KEY_SPEC_TABLE[s].hmacKeyBytes, KEY_SPEC_TABLE[s].hmacImportKeyBytes]),
      [
        [28, { min: 28, max: 64 }],
        [32, { min: 32, max: 64 }],
        [48, { min: 48, max: 128 }],
        [64, { min: 64, max: 128 }],
      ],
    );
  });
});
