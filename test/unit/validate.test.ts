import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { KmsError } from '../../src/domain/errors.js';
import { API_MODEL } from '../../src/domain/validation/api-model.generated.js';
import {
  OPERATION_NAMES,
  decodeBlob,
  isValidBase64,
  validateInput,
} from '../../src/domain/validation/validate.js';

const PREFIX1 = '1 validation error detected: ';

/** Runs validateInput and returns the ValidationException message (fails if it passes). */
function messageOf(operation: string, input: unknown): string {
  try {
    validateInput(operation, input);
  } catch (e) {
    assert.ok(e instanceof KmsError, `expected KmsError, got ${String(e)}`);
    assert.equal(e.code, 'ValidationException');
    assert.equal(e.status, 400);
    return e.message;
  }
  assert.fail(`${operation} ${JSON.stringify(input)?.slice(0, 200)} was accepted`);
}

function passes(operation: string, input: unknown): void {
  assert.doesNotThrow(() => validateInput(operation, input));
}

const b64 = (n: number, fill = 0x61): string => Buffer.alloc(n, fill).toString('base64');

describe('validateInput: messages recorded against AWS', () => {
  it('GenerateRandom NumberOfBytes above the maximum', () => {
    assert.equal(
      messageOf('GenerateRandom', { NumberOfBytes: 1025 }),
      "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024",
    );
  });

  it('GenerateRandom NumberOfBytes below the minimum', () => {
    assert.equal(
      messageOf('GenerateRandom', { NumberOfBytes: 0 }),
      "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });

  it('CreateKey with an unknown KeySpec lists the enum in model order', () => {
    // AWS lists the values in hash-set order ([RSA_2048, ECC_NIST_P384, ...]); we use model order.
    const values = API_MODEL.shapes.KeySpec.enum!;
    assert.ok(values.includes('SYMMETRIC_DEFAULT') && values.includes('HMAC_256'));
    assert.equal(
      messageOf('CreateKey', { KeySpec: 'HMAC_random' }),
      `1 validation error detected: Value 'HMAC_random' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`,
    );
    assert.match(
      messageOf('CreateKey', { KeySpec: 'HMAC_random' }),
      /enum value set: \[RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, .*HMAC_512, SM2, .*\]$/,
    );
  });

  it('CreateKey with an unknown KeyUsage', () => {
    assert.equal(
      messageOf('CreateKey', { KeyUsage: 'RANDOM' }),
      "1 validation error detected: Value 'RANDOM' at 'keyUsage' failed to satisfy constraint: Member must satisfy enum value set: [SIGN_VERIFY, ENCRYPT_DECRYPT, GENERATE_VERIFY_MAC, KEY_AGREEMENT]",
    );
  });

  it('a 129-character tag key', () => {
    const key = 'a'.repeat(129);
    assert.equal(
      messageOf('CreateKey', { Tags: [{ TagKey: key, TagValue: 'v' }] }),
      `1 validation error detected: Value '${key}' at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128`,
    );
  });

  it('a 257-character tag value', () => {
    const value = 'v'.repeat(257);
    assert.equal(
      messageOf('TagResource', { KeyId: 'k', Tags: [{ TagKey: 'k', TagValue: value }] }),
      `1 validation error detected: Value '${value}' at 'tags.1.member.tagValue' failed to satisfy constraint: Member must have length less than or equal to 256`,
    );
  });

  it('Encrypt with a 4097-byte plaintext omits the (sensitive blob) value', () => {
    assert.equal(
      messageOf('Encrypt', { KeyId: 'alias/x', Plaintext: b64(4097) }),
      "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096",
    );
  });

  it('other enum messages recorded against AWS (model order)', () => {
    assert.equal(
      messageOf('GenerateMac', { KeyId: 'k', Message: 'AA==', MacAlgorithm: 'INVALID' }),
      "1 validation error detected: Value 'INVALID' at 'macAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [HMAC_SHA_224, HMAC_SHA_256, HMAC_SHA_384, HMAC_SHA_512]",
    );
    assert.equal(
      messageOf('DeriveSharedSecret', { KeyId: 'k', KeyAgreementAlgorithm: 'INVALID', PublicKey: 'AA==' }),
      "1 validation error detected: Value 'INVALID' at 'keyAgreementAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [ECDH]",
    );
  });
});

describe('validateInput: lengths and ranges', () => {
  it('blob length is the decoded byte length', () => {
    passes('Encrypt', { KeyId: 'k', Plaintext: b64(4096) }); // 5464 base64 characters
    passes('Encrypt', { KeyId: 'k', Plaintext: b64(1) });
    assert.equal(
      messageOf('Encrypt', { KeyId: 'k', Plaintext: '' }),
      "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it('non-sensitive blobs also omit the value', () => {
    assert.equal(
      messageOf('Decrypt', { CiphertextBlob: b64(6145) }),
      "1 validation error detected: Value at 'ciphertextBlob' failed to satisfy constraint: Member must have length less than or equal to 6144",
    );
  });

  it('string length counts characters (code points), not UTF-16 units', () => {
    const emoji = '\u{1F511}';
    passes('TagResource', { KeyId: 'k', Tags: [{ TagKey: emoji.repeat(128), TagValue: '' }] });
    assert.equal(
      messageOf('TagResource', { KeyId: 'k', Tags: [{ TagKey: emoji.repeat(129), TagValue: '' }] }),
      `${PREFIX1}Value '${emoji.repeat(129)}' at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128`,
    );
  });

  it('string minimum length', () => {
    assert.equal(
      messageOf('DescribeKey', { KeyId: '' }),
      `${PREFIX1}Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1`,
    );
    passes('DescribeKey', { KeyId: 'k' });
    passes('CreateKey', { Description: '' }); // min 0
  });

  it('list length', () => {
    const tokens = Array.from({ length: 11 }, (_, i) => `t${i}`);
    assert.equal(
      messageOf('Encrypt', { KeyId: 'k', Plaintext: 'AA==', GrantTokens: tokens }),
      `${PREFIX1}Value '[${tokens.join(', ')}]' at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10`,
    );
    passes('Encrypt', { KeyId: 'k', Plaintext: 'AA==', GrantTokens: tokens.slice(0, 10) });
    passes('Encrypt', { KeyId: 'k', Plaintext: 'AA==', GrantTokens: [] });
  });

  it('integer bounds are inclusive', () => {
    passes('GenerateRandom', { NumberOfBytes: 1 });
    passes('GenerateRandom', { NumberOfBytes: 1024 });
    passes('ListAliases', { Limit: 1000 });
    assert.equal(
      messageOf('ListAliases', { Limit: 1001 }),
      `${PREFIX1}Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000`,
    );
    assert.equal(
      messageOf('ScheduleKeyDeletion', { KeyId: 'k', PendingWindowInDays: -3 }),
      `${PREFIX1}Value '-3' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value greater than or equal to 1`,
    );
  });
});

describe('validateInput: patterns', () => {
  it('reports the pattern as written in the model', () => {
    assert.equal(
      messageOf('CreateAlias', { AliasName: 'alias/bad name', TargetKeyId: 'k' }),
      `${PREFIX1}Value 'alias/bad name' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$`,
    );
    passes('CreateAlias', { AliasName: 'alias/good_name-1', TargetKeyId: 'k' });
  });

  it('patterns must match the whole value', () => {
    // PolicyNameType is `[\w]+` (no anchors): a partial match is not enough.
    assert.equal(
      messageOf('GetKeyPolicy', { KeyId: 'k', PolicyName: 'default!' }),
      `${PREFIX1}Value 'default!' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w]+`,
    );
    passes('GetKeyPolicy', { KeyId: 'k', PolicyName: 'default' });
    // MarkerType is `[\u0020-\u00FF]*`
    passes('ListAliases', { Marker: 'abc \u00e9\u00ff' });
    assert.match(messageOf('ListAliases', { Marker: 'abc\u0100' }), /at 'marker' .*pattern: \[\\u0020-\\u00FF\]\*$/);
    assert.match(messageOf('ListAliases', { Marker: 'abc\n' }), /at 'marker'/);
    // RegionType `^([a-z]+-){2,3}\d+$`
    passes('ReplicateKey', { KeyId: 'k', ReplicaRegion: 'us-west-2' });
    assert.match(messageOf('ReplicateKey', { KeyId: 'k', ReplicaRegion: 'us-west-2\n' }), /at 'replicaRegion'/);
  });

  it('Java regex semantics: \\s is ASCII whitespace, . excludes line terminators', () => {
    // KeyMaterialDescriptionType: ^[a-zA-Z0-9:/_\s.-]+$
    passes('ImportKeyMaterial', {
      KeyId: 'k',
      ImportToken: 'AA==',
      EncryptedKeyMaterial: 'AA==',
      KeyMaterialDescription: 'a b\tc',
    });
    assert.match(
      messageOf('ImportKeyMaterial', {
        KeyId: 'k',
        ImportToken: 'AA==',
        EncryptedKeyMaterial: 'AA==',
        KeyMaterialDescription: 'a\u00a0b',
      }),
      /at 'keyMaterialDescription' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    );
    // GrantConstraintSourceArnType ends in `.+$`
    const arn = 'arn:aws:s3:us-east-1:111122223333:bucket/x';
    passes('CreateGrant', { KeyId: 'k', Operations: ['Encrypt'], Constraints: { SourceArn: arn } });
    assert.match(
      messageOf('CreateGrant', { KeyId: 'k', Operations: ['Encrypt'], Constraints: { SourceArn: arn + '\u2028' } }),
      /at 'constraints\.sourceArn'/,
    );
  });

  it('a value can violate length and pattern at once', () => {
    assert.equal(
      messageOf('CreateAlias', { AliasName: '', TargetKeyId: 'k' }),
      "2 validation errors detected: Value '' at 'aliasName' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value '' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
    );
  });
});

describe('validateInput: required members', () => {
  it('a missing required member is null', () => {
    assert.equal(
      messageOf('DescribeKey', {}),
      "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
    );
  });

  it('explicit JSON null counts as missing', () => {
    assert.equal(
      messageOf('DescribeKey', { KeyId: null }),
      "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null",
    );
    passes('CreateKey', { Description: null, Tags: null });
  });

  it('several missing members are reported in model order', () => {
    assert.equal(
      messageOf('Encrypt', {}),
      "2 validation errors detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'plaintext' failed to satisfy constraint: Member must not be null",
    );
  });

  it('required members of list elements', () => {
    assert.equal(
      messageOf('TagResource', { KeyId: 'k', Tags: [{ TagKey: 'a', TagValue: 'b' }, { TagKey: 'c' }] }),
      "1 validation error detected: Value null at 'tags.2.member.tagValue' failed to satisfy constraint: Member must not be null",
    );
    assert.equal(
      messageOf('TagResource', { KeyId: 'k', Tags: [null] }),
      "1 validation error detected: Value null at 'tags.1.member' failed to satisfy constraint: Member must not be null",
    );
  });

  it('required members of nested structures', () => {
    assert.equal(
      messageOf('CreateCustomKeyStore', {
        CustomKeyStoreName: 'store',
        XksProxyAuthenticationCredential: { AccessKeyId: 'ABCDEFGHIJKLMNOPQRST' },
      }),
      "1 validation error detected: Value null at 'xksProxyAuthenticationCredential.rawSecretAccessKey' failed to satisfy constraint: Member must not be null",
    );
  });
});

describe('validateInput: multiple violations', () => {
  it('counts, joins with "; " and keeps model member order', () => {
    assert.equal(
      messageOf('GenerateDataKey', { KeyId: '', NumberOfBytes: 2000, KeySpec: 'AES_512' }),
      "3 validation errors detected: Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value '2000' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024; " +
        "Value 'AES_512' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]",
    );
  });

  it('a list is checked before its elements', () => {
    const tokens = Array.from({ length: 11 }, () => '');
    const msg = messageOf('Encrypt', { KeyId: 'k', Plaintext: 'AA==', GrantTokens: tokens });
    assert.ok(msg.startsWith('10 validation errors detected: '), msg);
    const parts = msg.slice('10 validation errors detected: '.length).split('; ');
    assert.equal(parts.length, 10);
    assert.match(parts[0], /at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10$/);
    assert.equal(
      parts[1],
      "Value '' at 'grantTokens.1.member' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    assert.match(parts[9], /at 'grantTokens\.9\.member'/);
  });

  it('reports at most 10 violations, like AWS', () => {
    const tags = Array.from({ length: 15 }, () => ({ TagValue: 'v' }));
    const msg = messageOf('CreateKey', { Tags: tags });
    const parts = msg.slice('10 validation errors detected: '.length).split('; ');
    assert.ok(msg.startsWith('10 validation errors detected: '), msg);
    assert.equal(parts.length, 10);
    parts.forEach((p, i) =>
      assert.equal(p, `Value null at 'tags.${i + 1}.member.tagKey' failed to satisfy constraint: Member must not be null`),
    );
  });

  it('enum violations inside lists', () => {
    assert.equal(
      messageOf('CreateGrant', { KeyId: 'k', Operations: ['Encrypt', 'Bogus'] }),
      `${PREFIX1}Value 'Bogus' at 'operations.2.member' failed to satisfy constraint: Member must satisfy enum value set: [${API_MODEL.shapes.GrantOperation.enum!.join(', ')}]`,
    );
  });
});

describe('validateInput: maps', () => {
  it('map entries are addressed as <map>.<key>.member', () => {
    assert.equal(
      messageOf('Encrypt', { KeyId: 'k', Plaintext: 'AA==', EncryptionContext: { purpose: 5 } }),
      `${PREFIX1}Value '5' at 'encryptionContext.purpose.member' failed to satisfy constraint: Member must be a string`,
    );
    assert.equal(
      messageOf('CreateGrant', {
        KeyId: 'k',
        Operations: ['Decrypt'],
        Constraints: { EncryptionContextSubset: { ok: 'x', dept: null } },
      }),
      `${PREFIX1}Value null at 'constraints.encryptionContextSubset.dept.member' failed to satisfy constraint: Member must not be null`,
    );
  });

  it('a map must be a JSON object', () => {
    assert.equal(
      messageOf('Encrypt', { KeyId: 'k', Plaintext: 'AA==', EncryptionContext: ['a'] }),
      `${PREFIX1}Value '["a"]' at 'encryptionContext' failed to satisfy constraint: Member must be a map`,
    );
  });

  it('valid maps pass, including empty ones', () => {
    passes('Encrypt', { KeyId: 'k', Plaintext: 'AA==', EncryptionContext: {} });
    passes('Decrypt', { CiphertextBlob: 'AA==', EncryptionContext: { a: '', 'key with spaces': 'v\u00e9' } });
  });
});

describe('validateInput: type errors', () => {
  it('integer members', () => {
    assert.equal(
      messageOf('GenerateRandom', { NumberOfBytes: 'abc' }),
      `${PREFIX1}Value '"abc"' at 'numberOfBytes' failed to satisfy constraint: Member must be an integer`,
    );
    assert.equal(
      messageOf('GenerateRandom', { NumberOfBytes: 1.5 }),
      `${PREFIX1}Value '1.5' at 'numberOfBytes' failed to satisfy constraint: Member must be an integer`,
    );
    assert.equal(
      messageOf('GenerateRandom', { NumberOfBytes: '32' }),
      `${PREFIX1}Value '"32"' at 'numberOfBytes' failed to satisfy constraint: Member must be an integer`,
    );
    assert.match(messageOf('GenerateRandom', { NumberOfBytes: 2 ** 31 }), /Member must be an integer between -2147483648 and 2147483647$/);
    passes('GenerateRandom', { NumberOfBytes: 32.0 });
  });

  it('string members', () => {
    assert.equal(
      messageOf('DescribeKey', { KeyId: 123 }),
      `${PREFIX1}Value '123' at 'keyId' failed to satisfy constraint: Member must be a string`,
    );
    assert.equal(
      messageOf('CreateKey', { KeySpec: ['RSA_2048'] }),
      `${PREFIX1}Value '["RSA_2048"]' at 'keySpec' failed to satisfy constraint: Member must be a string`,
    );
  });

  it('boolean members', () => {
    assert.equal(
      messageOf('CreateKey', { MultiRegion: 'true' }),
      `${PREFIX1}Value '"true"' at 'multiRegion' failed to satisfy constraint: Member must be a boolean`,
    );
    assert.match(messageOf('CreateKey', { BypassPolicyLockoutSafetyCheck: 1 }), /at 'bypassPolicyLockoutSafetyCheck' .*Member must be a boolean$/);
    passes('CreateKey', { MultiRegion: false, BypassPolicyLockoutSafetyCheck: true });
  });

  it('list and structure members', () => {
    assert.equal(
      messageOf('TagResource', { KeyId: 'k', Tags: { TagKey: 'a', TagValue: 'b' } }),
      `${PREFIX1}Value '{"TagKey":"a","TagValue":"b"}' at 'tags' failed to satisfy constraint: Member must be a list`,
    );
    assert.equal(
      messageOf('TagResource', { KeyId: 'k', Tags: ['a'] }),
      `${PREFIX1}Value '"a"' at 'tags.1.member' failed to satisfy constraint: Member must be a structure`,
    );
    assert.equal(
      messageOf('CreateGrant', { KeyId: 'k', Operations: ['Encrypt'], Constraints: 'x' }),
      `${PREFIX1}Value '"x"' at 'constraints' failed to satisfy constraint: Member must be a structure`,
    );
  });

  it('timestamp members are epoch seconds', () => {
    const base = { KeyId: 'k', ImportToken: 'AA==', EncryptedKeyMaterial: 'AA==' };
    passes('ImportKeyMaterial', { ...base, ValidTo: 1700000000 });
    passes('ImportKeyMaterial', { ...base, ValidTo: 1700000000.5 });
    assert.equal(
      messageOf('ImportKeyMaterial', { ...base, ValidTo: '2030-01-01T00:00:00Z' }),
      `${PREFIX1}Value '"2030-01-01T00:00:00Z"' at 'validTo' failed to satisfy constraint: Member must be a timestamp in epoch seconds`,
    );
  });

  it('blob members must be canonical base64; the value is not shown', () => {
    for (const bad of ['abc', 'ab=c', '!!!!', 'AB==', 'AAB=', 'AA=A', 'A===', 'AA==AA==', 'YQ', 'YQ==\n', 'YQ-_', 42]) {
      assert.equal(
        messageOf('Decrypt', { CiphertextBlob: bad }),
        `${PREFIX1}Value at 'ciphertextBlob' failed to satisfy constraint: Member must be a base64-encoded string`,
        JSON.stringify(bad),
      );
    }
    assert.equal(
      messageOf('Encrypt', { KeyId: 'k', Plaintext: 'not base64' }),
      `${PREFIX1}Value at 'plaintext' failed to satisfy constraint: Member must be a base64-encoded string`,
    );
    for (const good of ['YQ==', 'YWI=', 'YWJj', b64(300), '+/+/']) passes('Decrypt', { CiphertextBlob: good });
  });

  it('sensitive strings omit the value', () => {
    assert.equal(
      messageOf('CreateCustomKeyStore', { CustomKeyStoreName: 's', KeyStorePassword: 'short' }),
      `${PREFIX1}Value at 'keyStorePassword' failed to satisfy constraint: Member must have length greater than or equal to 7`,
    );
    assert.equal(
      messageOf('CreateCustomKeyStore', {
        CustomKeyStoreName: 's',
        XksProxyAuthenticationCredential: { AccessKeyId: 'abcdefghijklmnopqrst', RawSecretAccessKey: 'a'.repeat(43) },
      }),
      `${PREFIX1}Value at 'xksProxyAuthenticationCredential.accessKeyId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[A-Z2-7]+$`,
    );
    assert.equal(
      messageOf('CreateCustomKeyStore', { CustomKeyStoreName: 's', KeyStorePassword: 1234567 }),
      `${PREFIX1}Value at 'keyStorePassword' failed to satisfy constraint: Member must be a string`,
    );
  });

  it('type errors and constraint violations are reported together', () => {
    assert.equal(
      messageOf('Encrypt', { Plaintext: 7, EncryptionAlgorithm: 'X' }),
      "3 validation errors detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null; " +
        "Value at 'plaintext' failed to satisfy constraint: Member must be a base64-encoded string; " +
        `Value 'X' at 'encryptionAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [${API_MODEL.shapes.EncryptionAlgorithmSpec.enum!.join(', ')}]`,
    );
  });

  it('input that is not a JSON object', () => {
    for (const bad of [null, undefined, [], ['KeyId'], 'KeyId', 42, true]) {
      assert.equal(messageOf('DescribeKey', bad), 'The request body must be a JSON object.', String(bad));
    }
  });
});

describe('validateInput: valid inputs and other behaviour', () => {
  it('accepts valid requests', () => {
    passes('Encrypt', {
      KeyId: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      Plaintext: Buffer.from('hello').toString('base64'),
      EncryptionContext: { purpose: 'test' },
      GrantTokens: ['token'],
      EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      DryRun: false,
    });
    passes('CreateKey', {});
    passes('CreateKey', {
      Policy: '{"Version":"2012-10-17","Statement":[]}',
      Description: 'my key',
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeySpec: 'SYMMETRIC_DEFAULT',
      Origin: 'AWS_KMS',
      Tags: [{ TagKey: 'env', TagValue: 'prod' }],
      MultiRegion: false,
    });
    passes('GenerateDataKey', { KeyId: 'alias/app', KeySpec: 'AES_256', EncryptionContext: { a: 'b' } });
    passes('GenerateDataKey', { KeyId: 'alias/app', NumberOfBytes: 64 });
    passes('ListAliases', {});
    passes('ListAliases', { KeyId: 'k', Limit: 50, Marker: 'eyJ0b2tlbiI6MX0=' });
    passes('TagResource', { KeyId: 'k', Tags: [{ TagKey: 'a', TagValue: '' }, { TagKey: 'b', TagValue: 'c' }] });
    passes('GenerateRandom', {});
    passes('CreateGrant', {
      KeyId: 'k',
      GranteePrincipal: 'arn:aws:iam::111122223333:role/app',
      Operations: ['Encrypt', 'Decrypt'],
      Constraints: { EncryptionContextSubset: { dept: 'it' } },
      Name: 'grant-1',
    });
  });

  it('ignores unknown members', () => {
    passes('DescribeKey', { KeyId: 'k', Bogus: 123, keyId: null });
    passes('DescribeKey', JSON.parse('{"KeyId":"k","__proto__":{"KeyId":5}}'));
    // only own properties count
    assert.match(messageOf('DescribeKey', Object.create({ KeyId: 'k' })), /Value null at 'keyId'/);
    passes('CreateKey', { Tags: [{ TagKey: 'a', TagValue: 'b', Extra: [1, 2] }] });
  });

  it('rejects unknown operations with UnknownOperationException', () => {
    assert.throws(
      () => validateInput('DescribeKeys', {}),
      (e: unknown) => e instanceof KmsError && e.code === 'UnknownOperationException',
    );
  });

  it('OPERATION_NAMES lists every operation in the model', () => {
    assert.equal(OPERATION_NAMES.length, Object.keys(API_MODEL.operations).length);
    assert.ok(OPERATION_NAMES.length >= 50);
    for (const op of ['Encrypt', 'Decrypt', 'CreateKey', 'GenerateDataKey', 'ListAliases', 'TagResource', 'GenerateRandom']) {
      assert.ok(OPERATION_NAMES.includes(op), op);
    }
    assert.deepEqual([...OPERATION_NAMES], [...OPERATION_NAMES].sort());
    // every operation has a validator: {} either passes or fails with not-null violations only
    for (const op of OPERATION_NAMES) {
      try {
        validateInput(op, {});
      } catch (e) {
        assert.ok(e instanceof KmsError && e.code === 'ValidationException', op);
        assert.match(e.message, /^\d+ validation errors? detected: Value null at '[a-zA-Z]+' failed to satisfy constraint: Member must not be null/, op);
      }
    }
  });
});

describe('generated API model', () => {
  it('has operations with input and output shapes', () => {
    assert.deepEqual(API_MODEL.operations.Encrypt, { input: 'EncryptRequest', output: 'EncryptResponse' });
    assert.deepEqual(API_MODEL.operations.TagResource, { input: 'TagResourceRequest', output: null });
    assert.equal(API_MODEL.metadata.targetPrefix, 'TrentService');
  });

  it('has the shapes reachable from inputs with their constraints', () => {
    assert.deepEqual(API_MODEL.shapes.PlaintextType, { type: 'blob', min: 1, max: 4096, sensitive: true });
    assert.deepEqual(API_MODEL.shapes.NumberOfBytesType, { type: 'integer', min: 1, max: 1024 });
    assert.deepEqual(API_MODEL.shapes.TagList, { type: 'list', member: 'Tag' });
    assert.deepEqual(API_MODEL.shapes.EncryptionContextType, {
      type: 'map',
      key: 'EncryptionContextKey',
      value: 'EncryptionContextValue',
    });
    assert.deepEqual(API_MODEL.shapes.Tag.members, {
      TagKey: { shape: 'TagKeyType', required: true },
      TagValue: { shape: 'TagValueType', required: true },
    });
    for (const [name, op] of Object.entries(API_MODEL.operations)) {
      assert.ok(API_MODEL.shapes[op.input], `${name} input ${op.input}`);
    }
    for (const s of Object.values(API_MODEL.shapes)) {
      for (const m of Object.values(s.members ?? {})) assert.ok(API_MODEL.shapes[m.shape], m.shape);
      for (const ref of [s.member, s.key, s.value]) if (ref !== undefined) assert.ok(API_MODEL.shapes[ref], ref);
    }
  });

  it('lists error shapes, marking faults', () => {
    assert.deepEqual(API_MODEL.errors.KMSInternalException, { fault: true });
    assert.deepEqual(API_MODEL.errors.NotFoundException, {});
    assert.ok('KMSInvalidStateException' in API_MODEL.errors);
  });
});

describe('base64 helpers', () => {
  it('isValidBase64 accepts canonical padded base64 only', () => {
    for (const good of ['', 'YQ==', 'YWI=', 'YWJj', 'AAAA', '+/+/']) assert.equal(isValidBase64(good), true, good);
    for (const bad of ['YQ', 'YQ=', 'Y===', 'YR==', 'YWJ=', 'YW=j', 'YWJj\n', ' YWJj', 'YW-_', 'YQ==YQ==']) {
      assert.equal(isValidBase64(bad), false, bad);
    }
  });

  it('decodeBlob decodes valid base64 and rejects anything else', () => {
    assert.deepEqual(decodeBlob('aGVsbG8='), Buffer.from('hello'));
    assert.deepEqual(decodeBlob(''), Buffer.alloc(0));
    assert.throws(
      () => decodeBlob('aGVsbG8'),
      (e: unknown) => e instanceof KmsError && e.code === 'ValidationException',
    );
    assert.throws(() => decodeBlob('a!b='), KmsError);
  });
});
