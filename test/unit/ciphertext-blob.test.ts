import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { encodeEncryptionContext } from '../../src/crypto/encryption-context.js';
import { BLOB_OVERHEAD, HEADER_LENGTH, openBlob, parseHeader, sealBlob } from '../../src/crypto/ciphertext-blob.js';

describe('encryption context encoding', () => {
  it('is independent of member order', () => {
    assert.deepEqual(encodeEncryptionContext({ a: '1', b: '2' }), encodeEncryptionContext({ b: '2', a: '1' }));
  });

  it('keeps {"a":"bc"} and {"ab":"c"} apart, and other near-collisions', () => {
    const pairs: [Record<string, string>, Record<string, string>][] = [
      [{ a: 'bc' }, { ab: 'c' }],
      [{ a: '', b: '' }, { ab: '' }],
      [{ '': 'a' }, { a: '' }],
      [{}, { '': '' }],
    ];
    for (const [x, y] of pairs) assert.notDeepEqual(encodeEncryptionContext(x), encodeEncryptionContext(y));
  });

  it('treats an absent and an empty context alike', () => {
    assert.deepEqual(encodeEncryptionContext(undefined), encodeEncryptionContext({}));
  });

  it('is length-prefixed and sorted by UTF-8 bytes', () => {
    const encoded = encodeEncryptionContext({ b: 'é', a: 'x' });
    assert.equal(encoded.toString('hex'), '00000002' + '00000001' + '61' + '00000001' + '78' + '00000001' + '62' + '00000002' + 'c3a9');
  });
});

describe('ciphertext blob', () => {
  const material = randomBytes(32);
  const header = { accountId: '111122223333', keyId: '0f1e2d3c-4b5a-4697-8877-665544332211', materialVersion: 7 };

  it('round-trips and names key, account and material version in its header', () => {
    const blob = sealBlob(header, material, randomBytes(12), Buffer.from('hello'), { k: 'v' });
    assert.equal(blob.length, BLOB_OVERHEAD + 5);
    assert.deepEqual(parseHeader(blob), header);
    assert.deepEqual(openBlob(blob, material, { k: 'v' }), Buffer.from('hello'));
  });

  it('carries multi-Region key ids', () => {
    const mrk = { ...header, keyId: `mrk-${'ab'.repeat(16)}` };
    const blob = sealBlob(mrk, material, randomBytes(12), Buffer.from('x'), undefined);
    assert.deepEqual(parseHeader(blob), mrk);
  });

  it('fails to open after any single-bit change, or with another context or key', () => {
    const blob = sealBlob(header, material, randomBytes(12), Buffer.from('attack at dawn'), { k: 'v' });
    for (let i = 0; i < blob.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const edited = Buffer.from(blob);
        edited[i] ^= bit;
        assert.equal(openBlob(edited, material, { k: 'v' }), undefined, `byte ${i} bit ${bit}`);
      }
    }
    assert.equal(openBlob(blob, material, { k: 'w' }), undefined);
    assert.equal(openBlob(blob, material, undefined), undefined);
    assert.equal(openBlob(blob, randomBytes(32), { k: 'v' }), undefined);
  });

  it('rejects blobs that are too short or of another format', () => {
    assert.equal(parseHeader(Buffer.alloc(BLOB_OVERHEAD - 1)), undefined);
    const blob = sealBlob(header, material, randomBytes(12), Buffer.from('x'), undefined);
    const other = Buffer.from(blob);
    other[0] = 2;
    assert.equal(parseHeader(other), undefined);
    const flags = Buffer.from(blob);
    flags[1] = 4;
    assert.equal(parseHeader(flags), undefined);
    const account = Buffer.from(blob);
    account.write('x', 5);
    assert.equal(parseHeader(account), undefined);
    assert.equal(HEADER_LENGTH, 34);
  });
});
